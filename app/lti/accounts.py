"""The Laget account behind a launch: found by platform and ``sub``, or made as a participant of the
platform's organisation, and the line item where its score goes.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.lti import claims as c
from app.lti.launch import Launch
from app.lti.launch import LaunchRefused
from app.models import Role
from app.models import User
from app.models import normalise_email
from app.models import utcnow
from app.models.lti import LtiAccount
from app.models.lti import LtiGradeLink

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A course id or a scenario key after its kind, as in the custom parameter ``laget``.
_TARGET = re.compile(r"^(course|solo)/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def account_for(launch: Launch) -> User:
    """The person's account, made on their first launch from this platform.

    :raise LaunchRefused: when the account was deactivated in Laget.
    """
    platform = launch.platform
    query = select(LtiAccount).where(
        LtiAccount.platform_id == platform.id, LtiAccount.subject == launch.subject
    )
    link = db.session.scalar(query)
    if link is not None:
        user = db.session.get(User, link.user_id)
        if user is not None and not user.active:
            raise LaunchRefused(_("Kontoen din i Laget er deaktivert. Kontakt administratoren."))
        if user is not None:
            return user
    user = User(
        email=_email(launch),
        display_name=_display_name(launch),
        role=Role.PARTICIPANT,
        organisation_id=platform.organisation_id,
        password_hash=None,
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(LtiAccount(platform_id=platform.id, subject=launch.subject, user_id=user.id))
    db.session.flush()
    return user


def _email(launch: Launch) -> str:
    """The platform's e-mail address when it is free in Laget, else an address that reaches nobody.

    An address already in Laget is never linked by itself: only the platform's ``sub`` links accounts,
    so a platform cannot take over an account it did not create.
    """
    given = str(launch.claims.get("email") or "")
    if _EMAIL.match(given) and len(given) <= 254 and User.by_email(given) is None:
        return normalise_email(given)
    digest = hashlib.sha256(f"{launch.platform.id}/{launch.subject}".encode()).hexdigest()[:24]
    return f"lti-{digest}@lti.invalid"


def _display_name(launch: Launch) -> str:
    """The name the platform gives, or "Deltaker" when it keeps names to itself."""
    claims = launch.claims
    name = str(
        claims.get("name") or " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))
    )
    return name.strip()[:100] or _("Deltaker")


def target_of(launch: Launch) -> str | None:
    """What the link opens, "course/<id>" or "solo/<key>", from its custom parameter; None if nothing."""
    custom = launch.claims.get(c.CUSTOM)
    value = str(custom.get(c.TARGET_PARAMETER) or "") if isinstance(custom, dict) else ""
    return value if _TARGET.match(value) else None


def remember_line_item(launch: Launch, user: User, target: str | None) -> LtiGradeLink | None:
    """Keep the launch's line item for the target, when the platform lets us post scores to it."""
    endpoint = launch.claims.get(c.AGS_ENDPOINT)
    if target is None or not isinstance(endpoint, dict):
        return None
    lineitem, scopes = endpoint.get("lineitem"), endpoint.get("scope") or []
    if (
        not isinstance(lineitem, str)
        or not lineitem.startswith(("https://", "http://"))
        or len(lineitem) > 500
    ):
        return None
    if c.SCORE_SCOPE not in scopes:
        return None
    query = select(LtiGradeLink).where(LtiGradeLink.user_id == user.id, LtiGradeLink.lineitem == lineitem)
    link = db.session.scalar(query)
    if link is None:
        link = LtiGradeLink(user_id=user.id, lineitem=lineitem)
        db.session.add(link)
    link.platform_id = launch.platform.id
    link.subject = launch.subject
    link.target = target
    link.updated_at = utcnow()
    db.session.flush()
    return link
