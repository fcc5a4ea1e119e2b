"""A real OpenID Connect provider for the login tests: oidc-provider-mock (PyPI) as its own process.

scripts/test installs it in build/oidc-provider (its own venv, like Ralph). It accepts any client id
and secret, shows a login form where one types the subject ("sub"), and issues RS256-signed ID tokens
with the claims set for that subject through its ``PUT /users/<sub>`` API.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MOCK = REPO / "build" / "oidc-provider" / "bin" / "oidc-provider-mock"
CLIENT_ID = "laget-test"
CLIENT_SECRET = "hemmelig-for-test"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MockProvider:
    """One oidc-provider-mock process on a free loopback port, with nonces required."""

    def __init__(self, log: Path) -> None:
        assert MOCK.exists(), "oidc-provider-mock is missing: scripts/test installs it in build/oidc-provider"
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [MOCK, "--host", "127.0.0.1", "--port", str(self.port), "--require-nonce"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"oidc-provider-mock did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def set_user(self, sub: str, **claims: Any) -> None:
        """Give the person ``sub`` these claims in their next ID token and userinfo answer."""
        request = urllib.request.Request(
            f"{self.issuer}/users/{urllib.parse.quote(sub, safe='')}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204

    def config(self, key: str = "feide", **extra: Any) -> dict[str, Any]:
        """Laget's OIDC_PROVIDERS entry for this provider."""
        entry = {"issuer": self.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **extra}
        return {key: entry}

    def authorize(self, authorization_url: str, sub: str, deny: bool = False) -> str:
        """Submit the provider's login form as ``sub`` (or press Deny); return where it sends the browser."""
        data = urllib.parse.urlencode({"action": "deny"} if deny else {"sub": sub}).encode()
        request = urllib.request.Request(authorization_url, data=data, method="POST")
        opener = urllib.request.build_opener(_NoRedirect())
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as answer:
            if answer.code in (301, 302, 303):
                return answer.headers["Location"]
            raise
        raise AssertionError("the provider did not redirect back")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stop at the provider's redirect: the callback belongs to the Laget test client, not urllib."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
