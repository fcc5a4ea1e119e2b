"""The password rule, and changing one's own password."""

from __future__ import annotations

import pytest

from app.auth.passwords import password_problem
from app.extensions import db
from app.models import AuditEvent
from app.models import User
from tests.conftest import csrf_token

NEW = "sju blå maur bærer en ekorn"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("kort", "minst 12 tegn"),
        ("aaaaaaaaaaaa", "for vanlig"),
        ("password1234", "for vanlig"),
        ("qwertyuiop12", "for vanlig"),
        ("kari.nordmann@kommune.test", "navnet ditt eller e-postadressen"),
        ("nordmann-er-meg-selv-99", "navnet ditt eller e-postadressen"),
        ("x" * 257, "høyst 256 tegn"),
    ],
)
def test_weak_and_personal_passwords_are_refused(app, password, problem):
    with app.test_request_context():
        assert problem in password_problem(password, "Kari Nordmann", "kari.nordmann@kommune.test")


def test_a_long_passphrase_is_accepted(app):
    with app.test_request_context():
        assert password_problem(NEW, "Kari Nordmann", "kari.nordmann@kommune.test") is None


def _change(client, current: str, new: str = NEW, again: str | None = None):
    data = {
        "current_password": current,
        "password": new,
        "password_again": again or new,
        "csrf_token": csrf_token(client, "/auth/password"),
    }
    return client.post("/auth/password", data=data)


def test_changing_the_password_needs_the_current_one(app, client, auth, password):
    user = auth.login()
    response = _change(client, "feil passord her")
    assert response.status_code == 400
    assert "Passordet du har nå, er ikke riktig." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).check_password(password)


def test_a_changed_password_works_and_other_devices_are_logged_out(app, client, auth, client_for, password):
    user = auth.login()
    elsewhere = client_for(user)
    assert _change(client, password).status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).check_password(NEW)
        assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.action == "password_changed"))


def test_the_new_password_is_held_to_the_rule(client, auth, password):
    auth.login(name="Kari Nordmann")
    html = _change(client, password, "password1234").get_data(as_text=True)
    assert "for vanlig eller lett å gjette" in html
    html = _change(client, password, NEW, "noe annet her").get_data(as_text=True)
    assert "Passordene er ikke like." in html


def test_the_password_page_needs_a_login(client):
    assert client.get("/auth/password").status_code == 302


def test_an_invitation_refuses_a_password_with_the_persons_name(app, client, auth):
    import re

    auth.login(as_role="admin")
    html = client.post(
        "/admin/invitations/new",
        data={
            "email": "siri.dahl@kommune.test",
            "role": "participant",
            "csrf_token": csrf_token(client, "/"),
        },
    ).get_data(as_text=True)
    path = re.search(r"http://localhost(/auth/invite/[^<\s]+)</textarea>", html).group(1)
    invitee = app.test_client()
    data = {"display_name": "Siri Dahl", "password": "siridahl12345", "password_again": "siridahl12345"}
    response = invitee.post(path, data={**data, "csrf_token": csrf_token(invitee, path)})
    assert "kan ikke inneholde navnet ditt" in response.get_data(as_text=True)
