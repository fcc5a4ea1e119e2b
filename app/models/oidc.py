"""Logins through an OpenID Connect provider (Feide, ID-porten): who may come in, and whose login is whose.

``OidcIdentity`` is the stable link from a provider's (issuer, sub) pair to one Laget account; an
e-mail address can change hands, the pair cannot. ``OidcAdmission`` is an organisation's rule for
which people of which provider it takes in: the value a claim must have (Feide's organisation, say).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import Organisation
from app.models.accounts import User
from app.models.base import UtcDateTime
from app.models.base import utcnow


class OidcIdentity(db.Model):
    """One person at one provider, linked to the Laget account they log in to."""

    __tablename__ = "oidc_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    # The provider's "sub" claim: never reassigned by the provider, unlike an e-mail address.
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<OidcIdentity {self.id} for user {self.user_id}>"

    @classmethod
    def find(cls, issuer: str, subject: str) -> OidcIdentity | None:
        """The link for this person at this provider, if they have logged in before."""
        return db.session.scalar(select(cls).where(cls.issuer == issuer, cls.subject == subject))

    @classmethod
    def of(cls, user: User, issuer: str) -> OidcIdentity | None:
        """The account's link at this provider, if it has one."""
        return db.session.scalar(select(cls).where(cls.user_id == user.id, cls.issuer == issuer))


class OidcAdmission(db.Model):
    """An organisation takes in the people of a provider whose ``claim`` has ``value``.

    The triple is unique across organisations, so one claim value never admits people to two of them.
    """

    __tablename__ = "oidc_admission"
    __table_args__ = (UniqueConstraint("issuer", "claim", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(300))
    claim: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<OidcAdmission {self.id} {self.claim}>"

    @classmethod
    def for_issuer(cls, issuer: str) -> list[OidcAdmission]:
        """Every organisation's rules for one provider."""
        return list(db.session.scalars(select(cls).where(cls.issuer == issuer).order_by(cls.id)))

    @classmethod
    def of_organisation(cls, organisation: Organisation) -> list[OidcAdmission]:
        """An organisation's rules, in the order they were added."""
        query = select(cls).where(cls.organisation_id == organisation.id).order_by(cls.id)
        return list(db.session.scalars(query))
