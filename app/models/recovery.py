"""Password reset links: single use, short-lived, and stored only as a hash of their token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import User
from app.models.accounts import hash_token
from app.models.base import UtcDateTime
from app.models.base import utcnow


class PasswordReset(db.Model):
    """One e-mailed link that lets a person choose a new password, once, within its lifetime."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} for user {self.user_id}>"

    @classmethod
    def by_token(cls, token: str) -> PasswordReset | None:
        """Find a still-usable reset from the token in its link: unused, unexpired, for an active account."""
        reset = db.session.scalar(select(cls).where(cls.token_hash == hash_token(token)))
        if (
            reset is None
            or reset.used_at is not None
            or reset.expires_at <= utcnow()
            or not reset.user.active
        ):
            return None
        return reset
