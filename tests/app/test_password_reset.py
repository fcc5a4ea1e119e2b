"""Resetting a forgotten password through a real SMTP server: one answer for all, one use, 30 minutes."""

from __future__ import annotations

import email
import re
import socket
import time
from datetime import timedelta
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from app.models import AuditEvent
from app.models import PasswordReset
from app.models import User
from tests.conftest import csrf_token

NEW_PASSWORD = "sju blå maur bærer en ekorn"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, seconds: float = 10) -> list[email.message.EmailMessage]:
        """The messages, once ``count`` have arrived (mail is sent from a background thread)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    """A real SMTP server on loopback for the test, and what it received."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def app_config(inbox):
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": inbox.port,
        "SMTP_STARTTLS": False,
        "MAIL_FROM": "laget@kommune.test",
    }


def ask_for_link(client, address: str):
    return client.post(
        "/auth/reset", data={"email": address, "csrf_token": csrf_token(client, "/auth/reset")}
    )


def link_in(message) -> str:
    return re.search(r"http://localhost(/auth/reset/\S+)", message.get_content()).group(1)


def choose(client, path: str, password: str = NEW_PASSWORD, again: str | None = None):
    data = {"password": password, "password_again": again or password, "csrf_token": csrf_token(client, path)}
    return client.post(path, data=data)


def test_a_forgotten_password_is_reset_through_the_mailed_link(app, client, make_user, inbox):
    user = make_user(email="kari@kommune.test", name="Kari Nordmann")
    response = ask_for_link(client, "Kari@Kommune.test")
    assert response.status_code == 303
    [message] = inbox.wait_for(1)
    assert message["To"] == "kari@kommune.test" and message["From"] == "laget@kommune.test"
    assert "30 minutter" in message.get_content()
    path = link_in(message)
    with app.app_context():
        stored = db.session.scalar(select(PasswordReset))
        assert path.rsplit("/", 1)[1] not in stored.token_hash
    assert "Velg nytt passord" in client.get(path).get_data(as_text=True)
    assert choose(client, path).status_code == 303
    login = client.post(
        "/auth/login",
        data={"email": user.email, "password": NEW_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert login.status_code == 302
    # Single use: the link is spent.
    assert client.get(path).status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[:2] == ["password_reset_requested", "password_reset"]


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, make_user, inbox):
    user = make_user()
    known = ask_for_link(client, user.email)
    unknown = ask_for_link(client, "ingen.her@kommune.test")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Hvis adressen hører til en konto i Laget" in page
    assert len(inbox.wait_for(2, seconds=2)) == 1


def test_the_link_expires_after_30_minutes(app, client, make_user, inbox):
    make_user(email="ola@kommune.test")
    ask_for_link(client, "ola@kommune.test")
    path = link_in(inbox.wait_for(1)[0])
    with app.app_context():
        reset = db.session.scalar(select(PasswordReset))
        assert timedelta(minutes=29) < reset.expires_at - reset.created_at <= timedelta(minutes=30)
        db.session.execute(update(PasswordReset).values(expires_at=reset.created_at - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(path).status_code == 404


def test_only_the_newest_link_works_and_a_weak_password_is_refused(app, client, make_user, inbox):
    make_user(email="per@kommune.test", name="Per Hansen")
    ask_for_link(client, "per@kommune.test")
    first = link_in(inbox.wait_for(1)[0])
    # Mail goes out from background threads; wait for the first before asking again, so the order is known.
    ask_for_link(client, "per@kommune.test")
    second = link_in(inbox.wait_for(2)[1])
    assert client.get(first).status_code == 404
    html = choose(client, second, "perhansen2024!").get_data(as_text=True)
    assert "kan ikke inneholde navnet ditt" in html
    with app.app_context():
        assert db.session.scalar(select(PasswordReset.used_at)) is None


def test_reset_ends_sessions_on_other_devices(app, client, client_for, make_user, inbox):
    user = make_user()
    elsewhere = client_for(user)
    ask_for_link(client, user.email)
    choose(client, link_in(inbox.wait_for(1)[0]))
    assert elsewhere.get("/").status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).session_epoch == 1


def test_without_mail_settings_the_page_says_to_ask_an_admin(app, client):
    app.config["SMTP_HOST"] = ""
    html = client.get("/auth/reset").get_data(as_text=True)
    assert "sender ikke e-post" in html and 'name="email"' not in html


def test_the_reset_token_never_reaches_the_log(app, client, make_user, inbox):
    import io

    from app.logs import JsonFormatter

    user = make_user()
    buffer = io.StringIO()
    handler = next(h for h in app.logger.handlers if isinstance(h.formatter, JsonFormatter))
    previous, level = handler.setStream(buffer), app.logger.level
    app.logger.setLevel("INFO")
    try:
        ask_for_link(client, user.email)
        path = link_in(inbox.wait_for(1)[0])
        assert client.get(path).status_code == 200
        # Without its CSRF token the post is refused and logged with its path; then a weak password.
        assert client.post(path, data={"password": NEW_PASSWORD}).status_code == 400
        assert choose(client, path, password="passord").status_code == 200  # the form again, with the rule
        assert choose(client, path).status_code == 303
        assert client.get(path).status_code == 404
        app.logger.warning("lenke %s", f"http://localhost{path}")
    finally:
        handler.setStream(previous)
        app.logger.setLevel(level)
    token = path.rsplit("/", 1)[1]
    text = buffer.getvalue()
    assert "csrf_failed" in text and "password_reset" in text and "/auth/reset/[skjult]" in text
    assert token not in text
