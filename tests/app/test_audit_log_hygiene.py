"""Log hygiene: no token from a URL, typed e-mail address or password ever reaches a log line."""

from __future__ import annotations

import io
import re

import pytest

from app.logs import JsonFormatter
from app.logs import redact
from tests.conftest import csrf_token


@pytest.fixture
def app_config():
    return {"LOG_LEVEL": "INFO"}


@pytest.fixture
def log(app):
    """Everything the app logs during the test, exactly as the JSON handler writes it."""
    buffer = io.StringIO()
    handler = next(h for h in app.logger.handlers if isinstance(h.formatter, JsonFormatter))
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def _invite(app, client, auth) -> str:
    """Have an admin invite someone and return the token of the one-time link."""
    auth.login(as_role="admin")
    response = client.post(
        "/admin/invitations/new",
        data={"email": "ny@kommune.test", "role": "participant", "csrf_token": csrf_token(client, "/")},
    )
    return re.search(r"/auth/invite/([^<\s]+)</textarea>", response.get_data(as_text=True)).group(1)


def test_an_invitation_token_never_reaches_the_log(app, client, auth, log):
    token = _invite(app, client, auth)
    stranger = app.test_client()
    # A form posted without its CSRF token: the failure is logged with the request path.
    assert stranger.post(f"/auth/invite/{token}", data={"display_name": "X"}).status_code == 400
    # A path that matches no route still names the token.
    assert stranger.get(f"/auth/invite/{token}/mer").status_code == 404
    app.logger.warning("lenke %s", f"http://localhost/auth/invite/{token}")
    text = log.getvalue()
    assert "csrf_failed" in text and "/auth/invite/[skjult]" in text
    assert token not in text


def test_a_failed_login_logs_a_hash_not_the_typed_address(app, client, log):
    typed = "kari.nordmann@kommune.test"
    client.post(
        "/auth/login", data={"email": typed, "password": "feil feil feil", "csrf_token": csrf_token(client)}
    )
    text = log.getvalue()
    assert "login_failed" in text and "email-hmac:" in text
    assert "kari.nordmann" not in text


def test_join_codes_and_reset_links_are_hidden_too(app):
    with app.test_request_context("/drills/join/ABC234"):
        assert redact('{"path": "/drills/join/ABC234", "message": "kode ABC234"}') == (
            '{"path": "/drills/join/[skjult]", "message": "kode [skjult]"}'
        )
    assert redact("GET /auth/reset/hemmelig-token-123?x=1") == "GET /auth/reset/[skjult]?x=1"
