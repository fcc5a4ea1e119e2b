"""Second factors: a TOTP secret per person and ten single-use recovery codes, stored hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.accounts import User
from app.models.base import UtcDateTime
from app.models.base import utcnow


class TotpSecret(db.Model):
    """A person's confirmed authenticator app; the secret is kept readable, as checking codes needs it."""

    __tablename__ = "totp_secret"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    # The last 30-second step a code was accepted for, so one code cannot be used twice (replay).
    last_step: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<TotpSecret for user {self.user_id}>"

    @classmethod
    def of(cls, user: User) -> TotpSecret | None:
        """The person's authenticator, if they have set one up."""
        return db.session.scalar(select(cls).where(cls.user_id == user.id))


class RecoveryCode(db.Model):
    """One single-use code for when the phone is lost; only its hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} for user {self.user_id}>"
