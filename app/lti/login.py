"""OIDC third-party login initiation: the platform names itself, and we send the browser to its
authorisation endpoint with a fresh state and nonce, which the launch must bring back exactly once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import delete
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from app.models.lti import LtiLogin
from app.models.lti import LtiPlatform


def state_cookie_name() -> str:
    """The cookie that ties a login to the browser that started it; ``__Secure-`` when cookies are Secure."""
    secure = bool(current_app.config["SESSION_COOKIE_SECURE"])
    return "__Secure-laget_lti_state" if secure else "laget_lti_state"


class UnknownPlatform(Exception):
    """No registered platform has this issuer (and client id)."""


@dataclass(frozen=True)
class LoginStart:
    """Where to send the browser, and the state the launch must carry back."""

    redirect_url: str
    state: str


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform:
    """The platform registered with this issuer (and client id, when the platform sends it).

    :raise UnknownPlatform: when none is, or several are and the platform did not say which.
    """
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    platforms = list(db.session.scalars(query.limit(2)))
    if len(platforms) != 1:
        raise UnknownPlatform(issuer)
    return platforms[0]


def start_login(
    platform: LtiPlatform, login_hint: str, message_hint: str | None, redirect_uri: str
) -> LoginStart:
    """Store a new state and nonce and build the authentication request to the platform."""
    now = utcnow()
    _forget_old_logins(now)
    login = LtiLogin(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        platform_id=platform.id,
        created_at=now,
    )
    db.session.add(login)
    db.session.flush()
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": login_hint,
        "state": login.state,
        "nonce": login.nonce,
    }
    if message_hint:
        params["lti_message_hint"] = message_hint
    separator = "&" if "?" in platform.auth_login_url else "?"
    return LoginStart(platform.auth_login_url + separator + urlencode(params), login.state)


def _forget_old_logins(now: datetime) -> None:
    """Drop logins older than a day: the state of a login that old cannot launch any more."""
    db.session.execute(
        delete(LtiLogin).where(LtiLogin.created_at < now - current_app.config["LTI_LOGIN_KEEP"])
    )
