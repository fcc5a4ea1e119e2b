"""Registering the platforms of an organisation."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.lti import LtiPlatform


class AlreadyRegistered(Exception):
    """A platform with this issuer and client id is registered already (here or elsewhere)."""


def platforms_of(organisation_id: int) -> list[LtiPlatform]:
    """The organisation's platforms, by name."""
    query = select(LtiPlatform).where(LtiPlatform.organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(LtiPlatform.name)))


def _check_free(fields: dict[str, object], platform_id: int | None = None) -> None:
    """:raise AlreadyRegistered: when another platform has this issuer and client id."""
    taken = select(LtiPlatform.id).where(
        LtiPlatform.issuer == fields["issuer"], LtiPlatform.client_id == fields["client_id"]
    )
    if platform_id is not None:
        taken = taken.where(LtiPlatform.id != platform_id)
    if db.session.scalar(taken) is not None:
        raise AlreadyRegistered(fields["issuer"])


def register_platform(organisation_id: int, **fields: object) -> LtiPlatform:
    """Add a platform to the organisation; the caller commits.

    :raise AlreadyRegistered: when its issuer and client id are taken.
    """
    _check_free(fields)
    platform = LtiPlatform(organisation_id=organisation_id, **fields)
    db.session.add(platform)
    db.session.flush()
    return platform


def update_platform(platform: LtiPlatform, **fields: object) -> list[str]:
    """Change a platform's registration, keeping the accounts it made; the names of the changed fields.

    :raise AlreadyRegistered: when another platform has the new issuer and client id.
    """
    _check_free(fields, platform.id)
    changed = [name for name, value in fields.items() if getattr(platform, name) != value]
    for name in changed:
        setattr(platform, name, fields[name])
    db.session.flush()
    return changed
