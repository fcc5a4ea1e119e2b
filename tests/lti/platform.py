"""A small LTI 1.3 platform for the tests, playing KS Læring/Moodle's side over real HTTP.

It signs real id_tokens with its own RSA key (joserfc), serves its JWKS, answers the OIDC
authentication request with the auto-posting form a platform sends, checks the client assertion of
a token request against Laget's JWKS, and records the scores posted to its line items and the deep
linking responses posted back to it. Each test prepares the launch a login hint leads to.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"

_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


@dataclass
class PreparedLaunch:
    """What the platform puts in the id_token for one login hint."""

    sub: str
    name: str = "Kari Nordmann"
    email: str | None = None
    roles: list[str] = field(default_factory=lambda: [LEARNER])
    message_type: str = "LtiResourceLinkRequest"
    target: str | None = None
    lineitem: str | None = None
    # Claims to set (or, with the value None, to drop) after the rest is built.
    overrides: dict[str, Any] = field(default_factory=dict)
    # Sign with a key that is not in the platform's JWKS.
    forged: bool = False


class PlatformServer:
    """The platform's HTTP server in a thread; ``close`` stops it."""

    client_id = "laget-verktoy"
    deployment_id = "utrulling-1"

    def __init__(self, tool_jwks: Callable[[], dict[str, Any]]) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "plattform-1", "alg": "RS256"}, private=True)
        self.stranger = RSAKey.generate_key(
            2048, parameters={"kid": "plattform-1", "alg": "RS256"}, private=True
        )
        self.tool_jwks = tool_jwks
        self.launches: dict[str, PreparedLaunch] = {}
        self.scores: list[tuple[str, dict[str, Any]]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.deep_link_responses: list[str] = []
        self.tokens: set[str] = set()
        self.refuse_scores = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def issuer(self) -> str:
        return self.base

    def url(self, path: str) -> str:
        return self.base + path

    def registration(self) -> dict[str, Any]:
        """The fields an admin types into Laget's registration form for this platform."""
        return {
            "name": "Testplattform",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "deployment_ids": self.deployment_id,
            "auth_login_url": self.url("/auth"),
            "token_url": self.url("/token"),
            "jwks_url": self.url("/jwks"),
        }

    def prepare(self, login_hint: str, launch: PreparedLaunch) -> str:
        self.launches[login_hint] = launch
        return login_hint

    def login_initiation(self, login_hint: str, target_link_uri: str) -> dict[str, str]:
        """The parameters a platform sends to the tool's login initiation URL."""
        return {
            "iss": self.issuer,
            "login_hint": login_hint,
            "target_link_uri": target_link_uri,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    def authorize(self, location: str) -> tuple[str, dict[str, str]]:
        """Follow the tool's redirect to our auth endpoint over HTTP; the form's action and fields."""
        import urllib.request

        with urllib.request.urlopen(location, timeout=10) as response:
            page = response.read().decode()
        action = html.unescape(_ACTION.search(page).group(1))
        return action, {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # The platform's side of each request.

    def id_token(self, query: dict[str, str]) -> str:
        launch = self.launches[query["login_hint"]]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": launch.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": query["nonce"],
            "name": launch.name,
            LTI + "message_type": launch.message_type,
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "roles": launch.roles,
            LTI + "target_link_uri": query["redirect_uri"],
            LTI + "resource_link": {"id": "lenke-1"},
        }
        if launch.email:
            claims["email"] = launch.email
        if launch.target:
            claims[LTI + "custom"] = {"laget": launch.target}
        if launch.lineitem:
            claims[AGS] = {
                "scope": [SCORE_SCOPE],
                "lineitem": self.url(launch.lineitem),
                "lineitems": self.url("/lineitems"),
            }
        if launch.message_type == "LtiDeepLinkingRequest":
            claims[DL_SETTINGS] = {
                "deep_link_return_url": self.url("/deep-link-return"),
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window"],
                "data": "platform-data-42",
            }
        for name, value in launch.overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.stranger if launch.forged else self.key
        return jwt.encode({"alg": "RS256", "kid": "plattform-1"}, claims, key)

    def _check_assertion(self, form: dict[str, str]) -> bool:
        keys = KeySet.import_key_set(self.tool_jwks())
        try:
            token = jwt.decode(form["client_assertion"], keys, algorithms=["RS256"])
        except Exception:
            return False
        claims = token.claims
        ok = (
            form.get("grant_type") == "client_credentials"
            and form.get("scope") == SCORE_SCOPE
            and claims.get("iss") == self.client_id
            and claims.get("sub") == self.client_id
            and claims.get("aud") == self.url("/token")
            and claims.get("exp", 0) > time.time()
        )
        if ok:
            with self.lock:
                self.token_requests.append(dict(claims))
        return ok

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path == "/jwks":
                    keys = {"keys": [platform.key.as_dict(private=False)]}
                    return self._send(200, json.dumps(keys))
                if path == "/auth":
                    params = dict(urllib.parse.parse_qsl(query))
                    if (
                        params.get("client_id") != platform.client_id
                        or params.get("response_mode") != "form_post"
                    ):
                        return self._send(400, '{"error": "invalid_request"}')
                    fields = {"id_token": platform.id_token(params), "state": params["state"]}
                    inputs = "".join(
                        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                        for name, value in fields.items()
                    )
                    page = (
                        '<!doctype html><html lang="nb"><head><title>Testplattform</title></head><body>'
                        f'<form method="post" action="{html.escape(params["redirect_uri"])}">{inputs}'
                        '<button type="submit">Fortsett til verktøyet</button></form>'
                        "<script>document.forms[0].submit()</script></body></html>"
                    )
                    return self._send(200, page, "text/html; charset=utf-8")
                return self._send(404, "{}")

            def do_POST(self) -> None:
                path = self.path.partition("?")[0]
                body = self._body()
                if path == "/token":
                    form = dict(urllib.parse.parse_qsl(body.decode()))
                    if not platform._check_assertion(form):
                        return self._send(401, '{"error": "invalid_client"}')
                    token = secrets.token_urlsafe(16)
                    platform.tokens.add(token)
                    return self._send(200, json.dumps({"access_token": token, "token_type": "Bearer"}))
                if path.startswith("/lineitems/") and path.endswith("/scores"):
                    bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if bearer not in platform.tokens:
                        return self._send(401, '{"error": "unauthorized"}')
                    if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                        return self._send(415, "{}")
                    with platform.lock:
                        if platform.refuse_scores:
                            platform.refuse_scores -= 1
                            return self._send(503, '{"error": "busy"}')
                        platform.scores.append((path.removesuffix("/scores"), json.loads(body)))
                    return self._send(200, "{}")
                if path == "/deep-link-return":
                    form = dict(urllib.parse.parse_qsl(body.decode()))
                    with platform.lock:
                        platform.deep_link_responses.append(form.get("JWT", ""))
                    page = (
                        '<!doctype html><html lang="nb"><head><title>Lagt til</title></head>'
                        "<body><h1>Lagt til</h1></body></html>"
                    )
                    return self._send(200, page, "text/html; charset=utf-8")
                return self._send(404, "{}")

        return Handler
