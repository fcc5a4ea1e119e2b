"""LTI 1.3: the platforms (KS Læring/Moodle, itslearning, Canvas) an admin registered, our signing keys,
logins in progress, the platform accounts behind Laget accounts, and scores waiting to be sent back.

A platform belongs to one organisation: everyone it launches gets an account there. Our private keys
are kept here so every worker and host signs with the same key; a retired key stays published in our
JWKS for a while, so what it signed can still be checked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import Organisation
from app.models.base import UtcDateTime
from app.models.base import utcnow
from app.models.outbox import OutboxRow


class LtiPlatform(db.Model):
    """A learning platform registered by an organisation's admin, with the addresses LTI 1.3 needs."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    # The deployment ids the platform may launch with, one per line as the admin typed them.
    deployment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    auth_login_url: Mapped[str] = mapped_column(String(500))
    token_url: Mapped[str] = mapped_column(String(500))
    jwks_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<LtiPlatform {self.issuer} {self.client_id}>"


class LtiKey(db.Model):
    """One of Laget's own RSA signing keys; the newest unretired one signs, all unexpired are published."""

    __tablename__ = "lti_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    # The private key as a JWK, sealed under a key derived from SECRET_KEY (app/lti/keys.py).
    private_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set when a newer key took over; the key is still published until ``LTI_KEY_OVERLAP`` has passed.
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<LtiKey {self.kid}>"


class LtiLogin(db.Model):
    """A login the platform started: its state and nonce, used at most once by the launch that follows."""

    __tablename__ = "lti_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LtiAccount(db.Model):
    """The Laget account of one person on one platform (the platform's ``sub``)."""

    __tablename__ = "lti_account"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LtiGradeLink(db.Model):
    """Where a person's score for a course or a solo scenario goes: the line item of the launch."""

    __tablename__ = "lti_grade_link"
    __table_args__ = (UniqueConstraint("user_id", "lineitem"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    # "course/<course id>" or "solo/<scenario key>".
    target: Mapped[str] = mapped_column(String(200), index=True)
    lineitem: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LtiScore(OutboxRow, db.Model):
    """A score waiting to be sent to a platform's line item (Assignment and Grade Services)."""

    __tablename__ = "lti_score_outbox"

    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    lineitem: Mapped[str] = mapped_column(String(500))
    score: Mapped[dict[str, Any]] = mapped_column(JSON)

    platform: Mapped[LtiPlatform] = relationship()
