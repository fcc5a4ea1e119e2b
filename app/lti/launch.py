"""The launch: check the id_token the platform posted against its keys and the login we started.

Every check that fails raises ``LaunchRefused`` with a reason the person can read; the caller then
rolls back, so a refused launch stores nothing (no account, and its login stays unused).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact
from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.lti import claims as c
from app.lti.remote import RemoteError
from app.lti.remote import platform_keys
from app.models import utcnow
from app.models.lti import LtiLogin
from app.models.lti import LtiPlatform
from app.transactions import lock_row

# Clocks on the platform and here may differ this much (seconds).
LEEWAY = 60


class LaunchRefused(Exception):
    """The launch cannot be accepted; ``reason`` says why, in the person's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Launch:
    """A checked launch: the platform, the token's claims and what kind of message it is."""

    platform: LtiPlatform
    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return str(self.claims[c.MESSAGE_TYPE])

    @property
    def subject(self) -> str:
        return str(self.claims["sub"])

    @property
    def deployment_id(self) -> str:
        return str(self.claims[c.DEPLOYMENT_ID])

    @property
    def roles(self) -> list[str]:
        roles = self.claims.get(c.ROLES) or []
        return [str(role) for role in roles] if isinstance(roles, list) else []

    @property
    def may_pick_content(self) -> bool:
        """Whether the platform says the person teaches or administers (and so may pick content)."""
        return any(role.rsplit("#", 1)[-1] in c.CONTENT_PICKERS for role in self.roles)


def check_launch(id_token: str, state: str, state_cookie: str | None, now: datetime | None = None) -> Launch:
    """The launch the platform posted, checked in full, with its login marked used.

    :raise LaunchRefused: for a bad signature, issuer, audience, nonce, expiry, deployment or message.
    """
    now = now or utcnow()
    login = _login(state, state_cookie, now)
    platform = db.session.get(LtiPlatform, login.platform_id)
    if platform is None:
        raise LaunchRefused(_("Plattformen er ikke lenger registrert i Laget."))
    claims = _verified_claims(platform, id_token)
    _check_claims(platform, claims, login, now)
    login = lock_row(LtiLogin, login.id)
    if login.used_at is not None:
        raise LaunchRefused(_("Denne innloggingen er allerede brukt. Start igjen fra læringsplattformen."))
    login.used_at = now
    db.session.flush()
    return Launch(platform, claims)


def _login(state: str, state_cookie: str | None, now: datetime) -> LtiLogin:
    """The login this launch answers: it must exist, be recent, and belong to this browser."""
    login = db.session.scalar(select(LtiLogin).where(LtiLogin.state == state)) if state else None
    lifetime = current_app.config["LTI_LOGIN_LIFETIME"]
    if login is None or login.created_at < now - lifetime:
        raise LaunchRefused(_("Innloggingen er ukjent eller for gammel. Start igjen fra læringsplattformen."))
    if login.used_at is not None:
        raise LaunchRefused(_("Denne innloggingen er allerede brukt. Start igjen fra læringsplattformen."))
    if state_cookie != state:
        raise LaunchRefused(
            _(
                "Nettleseren sendte ikke med innloggingen som ble startet. Åpne Laget i et nytt vindu "
                "fra læringsplattformen."
            )
        )
    return login


def _verified_claims(platform: LtiPlatform, id_token: str) -> dict[str, Any]:
    """The token's claims, once its signature is checked against the platform's JWKS."""
    try:
        header = extract_compact(id_token.encode()).protected
        keys = platform_keys(platform.jwks_url, header.get("kid"))
        token = jwt.decode(id_token, keys, algorithms=["RS256"])
    except RemoteError:
        raise LaunchRefused(
            _("Fikk ikke hentet nøklene til læringsplattformen. Prøv igjen om litt.")
        ) from None
    except (JoseError, ValueError, TypeError):
        raise LaunchRefused(_("Signaturen på innloggingen fra læringsplattformen stemmer ikke.")) from None
    return dict(token.claims)


def _check_claims(platform: LtiPlatform, claims: dict[str, Any], login: LtiLogin, now: datetime) -> None:
    """Issuer, audience, time, nonce, deployment, version and message type, each with its own reason."""
    if claims.get("iss") != platform.issuer:
        raise LaunchRefused(_("Innloggingen kommer fra en annen plattform enn den som startet den."))
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if platform.client_id not in audiences or (
        len(audiences) > 1 and claims.get("azp") != platform.client_id
    ):
        raise LaunchRefused(_("Innloggingen er ikke ment for Laget (feil klient-ID)."))
    moment = now.timestamp()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp + LEEWAY < moment:
        raise LaunchRefused(_("Innloggingen er utløpt. Start igjen fra læringsplattformen."))
    if not isinstance(iat, int | float) or iat - LEEWAY > moment:
        raise LaunchRefused(_("Innloggingen er datert fram i tid. Sjekk klokken på læringsplattformen."))
    if claims.get("nonce") != login.nonce:
        raise LaunchRefused(_("Innloggingen er allerede brukt. Start igjen fra læringsplattformen."))
    if str(claims.get(c.DEPLOYMENT_ID)) not in platform.deployment_ids:
        raise LaunchRefused(
            _("Denne utrullingen (deployment) av Laget er ikke registrert. Be administratoren legge den til.")
        )
    if claims.get(c.VERSION) != "1.3.0":
        raise LaunchRefused(_("Laget forstår bare LTI 1.3."))
    if claims.get(c.MESSAGE_TYPE) not in (c.RESOURCE_LINK_REQUEST, c.DEEP_LINKING_REQUEST):
        raise LaunchRefused(_("Laget kjenner ikke denne typen melding fra læringsplattformen."))
    if not claims.get("sub"):
        raise LaunchRefused(_("Læringsplattformen sa ikke hvem som logger inn."))
