"""Tenants (organisations and units), people, invitations and login throttling.

Roles are stored as one column holding the user's *highest* role, because the roles nest:
participant ⊂ facilitator ⊂ author ⊂ admin. ``User.has_role("facilitator")`` is therefore true for
facilitators, authors and admins, and ``role_required`` builds on that. A set of roles would allow
combinations nobody has asked for (an admin who may not facilitate) at the cost of a join table.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.extensions import login_manager
from app.models.base import UtcDateTime
from app.models.base import string_enum
from app.models.base import utcnow


class Role(enum.StrEnum):
    """A user's highest role; later members include every permission of earlier ones."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    AUTHOR = "author"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the nesting order, used to compare roles."""
        return list(Role).index(self)

    @property
    def label(self) -> str:
        """The role's name as shown to users."""
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.PARTICIPANT: _l("Deltaker"),
    Role.FACILITATOR: _l("Fasilitator"),
    Role.AUTHOR: _l("Forfatter"),
    Role.ADMIN: _l("Administrator"),
}


class Organisation(db.Model):
    """A municipality: the tenant boundary that every query for people or drills is scoped to."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set by the organisation's admin: staff and unit leaders must use an authenticator app to log in.
    mfa_required: Mapped[bool] = mapped_column(default=False)
    # The organisation's own privacy and accessibility statements (Markdown), shown to everyone.
    privacy_statement: Mapped[str | None] = mapped_column(Text)
    accessibility_statement: Mapped[str | None] = mapped_column(Text)
    # Set by the admin: xAPI statements queued from now on name its people by e-mail (mbox), not account.
    xapi_actor_email: Mapped[bool] = mapped_column(default=False)

    units: Mapped[list[Unit]] = relationship(back_populates="organisation", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"

    @classmethod
    def by_slug(cls, slug: str) -> Organisation | None:
        """Find an organisation by its slug."""
        return db.session.scalar(select(cls).where(cls.slug == slug))


class Unit(db.Model):
    """A service inside a municipality (a school, PPT, the child welfare service)."""

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="units")

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"

    @classmethod
    def by_name(cls, organisation: Organisation, name: str) -> Unit | None:
        """Find a unit of ``organisation`` by its exact name."""
        return db.session.scalar(
            select(cls).where(cls.organisation_id == organisation.id, cls.name == name.strip())
        )

    @classmethod
    def find_in(cls, organisation: Organisation, unit_id: str | int | None) -> Unit | None:
        """Find a unit by id within ``organisation`` only, so a tampered form cannot reach another tenant."""
        if unit_id is None or not str(unit_id).isdigit():
            return None
        query = select(cls).where(cls.id == int(unit_id), cls.organisation_id == organisation.id)
        return db.session.scalar(query)


@lru_cache(maxsize=8)
def _password_hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    """Build one hasher per parameter set, since tests use cheaper parameters than production."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def password_hasher() -> PasswordHasher:
    """Return the Argon2id hasher configured by ``ARGON2_PARAMS``."""
    params = current_app.config["ARGON2_PARAMS"]
    return _password_hasher(params["time_cost"], params["memory_cost"], params["parallelism"])


