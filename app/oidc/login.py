"""The two halves of a provider login (send the person there; check what comes back) and its session record.

State, nonce and the PKCE verifier live in the signed session cookie under Authlib's keys, one set per
login started, and are spent by the callback. The record kept after login names the provider, the ID
token (the ``id_token_hint`` for logging out there too) and the end-session endpoint, so logging out
needs no call to the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import add_params_to_uri
from flask import Response
from flask import session
from joserfc.errors import JoseError

from app.models import User
from app.oidc import providers
from app.oidc.providers import Provider

SESSION_KEY = "oidc_login"
NEXT_KEY = "oidc_next"


class LoginFailed(Exception):
    """The callback did not carry a login we started, or the provider's answer did not check out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ProviderLogin:
    """What a successful callback proved: the person's claims and the ID token that carried them."""

    claims: dict[str, Any]
    id_token: str


def redirect_to_provider(provider: Provider, callback_url: str) -> Response:
    """Send the browser to the provider's login, with fresh state, nonce and PKCE (S256) remembered.

    :raise ProviderUnavailable: when the provider's discovery document cannot be had or is wrong.
    """
    providers.metadata(provider)
    try:
        return providers.client(provider).authorize_redirect(callback_url)
    except (AuthlibBaseError, requests.RequestException, RuntimeError) as error:
        raise providers.ProviderUnavailable(str(error)) from error


def finish(provider: Provider) -> ProviderLogin:
    """Check the callback: state, code exchange (with the PKCE verifier), ID token signature, issuer,
    audience, expiry and nonce; then add the userinfo endpoint's claims for the same subject.

    :raise LoginFailed: with a short reason for the audit trail.
    """
    try:
        providers.metadata(provider)
    except providers.ProviderUnavailable as error:
        raise LoginFailed("provider_unavailable") from error
    oauth_client = providers.client(provider)
    try:
        token = oauth_client.authorize_access_token()
    except AuthlibBaseError as error:
        raise LoginFailed(getattr(error, "error", None) or "oauth_error") from error
    except JoseError as error:
        claim = getattr(error, "claim", None)
        raise LoginFailed(f"id_token:{error.error}" + (f":{claim}" if claim else "")) from error
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise LoginFailed("token_request") from error
    id_claims = token.get("userinfo")
    if not id_claims or not isinstance(id_claims.get("sub"), str) or not id_claims["sub"]:
        raise LoginFailed("no_id_token")
    claims = {**_userinfo(oauth_client, token, id_claims["sub"]), **id_claims}
    return ProviderLogin(claims=dict(claims), id_token=str(token["id_token"]))


def _userinfo(oauth_client: Any, token: dict[str, Any], subject: str) -> dict[str, Any]:
    """The userinfo endpoint's claims (Feide gives some only there), if it answers for ``subject``."""
    if not oauth_client.load_server_metadata().get("userinfo_endpoint"):
        return {}
    try:
        found = dict(oauth_client.userinfo(token=token))
    except (AuthlibBaseError, requests.RequestException, ValueError, TypeError) as error:
        raise LoginFailed("userinfo") from error
    if found.get("sub") != subject:
        # OpenID Connect Core §5.3.4: a userinfo answer for another subject must not be used.
        raise LoginFailed("userinfo_subject")
    return found


def counts_as_second_factor(provider: Provider, claims: dict[str, Any]) -> bool:
    """Whether the provider says it used multi-factor login (an ``acr`` configured in ``mfa_acr``)."""
    return bool(provider.mfa_acr) and claims.get("acr") in provider.mfa_acr


def remember(provider: Provider, result: ProviderLogin, user: User, second_factor: bool) -> None:
    """Keep what logging out at the provider needs, and whether this login satisfied MFA, in the session."""
    end_session = providers.metadata(provider).get("end_session_endpoint")
    session[SESSION_KEY] = {
        "provider": provider.key,
        "user_id": user.id,
        "id_token": result.id_token,
        "end_session": end_session if isinstance(end_session, str) else None,
        "mfa": second_factor,
    }


def record() -> dict[str, Any] | None:
    """The provider login of this session, if it began with one."""
    found = session.get(SESSION_KEY)
    return found if isinstance(found, dict) else None


def satisfied_mfa() -> bool:
    """Whether this session's provider login counts as the second factor its organisation may require."""
    found = record()
    return bool(found and found.get("mfa"))


def end_session_url(found: dict[str, Any] | None, post_logout_url: str) -> str | None:
    """Where to send the browser to log out at the provider too (RP-initiated logout), if it can."""
    if not found or not found.get("end_session"):
        return None
    provider = providers.get(str(found.get("provider")))
    if provider is None:
        return None
    params = {"post_logout_redirect_uri": post_logout_url, "client_id": provider.client_id}
    if found.get("id_token"):
        params["id_token_hint"] = str(found["id_token"])
    # Built from the endpoint kept at login: logging out works even when the provider is unreachable.
    return add_params_to_uri(str(found["end_session"]), list(params.items()))


def form_action_origin() -> str | None:
    """The provider's origin that this session's logout form is redirected to, for the page's CSP."""
    found = record()
    end_session = found.get("end_session") if found else None
    if not end_session:
        return None
    parts = urlsplit(end_session)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None
