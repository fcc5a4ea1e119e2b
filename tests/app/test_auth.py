"""Logging in and out, throttling, session lifetime and invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Invitation
from app.models import Role
from app.models import User
from app.models import hash_token
from app.models import utcnow

WRONG_LOGIN = "Feil e-postadresse eller passord."


def _login(client, csrf, email, password):
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": csrf()})


def test_login_page_is_in_bokmal_with_labelled_fields(client):
    response = client.get("/auth/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nb">' in html
    assert '<label class="field__label" for="email">E-postadresse</label>' in html
    assert 'autocomplete="current-password"' in html


def test_login_succeeds_and_shows_who_you_are(client, csrf, make_user, password):
    user = make_user(role="facilitator", name="Kari Nordmann", email="kari@kommune.test")
    response = _login(client, csrf, "  KARI@kommune.test ", password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hei, Kari Nordmann" in page
    assert "Fasilitator" in page
    assert user.email in page


def test_wrong_password_and_unknown_email_look_the_same(client, csrf, make_user):
    user = make_user()
    wrong_password = _login(client, csrf, user.email, "not the password")
    unknown_email = _login(client, csrf, "nobody@kommune.test", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert WRONG_LOGIN in wrong_password.get_data(as_text=True)
    assert WRONG_LOGIN in unknown_email.get_data(as_text=True)
    assert 'role="alert"' in wrong_password.get_data(as_text=True)


def test_deactivated_user_gets_the_same_generic_error(client, csrf, make_user, password):
    user = make_user(active=False)
    response = _login(client, csrf, user.email, password)
    assert WRONG_LOGIN in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_empty_form_shows_field_errors_linked_to_inputs(client, csrf):
    response = _login(client, csrf, "", "")
    html = response.get_data(as_text=True)
    assert "Skriv inn e-postadressen din." in html
    assert 'aria-describedby="email-error"' in html
    assert 'aria-invalid="true"' in html


def test_login_follows_local_next_only(client, csrf, make_user, password):
    user = make_user()
    data = {"email": user.email, "password": password, "csrf_token": csrf()}
    response = client.post("/auth/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"
    client.post("/auth/logout", data={"csrf_token": csrf("/")})
    data["csrf_token"] = csrf()
    response = client.post("/auth/login?next=/healthz", data=data)
    assert response.headers["Location"] == "/healthz"


def test_login_is_throttled_after_repeated_failures(client, csrf, make_user, password):
    user = make_user()
    for _ in range(5):
        assert _login(client, csrf, user.email, "wrong").status_code == 200
    response = _login(client, csrf, user.email, password)
    assert response.status_code == 429
    assert "For mange mislykkede forsøk. Vent 1 sekund" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_failures_for_other_accounts_do_not_throttle(client, csrf, make_user, password):
    user = make_user()
    for _ in range(5):
        _login(client, csrf, "someone-else@kommune.test", "wrong")
    assert _login(client, csrf, user.email, password).status_code == 302


def test_login_starts_a_fresh_session(client, auth):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "login_at" in session


def test_logout_must_be_a_post(client, auth):
    auth.login()
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Handlingen er ikke tillatt her" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def test_logout_without_csrf_token_is_refused(client, auth):
    auth.login()
    response = client.post("/auth/logout")
    assert response.status_code == 400
    assert "Skjemaet er utløpt" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_logout_ends_the_session_and_voids_copied_cookies(client, auth):
    auth.login()
    stolen = client.get_cookie("laget_session").value
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/").status_code == 302
    client.set_cookie("laget_session", stolen)
    assert client.get("/").headers["Location"] == "/auth/login"


def test_session_expires_after_absolute_lifetime(app, client, auth):
    auth.login()
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    with client.session_transaction() as session:
        session["login_at"] = (utcnow() - lifetime - timedelta(minutes=1)).timestamp()
    response = client.get("/", follow_redirects=True)
    assert "Økten din er utløpt" in response.get_data(as_text=True)
    assert response.request.path == "/auth/login"


def _idle_for(client, minutes: float) -> None:
    """Pretend the browser's last real request was ``minutes`` ago."""
    with client.session_transaction() as session:
        session["seen_at"] = (utcnow() - timedelta(minutes=minutes)).timestamp()


def test_staff_are_logged_out_after_an_hour_idle(client, auth):
    auth.login(as_role="facilitator")
    _idle_for(client, 59)
    assert client.get("/").status_code == 200
    _idle_for(client, 61)
    response = client.get("/", follow_redirects=True)
    assert "Du var inaktiv for lenge" in response.get_data(as_text=True)
    assert response.request.path == "/auth/login"


def test_the_idle_limit_is_configurable(app, client, auth):
    app.config["IDLE_TIMEOUT_MINUTES"] = 5
    auth.login(as_role="admin")
    _idle_for(client, 6)
    assert client.get("/").status_code == 302