@lru_cache(maxsize=8)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Hash a throwaway password once per hasher, to spend equal time on unknown accounts."""
    return hasher.hash("laget-dummy-password")


class User(UserMixin, db.Model):
    """A person with a login, belonging to one organisation and holding one (highest) role."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    # Nullable so accounts that log in only through SSO (Feide, ID-porten) can exist later.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"), default=Role.PARTICIPANT)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie's identity: bumping it logs the user out on every device.
    session_epoch: Mapped[int] = mapped_column(default=0)
    preferred_locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    organisation: Mapped[Organisation] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    @property
    def is_active(self) -> bool:
        """Let Flask-Login refuse deactivated accounts."""
        return self.active

    def get_id(self) -> str:
        """Identify the login by user id *and* session epoch, so a bumped epoch voids old cookies."""
        return f"{self.id}:{self.session_epoch}"

    def has_role(self, role: Role | str) -> bool:
        """Tell whether the user's role includes ``role``, since roles nest upwards."""
        return self.role.rank >= Role(role).rank

    def set_password(self, password: str) -> None:
        """Store an Argon2id hash of ``password``."""
        self.password_hash = password_hasher().hash(password)

    def check_password(self, password: str) -> bool:
        """Verify ``password`` and upgrade the stored hash if the hasher's parameters changed."""
        if self.password_hash is None:
            verify_unknown_password(password)
            return False
        hasher = password_hasher()
        try:
            hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if hasher.check_needs_rehash(self.password_hash):
            self.password_hash = hasher.hash(password)
        return True

    def end_sessions(self) -> None:
        """Invalidate every login cookie this user holds."""
        self.session_epoch += 1

    @classmethod
    def by_email(cls, email: str) -> User | None:
        """Find the account for an e-mail address, ignoring case."""
        return db.session.scalar(select(cls).where(cls.email == normalise_email(email)))

    @classmethod
    def members_of(cls, organisation: Organisation, search: str = "") -> list[User]:
        """List an organisation's people by name, optionally filtered by name or e-mail."""
        query = select(cls).where(cls.organisation_id == organisation.id)
        if search := search.strip():
            query = query.where(
                or_(
                    cls.display_name.icontains(search, autoescape=True),
                    cls.email.icontains(search, autoescape=True),
                )
            )
        return list(db.session.scalars(query.order_by(cls.display_name, cls.id)))


def normalise_email(email: str) -> str:
    """Compare and store e-mail addresses trimmed and lower-cased, so one person has one account."""
    return email.strip().lower()


def verify_unknown_password(password: str) -> None:
    """Spend the same time as a real check, so response times do not reveal which e-mails exist."""
    hasher = password_hasher()
    try:
        hasher.verify(_dummy_hash(hasher), password)
    except VerificationError:
        pass


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the logged-in user, refusing cookies from before a logout-everywhere or deactivation."""
    user_pk, _, epoch = user_id.partition(":")
    if not (user_pk.isdigit() and epoch.isdigit()):
        return None
    # The organisation comes along: every request asks whether it requires a second factor.
    user = db.session.get(User, int(user_pk), options=[joinedload(User.organisation)])
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def hash_token(token: str) -> str:
    """Hash a one-time token for storage, so a database leak does not leak usable links."""
    return hashlib.sha256(token.encode()).hexdigest()


def email_digest(email: str) -> str:
    """A keyed hash of a typed e-mail address: repeated tries at one address line up, the text stays out."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return "email-hmac:" + hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:24]


class Invitation(db.Model):
    """A one-time link that lets a new person set their name and password and join an organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    organisation: Mapped[Organisation] = relationship()
    unit: Mapped[Unit | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.role}>"

    @property
    def is_usable(self) -> bool:
        """Tell whether the link may still be used: not used before and not expired."""
        return self.used_at is None and self.expires_at > utcnow()

    @classmethod
    def by_token(cls, token: str) -> Invitation | None:
        """Find a still-usable invitation from the token in its link."""
        invitation = db.session.scalar(select(cls).where(cls.token_hash == hash_token(token)))
        return invitation if invitation is not None and invitation.is_usable else None

    @classmethod
    def pending_for(cls, organisation: Organisation) -> list[Invitation]:
        """List an organisation's invitations that can still be accepted, newest first."""
        query = (
            select(cls)
            .where(cls.organisation_id == organisation.id, cls.used_at.is_(None), cls.expires_at > utcnow())
            .order_by(cls.created_at.desc(), cls.id.desc())
        )
        return list(db.session.scalars(query))


class LoginFailure(db.Model):
    """One failed login, counted per account (a keyed hash of the typed address) and per IP address."""

    __table_args__ = (Index("ix_login_failure_email_ip_created", "email", "ip", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class JoinFailure(db.Model):
    """One join attempt with a code that matched no open drill, counted per IP address against guessing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class JoinRecord(db.Model):
    """One successful join, counted per IP address so a script cannot fill drills at speed."""

    __tablename__ = "join_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
