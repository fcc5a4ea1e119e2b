"""Flask's signed-cookie session, with its serializer built once per set of keys instead of per request."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """Exactly Flask's sessions (same cookie, signature, salt and keys); only the serializer is reused.

    Flask builds a ``URLSafeTimedSerializer`` for every request, polls and health checks included. It
    holds no per-request state, so one per secret key and fallback keys serves every request.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {keys: serializer}  # A changed key replaces the old serializer.
        return serializer
