"""Laget's own signing keys for LTI: stored in the database, rotated by an admin or the CLI.

The newest key that is not retired signs (deep linking responses, client assertions for grade
tokens). Rotating makes a new key and retires the old one, which stays in our JWKS for
``LTI_KEY_OVERLAP`` so a platform can still check what it signed and refresh its cached JWKS.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime
from typing import Any

from flask import current_app
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from app.models.lti import LtiKey

ALGORITHM = "RS256"


def _new_key() -> LtiKey:
    """Generate a 2048-bit RSA key and add it, unretired, to the session."""
    kid = secrets.token_urlsafe(16)
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True)
    row = LtiKey(kid=kid, private_jwk=json.dumps(key.as_dict(private=True)))
    db.session.add(row)
    db.session.flush()
    return row


def current_key() -> LtiKey:
    """The key that signs now; the first one is made on first use."""
    query = select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.id.desc()).limit(1)
    return db.session.scalar(query) or _new_key()


def rotate_key(now: datetime | None = None) -> LtiKey:
    """Retire every signing key and make a new one; the caller commits."""
    now = now or utcnow()
    for row in db.session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))):
        row.retired_at = now
    return _new_key()


def published_keys(now: datetime | None = None) -> list[LtiKey]:
    """The keys in our JWKS: the signing key and those retired less than ``LTI_KEY_OVERLAP`` ago."""
    since = (now or utcnow()) - current_app.config["LTI_KEY_OVERLAP"]
    query = select(LtiKey).where((LtiKey.retired_at.is_(None)) | (LtiKey.retired_at > since))
    return list(db.session.scalars(query.order_by(LtiKey.id.desc())))


def jwks(now: datetime | None = None) -> dict[str, Any]:
    """Our public keys as a JWK Set, for the platforms to check our signatures."""
    keys = published_keys(now)
    if not keys:
        keys = [current_key()]
    return {"keys": [RSAKey.import_key(json.loads(row.private_jwk)).as_dict(private=False) for row in keys]}


def sign(claims: dict[str, Any], lifetime: int = 300) -> str:
    """A JWT of ``claims`` signed with the current key, issued now and valid for ``lifetime`` seconds."""
    row = current_key()
    now = int(utcnow().timestamp())
    payload = {"iat": now, "exp": now + lifetime, "jti": str(uuid.uuid4()), **claims}
    key = RSAKey.import_key(json.loads(row.private_jwk))
    return jwt.encode({"alg": ALGORITHM, "kid": row.kid, "typ": "JWT"}, payload, key)


def new_nonce() -> str:
    """A random nonce for a message we sign."""
    return secrets.token_urlsafe(24)
