"""Talking to a platform over HTTP: its public keys (cached) and form or JSON requests with a timeout."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from flask import current_app
from joserfc.jwk import KeySet

# url -> (fetched at, key set); a platform's keys change rarely, and a kid we do not know refetches,
# but not more often than JWKS_REFETCH_SECONDS, so forged tokens cannot make us hammer the platform.
_jwks_cache: dict[str, tuple[float, KeySet]] = {}
_lock = threading.Lock()
JWKS_CACHE_SECONDS = 300
JWKS_REFETCH_SECONDS = 30


class RemoteError(Exception):
    """The platform could not be reached or answered with an error; ``status`` is its HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def request(
    method: str, url: str, *, form: dict[str, str] | None = None, body: Any = None, headers: dict[str, str]
) -> tuple[int, bytes]:
    """Send one request; the status and body, or RemoteError if the platform cannot be reached."""
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    elif body is not None:
        data = json.dumps(body).encode()
    timeout = float(current_app.config["LTI_TIMEOUT"])
    outgoing = urllib.request.Request(url, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(outgoing, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, urllib.error.URLError) as error:
        raise RemoteError(f"unreachable: {error}") from error


def platform_keys(url: str, kid: str | None) -> KeySet:
    """The platform's JWK Set, from the cache unless it is old or lacks ``kid``."""
    now = time.monotonic()
    with _lock:
        cached = _jwks_cache.get(url)
    if cached and now - cached[0] < JWKS_CACHE_SECONDS:
        if kid is None or _has(cached[1], kid) or now - cached[0] < JWKS_REFETCH_SECONDS:
            return cached[1]
    status, body = request("GET", url, headers={"Accept": "application/json"})
    if status != 200:
        raise RemoteError(f"JWKS answered {status}", status)
    try:
        keys = KeySet.import_key_set(json.loads(body))
    except (ValueError, TypeError, KeyError) as error:
        raise RemoteError(f"JWKS unreadable: {error}") from error
    with _lock:
        _jwks_cache[url] = (now, keys)
    return keys


def _has(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def forget_keys() -> None:
    """Empty the JWKS cache (tests start each platform afresh)."""
    with _lock:
        _jwks_cache.clear()
