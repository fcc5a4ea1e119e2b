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


def register_platform(organisation_id: int, **fields: object) -> LtiPlatform:
    """Add a platform to the organisation; the caller commits.

    :raise AlreadyRegistered: when its issuer and client id are taken.
    """
    taken = select(LtiPlatform.id).where(
        LtiPlatform.issuer == fields["issuer"], LtiPlatform.client_id == fields["client_id"]
    )
    if db.session.scalar(taken) is not None:
        raise AlreadyRegistered(fields["issuer"])
    platform = LtiPlatform(organisation_id=organisation_id, **fields)
    db.session.add(platform)
    db.session.flush()
    return platform
