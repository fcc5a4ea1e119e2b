"""Deep linking: a teacher picks a course or a solo scenario for the platform, and Laget answers with
a signed LtiDeepLinkingResponse holding one LTI resource link (with a line item for the score).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import url_for
from wtforms import SelectChoice

from app.extensions import db
from app.i18n import gettext as _
from app.learning.library import load_courses
from app.lti import claims as c
from app.lti import keys
from app.lti.launch import Launch
from app.lti.launch import LaunchRefused
from app.models import User
from app.models.lti import LtiPlatform
from app.solo.services import readable_versions

REQUEST = c.DEEP_LINKING_REQUEST
# The return address goes into our CSP as its origin: a plain host (and port) only.
_RETURN_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s\"'<>]*)?$")


class PlatformGone(Exception):
    """The platform that asked was removed from Laget in the meantime."""


def settings_of(launch: Launch) -> dict[str, Any]:
    """What the answer needs from the request, small enough to keep in the session cookie."""
    settings = launch.claims.get(c.DEEP_LINKING_SETTINGS) or {}
    return_url = str(settings.get("deep_link_return_url") or "")
    if not _RETURN_URL.match(return_url) or len(return_url) > 1000:
        raise LaunchRefused(_("Læringsplattformen sa ikke hvor valget skal sendes."))
    accepted = settings.get("accept_types")
    if isinstance(accepted, list) and "ltiResourceLink" not in accepted:
        raise LaunchRefused(_("Læringsplattformen tar ikke imot lenker til LTI-verktøy her."))
    return {
        "platform_id": launch.platform.id,
        "deployment_id": launch.deployment_id,
        "return_url": return_url,
        "data": settings.get("data"),
    }


def choices(user: User) -> list[SelectChoice]:
    """Every course, then every scenario the person may practise alone, as ``course/…`` and ``solo/…``."""
    courses = sorted(load_courses().values(), key=lambda loaded: loaded.course.meta.title.casefold())
    items = [SelectChoice(f"course/{loaded.id}", loaded.course.meta.title) for loaded in courses]
    items += [SelectChoice(f"solo/{v.scenario_key}", v.title) for v in readable_versions(user)]
    return items


def landing_url(target: str | None) -> str:
    """Where a launch of ``target`` lands: the course, the scenario in solo practice, or the home page."""
    if target and target.startswith("course/") and target.removeprefix("course/") in load_courses():
        return url_for("learning.course", course_id=target.removeprefix("course/"))
    if target and target.startswith("solo/"):
        return url_for("solo.index", scenario=target.removeprefix("solo/"))
    return url_for("main.index")


def response_token(settings: dict[str, Any], target: str, title: str) -> str:
    """The signed LtiDeepLinkingResponse for the platform that asked, with the picked content."""
    platform = db.session.get(LtiPlatform, settings["platform_id"])
    if platform is None:
        raise PlatformGone(settings["platform_id"])
    item = {
        "type": "ltiResourceLink",
        "title": title,
        "url": url_for("lti.launch", _external=True),
        "custom": {c.TARGET_PARAMETER: target},
        "lineItem": {"scoreMaximum": 100, "label": title, "resourceId": target},
    }
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "nonce": keys.new_nonce(),
        c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE,
        c.VERSION: "1.3.0",
        c.DEPLOYMENT_ID: settings["deployment_id"],
        c.CONTENT_ITEMS: [item],
    }
    if settings.get("data") is not None:
        claims[c.DEEP_LINKING_DATA] = settings["data"]
    return keys.sign(claims)


def origin(url: str) -> str:
    """The scheme, host and port of ``url``, as a CSP source."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
