"""Two-factor login: setting up an authenticator, a full TOTP login, recovery codes, the
organisation's requirement for staff, and the admin's audit-logged reset."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models import Organisation
from app.models import RecoveryCode
from app.models import TotpSecret
from tests.conftest import csrf_token


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/auth/login"), **data})


def enrol(client) -> tuple[str, list[str]]:
    """Set up the authenticator through the pages; return the secret and the recovery codes shown."""
    html = client.get("/auth/mfa/setup").get_data(as_text=True)
    secret = re.search(r'class="mfa-secret">([A-Z2-7]+)<', html).group(1)
    assert "<svg" in html
    response = client.post(
        "/auth/mfa/setup",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_token(client, "/auth/mfa/setup")},
    )
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", response.get_data(as_text=True))
    return secret, codes


def next_code(secret: str) -> str:
    """The app's code for the next 30-second step (the current one was spent on setting up)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _password_step(client, user, password):
    return client.post(
        "/auth/login", data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    )


def _code_step(client, code: str):
    return client.post("/auth/mfa/", data={"code": code, "csrf_token": csrf_token(client, "/auth/mfa/")})


@pytest.fixture
def enrolled(app, client, auth, password):
    """A facilitator who has set up an authenticator and logged out."""
    user = auth.login(as_role="facilitator")
    secret, codes = enrol(client)
    auth.logout()
    return user, secret, codes


def test_setup_stores_the_secret_and_ten_hashed_recovery_codes(app, enrolled):
    user, secret, codes = enrolled
    assert len(codes) == 10 and len(set(codes)) == 10
    with app.app_context():
        assert db.session.scalar(select(TotpSecret.secret).where(TotpSecret.user_id == user.id)) == secret
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
        assert len(hashes) == 10 and not set(codes) & set(hashes)
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "mfa_enrolled"))


def test_a_full_totp_login(app, client, enrolled, password):
    user, secret, _codes = enrolled
    response = _password_step(client, user, password)
    assert response.status_code == 303 and response.headers["Location"].startswith("/auth/mfa/")
    # The password alone does not log in.
    assert client.get("/").status_code == 302
    assert client.get("/auth/mfa/").status_code == 200
    assert _code_step(client, "000000").status_code == 400
    assert _code_step(client, next_code(secret)).status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login_succeeded").order_by(AuditEvent.id.desc())
        ).first()
        assert event.detail == {"mfa": "totp"}


def test_a_code_cannot_be_used_twice(client, enrolled, password, auth):
    user, secret, _codes = enrolled
    code = next_code(secret)
    _password_step(client, user, password)
    assert _code_step(client, code).status_code == 302
    auth.logout()
    _password_step(client, user, password)
    assert _code_step(client, code).status_code == 400


def test_a_recovery_code_works_once(client, enrolled, password, auth):
    user, _secret, codes = enrolled
    _password_step(client, user, password)
    assert _code_step(client, codes[0].upper()).status_code == 302
    auth.logout()
    _password_step(client, user, password)
    assert _code_step(client, codes[0]).status_code == 400


def test_replacing_the_app_needs_the_current_password(app, client, enrolled, password):
    user, secret, codes = enrolled
    _password_step(client, user, password)
    assert _code_step(client, codes[1]).status_code == 302
    html = client.get("/auth/mfa/setup").get_data(as_text=True)
    assert "Nåværende passord" in html
    new_secret = re.search(r'class="mfa-secret">([A-Z2-7]+)<', html).group(1)
    token = csrf_token(client, "/auth/mfa/setup")
    response = client.post(
        "/auth/mfa/setup", data={"code": pyotp.TOTP(new_secret).now(), "csrf_token": token}
    )
    assert response.status_code == 400
    assert "Passordet du har nå, er ikke riktig." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(TotpSecret.secret).where(TotpSecret.user_id == user.id)) == secret
    data = {"code": pyotp.TOTP(new_secret).now(), "password": password, "csrf_token": token}
    assert client.post("/auth/mfa/setup", data=data).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(TotpSecret.secret).where(TotpSecret.user_id == user.id)) == new_secret


def test_the_code_step_needs_the_password_step_first(client):
    assert client.get("/auth/mfa/").headers["Location"] == "/auth/login"


def _require(app, organisation_id: int) -> None:
    with app.app_context():
        db.session.get(Organisation, organisation_id).mfa_required = True
        db.session.commit()


def test_an_organisation_can_require_it_of_staff_but_not_participants(app, make_org, make_user, client_for):
    town = make_org()
    _require(app, town.id)
    facilitator = client_for(make_user(role="facilitator", org=town))
    assert facilitator.get("/").headers["Location"] == "/auth/mfa/setup"
    assert "Kommunen din krever tofaktorinnlogging" in facilitator.get("/auth/mfa/setup").get_data(
        as_text=True
    )
    participant = client_for(make_user(role="participant", org=town))
    assert participant.get("/").status_code == 200


def test_a_unit_leader_is_asked_but_a_drill_guest_is_not(
    app, make_org, make_user, make_drill, join_as, client_for
):
    from app.models import Unit
    from app.models.learning import UnitLeader

    town = make_org()
    leader = make_user(role="participant", org=town)
    with app.app_context():
        unit = Unit(organisation_id=town.id, name="Skolen")
        db.session.add(unit)
        db.session.flush()
        db.session.add(UnitLeader(user_id=leader.id, unit_id=unit.id))
        db.session.commit()
    drill = make_drill(facilitator=make_user(role="facilitator", org=town))
    _require(app, town.id)
    assert client_for(leader).get("/").headers["Location"] == "/auth/mfa/setup"
    guest = join_as(drill, "Gjest")
    assert guest.get(f"/drills/{drill.public_id}/play").status_code == 200


def test_the_admin_sets_the_requirement_on_the_settings_page(app, client, auth):
    admin = auth.login(as_role="admin")
    response = _post(
        client, "/admin/settings", mfa_required="y", privacy_statement="", accessibility_statement=""
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Organisation, admin.organisation_id).mfa_required
        assert db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "settings_changed")
        ) == {"changed": "mfa_required"}
    # The admin is staff too: they are sent to set it up.
    assert client.get("/").headers["Location"] == "/auth/mfa/setup"


def test_the_admin_reset_is_audit_logged_and_lets_the_person_in_with_the_password(
    app, client, enrolled, make_user, client_for, password
):
    user, _secret, _codes = enrolled
    admin = client_for(make_user(role="admin", org=_org_of(app, user)))
    response = admin.post(f"/admin/users/{user.id}/mfa/reset", data={"csrf_token": csrf_token(admin, "/")})
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Tofaktorinnloggingen til {user.display_name} er nullstilt." in page
    with app.app_context():
        assert db.session.scalar(select(TotpSecret)) is None
        assert db.session.scalar(select(RecoveryCode)) is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mfa_reset"))
        assert event.target == f"user:{user.id}"
    assert _password_step(client, user, password).status_code == 302


def _org_of(app, user):
    with app.app_context():
        organisation = db.session.get(Organisation, user.organisation_id)
        db.session.expunge(organisation)
        return organisation
