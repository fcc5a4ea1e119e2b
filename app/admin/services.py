"""Changes an administrator makes to their organisation: people, roles and invitations."""

from __future__ import annotations

import re
import secrets
import unicodedata

from flask import current_app
from sqlalchemy import delete

from app.extensions import db
from app.models import Invitation
from app.models import Organisation
from app.models import Role
from app.models import Unit
from app.models import User
from app.models import hash_token
from app.models import normalise_email
from app.models import utcnow


class EmailTaken(Exception):
    """An account with this e-mail address already exists."""


def slugify(name: str) -> str:
    """Turn an organisation name into a URL-safe slug, spelling out æ, ø and å."""
    name = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-") or "organisasjon"


def create_organisation(name: str, slug: str | None = None) -> Organisation:
    """Add a municipality (tenant) under a unique slug derived from its name."""
    organisation = Organisation(name=name.strip(), slug=slug or slugify(name))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def create_unit(organisation: Organisation, name: str) -> Unit:
    """Add a service (a school, PPT, the child welfare service) to a municipality."""
    unit = Unit(organisation=organisation, name=name.strip())
    db.session.add(unit)
    db.session.flush()
    return unit


def create_user(organisation: Organisation, email: str, display_name: str, role: Role, password: str) -> User:
    """Add an account directly, for operators setting up a municipality from the command line.

    :raise EmailTaken: if the address already has an account.
    """
    if User.by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        role=role,
        organisation=organisation,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def invite_user(
    organisation: Organisation, email: str, role: Role, unit: Unit | None, invited_by: User
) -> tuple[Invitation, str]:
    """Create a one-time invitation and return it with its secret token, which is stored only hashed.

    Earlier open invitations for the same address in the organisation are withdrawn, so only the
    newest link works.

    :raise EmailTaken: if the address already has an account.
    """
    email = normalise_email(email)
    if User.by_email(email) is not None:
        raise EmailTaken(email)
    db.session.execute(
        delete(Invitation).where(
            Invitation.organisation_id == organisation.id,
            Invitation.email == email,
            Invitation.used_at.is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_token(token),
        email=email,
        role=role,
        organisation=organisation,
        unit=unit,
        invited_by=invited_by,
        expires_at=utcnow() + current_app.config["INVITATION_LIFETIME"],
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def revoke_invitation(invitation: Invitation) -> Invitation:
    """Withdraw an invitation so its link stops working."""
    db.session.delete(invitation)
    db.session.flush()
    return invitation


def change_role(user: User, role: Role) -> User:
    """Give ``user`` a new highest role; it applies from their next request."""
    user.role = role
    db.session.flush()
    return user


def deactivate_user(user: User) -> User:
    """Stop ``user`` from logging in and end the sessions they already have."""
    user.active = False
    user.end_sessions()
    db.session.flush()
    return user


def reactivate_user(user: User) -> User:
    """Let a deactivated user log in again."""
    user.active = True
    db.session.flush()
    return user


def end_user_sessions(user: User) -> User:
    """Log ``user`` out on every device, for instance after a lost phone (ASVS 7.4.5)."""
    user.end_sessions()
    db.session.flush()
    return user


def update_settings(organisation: Organisation, **values: object) -> list[str]:
    """Store the organisation's settings (empty statements as none); return the names that changed."""
    changed = []
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    db.session.flush()
    return changed
