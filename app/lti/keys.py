"""Laget's own signing keys for LTI: stored in the database, rotated by an admin or the CLI.

The newest key that is not retired signs (deep linking responses, client assertions for grade
tokens). Rotating makes a new key and retires the old one, which stays in our JWKS for
``LTI_KEY_OVERLAP`` so a platform can still check what it signed and refresh its cached JWKS.

A private key is stored sealed (Fernet) under a key derived from ``SECRET_KEY``, so a copy of the
database alone cannot sign for Laget. A key that no longer opens (the secret key was changed) is
neither used nor published; a new one is made in its place.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from app.models.lti import LtiKey

ALGORITHM = "RS256"


def _fernet() -> Fernet:
    """The sealing key, derived from the app's secret key for this one purpose."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"laget lti signing keys").derive(
        secret
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _open(row: LtiKey) -> RSAKey | None:
    """The row's private key, or None when it does not open with the current secret key."""
    try:
        return RSAKey.import_key(json.loads(_fernet().decrypt(row.private_jwk.encode())))
    except (InvalidToken, ValueError):
        return None


def _new_key() -> tuple[LtiKey, RSAKey]:
    """Generate a 2048-bit RSA key and add it, sealed and unretired, to the session."""
    kid = secrets.token_urlsafe(16)
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True)
    sealed = _fernet().encrypt(json.dumps(key.as_dict(private=True)).encode()).decode()
    row = LtiKey(kid=kid, private_jwk=sealed)
    db.session.add(row)
    db.session.flush()
    return row, key


def _signing_key() -> tuple[LtiKey, RSAKey]:
    """The newest unretired key that opens, made on first use (or after the secret key changed)."""
    query = select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.id.desc())
    for row in db.session.scalars(query):
        if (key := _open(row)) is not None:
            return row, key
    return _new_key()


def current_key() -> LtiKey:
    """The key that signs now; the first one is made on first use."""
    return _signing_key()[0]


def rotate_key(now: datetime | None = None) -> LtiKey:
    """Retire every signing key and make a new one; the caller commits."""
    now = now or utcnow()
    for row in db.session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))):
        row.retired_at = now
    return _new_key()[0]


def published_keys(now: datetime | None = None) -> list[RSAKey]:
    """The keys in our JWKS: the signing key and those retired less than ``LTI_KEY_OVERLAP`` ago."""
    since = (now or utcnow()) - current_app.config["LTI_KEY_OVERLAP"]
    query = select(LtiKey).where((LtiKey.retired_at.is_(None)) | (LtiKey.retired_at > since))
    keys = (_open(row) for row in db.session.scalars(query.order_by(LtiKey.id.desc())))
    return [key for key in keys if key is not None]


def jwks(now: datetime | None = None) -> dict[str, Any]:
    """Our public keys as a JWK Set, for the platforms to check our signatures."""
    _signing_key()
    return {"keys": [key.as_dict(private=False) for key in published_keys(now)]}


def sign(claims: dict[str, Any], lifetime: int = 300) -> str:
    """A JWT of ``claims`` signed with the current key, issued now and valid for ``lifetime`` seconds."""
    row, key = _signing_key()
    now = int(utcnow().timestamp())
    payload = {"iat": now, "exp": now + lifetime, "jti": str(uuid.uuid4()), **claims}
    return jwt.encode({"alg": ALGORITHM, "kid": row.kid, "typ": "JWT"}, payload, key)


def new_nonce() -> str:
    """A random nonce for a message we sign."""
    return secrets.token_urlsafe(24)
