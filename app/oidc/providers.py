"""The configured providers (``OIDC_PROVIDERS``) and one Authlib client for each.

Configuration, per provider key (lower-case letters, digits and dashes, used in the callback URL)::

    LAGET_OIDC_PROVIDERS__feide__issuer=https://auth.dataporten.no
    LAGET_OIDC_PROVIDERS__feide__client_id=…
    LAGET_OIDC_PROVIDERS__feide__client_secret=…

Optional: ``name`` (shown on the button, "Logg inn med <name>"), ``scope`` (default
"openid profile email"), ``acr_values`` (sent in the request, e.g. "idporten-loa-substantial"),
``mfa_acr`` (the ``acr`` values that count as a second factor, comma-separated) and
``token_endpoint_auth_method`` (default client_secret_basic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Flask
from flask import current_app

EXTENSION = "laget_oidc"
DEFAULT_SCOPE = "openid profile email"
# Seconds Laget waits for a provider's discovery, token, key and userinfo answers.
HTTP_TIMEOUT = 10
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
LOOPBACK = ("localhost", "127.0.0.1", "::1")
KNOWN_NAMES = {"feide": "Feide", "idporten": "ID-porten"}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be had, or names another issuer than configured."""


@dataclass(frozen=True)
class Provider:
    """One configured OpenID Connect provider."""

    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str = DEFAULT_SCOPE
    acr_values: str = ""
    mfa_acr: frozenset[str] = frozenset()
    token_endpoint_auth_method: str = "client_secret_basic"

    @property
    def discovery_url(self) -> str:
        """Where the provider publishes its endpoints and keys (OpenID Connect Discovery 1.0)."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def parse_providers(config: dict[str, Any] | None) -> dict[str, Provider]:
    """Read ``OIDC_PROVIDERS``, refusing an incomplete entry at start-up rather than at someone's login."""
    providers = {}
    for key, entry in (config or {}).items():
        if not KEY_PATTERN.match(key):
            raise RuntimeError(f"OIDC provider key {key!r}: use lower-case letters, digits and dashes")
        if not isinstance(entry, dict):
            raise RuntimeError(f"OIDC provider {key!r} must be a table of settings")
        missing = [name for name in ("issuer", "client_id", "client_secret") if not entry.get(name)]
        if missing:
            raise RuntimeError(f"OIDC provider {key!r} lacks {', '.join(missing)}")
        if not _secure(str(entry["issuer"])):
            raise RuntimeError(f"OIDC provider {key!r}: the issuer must be an https:// address")
        mfa_acr = entry.get("mfa_acr") or ""
        if isinstance(mfa_acr, str):
            mfa_acr = mfa_acr.split(",")
        providers[key] = Provider(
            key=key,
            name=str(entry.get("name") or KNOWN_NAMES.get(key, key)),
            # Environment values arrive parsed as JSON, so a numeric client id comes as a number.
            issuer=str(entry["issuer"]),
            client_id=str(entry["client_id"]),
            client_secret=str(entry["client_secret"]),
            scope=str(entry.get("scope") or DEFAULT_SCOPE),
            acr_values=str(entry.get("acr_values") or ""),
            mfa_acr=frozenset(str(value).strip() for value in mfa_acr if str(value).strip()),
            token_endpoint_auth_method=str(entry.get("token_endpoint_auth_method") or "client_secret_basic"),
        )
    return providers


def _secure(issuer: str) -> bool:
    """HTTPS, or plain HTTP on this machine only (a provider started by the tests)."""
    parts = urlsplit(issuer)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)


def init_app(app: Flask) -> None:
    """Register an Authlib client per configured provider on this app."""
    providers = parse_providers(app.config.get("OIDC_PROVIDERS"))
    oauth = OAuth(app)
    for provider in providers.values():
        oauth.register(
            name=provider.key,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.discovery_url,
            authorize_params={"acr_values": provider.acr_values} if provider.acr_values else None,
            client_kwargs={
                "scope": provider.scope,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": provider.token_endpoint_auth_method,
                "default_timeout": HTTP_TIMEOUT,
            },
        )
    app.extensions[EXTENSION] = (providers, oauth)
    app.add_template_global(all_providers, "oidc_providers")


def all_providers() -> list[Provider]:
    """The providers of the running app, in configuration order."""
    return list(current_app.extensions[EXTENSION][0].values())


def get(key: str) -> Provider | None:
    """The provider with this key, if configured."""
    return current_app.extensions[EXTENSION][0].get(key)


def by_issuer(issuer: str) -> Provider | None:
    """The configured provider with this issuer, if any."""
    return next((p for p in all_providers() if p.issuer == issuer), None)


def client(provider: Provider) -> Any:
    """The Authlib client for ``provider``."""
    return current_app.extensions[EXTENSION][1].create_client(provider.key)


def metadata(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document, fetched once per process and checked against the issuer.

    :raise ProviderUnavailable: when it cannot be fetched or names another issuer (Discovery §4.3).
    """
    oauth_client = client(provider)
    try:
        found = oauth_client.load_server_metadata()
    except Exception as error:  # requests' network errors, a non-JSON answer, an HTTP error status
        raise ProviderUnavailable(str(error)) from error
    if found.get("issuer") != provider.issuer:
        # Forget it, so a corrected provider is read again on the next login.
        oauth_client.server_metadata.clear()
        raise ProviderUnavailable(f"issuer {found.get('issuer')!r} is not {provider.issuer!r}")
    return found