def test_participants_have_no_idle_limit(client, auth):
    auth.login(as_role="participant")
    _idle_for(client, 300)
    assert client.get("/").status_code == 200


def test_a_unit_leader_has_the_staff_idle_limit(app, client, auth):
    from app.extensions import db
    from app.models import Unit
    from app.models.learning import UnitLeader

    leader = auth.login(as_role="participant")
    with app.app_context():
        unit = Unit(organisation_id=leader.organisation_id, name="Skolen")
        db.session.add(unit)
        db.session.flush()
        db.session.add(UnitLeader(user_id=leader.id, unit_id=unit.id))
        db.session.commit()
    _idle_for(client, 59)
    assert client.get("/").status_code == 200
    _idle_for(client, 61)
    response = client.get("/", follow_redirects=True)
    assert "Du var inaktiv for lenge" in response.get_data(as_text=True)


def test_a_running_drill_keeps_its_facilitator_in_and_polls_are_not_activity(
    app, client, auth, make_drill, join_as
):
    from tests.conftest import assign
    from tests.conftest import control

    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    join_as(drill, "Kari")
    _idle_for(client, 30)
    with client.session_transaction() as session:
        before = session["seen_at"]
    # The console's poll shows the page is open, not that someone is at it.
    assert client.get(f"/facilitate/drills/{drill.public_id}/state").status_code == 200
    with client.session_transaction() as session:
        assert session["seen_at"] == before
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Kari"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    _idle_for(client, 90)
    assert client.get(f"/facilitate/drills/{drill.public_id}").status_code == 200
    assert control(client, drill, "end").status_code == 303
    _idle_for(client, 90)
    assert client.get("/").status_code == 302


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/admin/"


def test_anonymous_htmx_request_gets_hx_redirect(client):
    response = client.get("/admin/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/login")


@pytest.mark.parametrize("role", ["participant", "facilitator", "author"])
def test_role_required_refuses_lower_roles(client, auth, role):
    auth.login(as_role=role)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Du har ikke tilgang" in response.get_data(as_text=True)


@pytest.fixture
def make_invitation(app, make_org):
    """Create an invitation and return its raw token."""

    def make(email="ny@kommune.test", role=Role.FACILITATOR, expires_in=timedelta(days=7), org=None):
        organisation = org or make_org()
        token = f"token-{email}-{expires_in.total_seconds()}"
        with app.app_context():
            db.session.add(
                Invitation(
                    token_hash=hash_token(token),
                    email=email,
                    role=role,
                    organisation_id=organisation.id,
                    expires_at=utcnow() + expires_in,
                )
            )
            db.session.commit()
        return token

    return make


def _accept(client, token, csrf, name="Ola Nordmann", password="et langt og godt passord"):
    return client.post(
        f"/auth/invite/{token}",
        data={
            "display_name": name,
            "password": password,
            "password_again": password,
            "csrf_token": csrf(f"/auth/invite/{token}"),
        },
    )


def test_invitation_creates_account_and_logs_in(app, client, csrf, make_invitation):
    token = make_invitation()
    page = client.get(f"/auth/invite/{token}")
    assert page.status_code == 200
    assert "ny@kommune.test" in page.get_data(as_text=True)
    response = _accept(client, token, csrf)
    assert response.status_code == 302
    assert "Hei, Ola Nordmann" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="ny@kommune.test"))
        assert user.role is Role.FACILITATOR
        assert user.password_hash.startswith("$argon2id$")


def test_invitation_can_be_used_only_once(client, csrf, make_invitation):
    token = make_invitation()
    assert _accept(client, token, csrf).status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf("/")})
    response = client.get(f"/auth/invite/{token}")
    assert response.status_code == 404
    assert "Invitasjonen virker ikke" in response.get_data(as_text=True)


def test_expired_invitation_is_refused(client, make_invitation):
    token = make_invitation(expires_in=timedelta(seconds=-1))
    response = client.get(f"/auth/invite/{token}")
    assert response.status_code == 404
    assert "Invitasjonen virker ikke" in response.get_data(as_text=True)


def test_unknown_invitation_token_is_refused(client):
    assert client.get("/auth/invite/made-up").status_code == 404


def test_invitation_rejects_short_and_mismatched_passwords(client, csrf, make_invitation):
    token = make_invitation()
    response = _accept(client, token, csrf, password="kort")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Passordet må ha minst 12 tegn." in html
    assert 'aria-invalid="true"' in html
    data = {
        "display_name": "Ola",
        "password": "et langt og godt passord",
        "password_again": "et annet langt passord",
        "csrf_token": csrf(f"/auth/invite/{token}"),
    }
    assert "Passordene er ikke like." in client.post(f"/auth/invite/{token}", data=data).get_data(
        as_text=True
    )


def test_invitation_for_an_existing_account_is_refused(client, csrf, make_user, make_invitation):
    make_user(email="ny@kommune.test")
    token = make_invitation()
    assert _accept(client, token, csrf).status_code == 404
