"""Throttling without lock-outs: growing waits per account and per address, never a block, for
logins and join codes; and a name seated in a drill cannot be taken by another device."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.throttle import delay_seconds
from app.extensions import db
from app.models import JoinFailure
from app.models import JoinRecord
from app.models import LoginFailure
from app.models import email_digest
from app.models import utcnow
from tests.conftest import csrf_token


def _login(client, email: str, password: str, ip: str = "127.0.0.1"):
    token = csrf_token(client)
    return client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def _failures(app, count: int, *, email: str = "", ip: str = "127.0.0.1", seconds_ago: float = 0.2) -> None:
    """Store ``count`` failed logins, as if they happened ``seconds_ago``."""
    with app.app_context():
        at = utcnow() - timedelta(seconds=seconds_ago)
        for number in range(count):
            key = email_digest(email or f"gjett{number}@kommune.test")
            db.session.add(LoginFailure(email=key, ip=ip, created_at=at))
        db.session.commit()


def _age(app, model, seconds: float) -> None:
    """Move every stored failure ``seconds`` into the past, as if the person waited."""
    with app.app_context():
        for row in db.session.scalars(select(model)):
            row.created_at -= timedelta(seconds=seconds)
        db.session.commit()


def test_delays_grow_and_stop_at_a_ceiling():
    assert [delay_seconds(n, 5, 300) for n in (0, 4, 5, 6, 7, 10, 30)] == [0, 0, 1, 2, 4, 32, 300]
    assert [delay_seconds(n, 100, 15, step=25) for n in (99, 100, 124, 125, 150, 1000)] == [0, 1, 1, 2, 4, 15]


def test_a_correct_password_from_an_address_that_failed_100_times_gets_in_after_a_wait(
    app, client, make_user, password
):
    user = make_user()
    _failures(app, 100, ip="10.0.0.7")
    response = _login(client, user.email, password, ip="10.0.0.7")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert "Vent 1 sekund og prøv igjen." in response.get_data(as_text=True)
    _age(app, LoginFailure, 2)
    assert _login(client, user.email, password, ip="10.0.0.7").status_code == 302


def test_other_addresses_are_not_slowed_by_a_busy_one(app, client, make_user, password):
    user = make_user()
    _failures(app, 150, ip="10.0.0.7")
    assert _login(client, user.email, password, ip="10.0.0.8").status_code == 302


def test_guesses_at_one_account_from_many_addresses_meet_a_growing_wait(app, client, make_user, password):
    user = make_user()
    for number in range(7):
        _failures(app, 1, email=user.email, ip=f"192.0.2.{number}")
    response = _login(client, user.email, password, ip="198.51.100.1")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 4
    # Waiting out the delay is enough: there is no lock-out.
    _age(app, LoginFailure, 5)
    assert _login(client, user.email, password, ip="198.51.100.1").status_code == 302


def test_an_early_try_is_not_checked_and_does_not_lengthen_the_wait(app, client, make_user, password):
    user = make_user()
    _failures(app, 5, email=user.email)
    for _ in range(3):
        assert _login(client, user.email, "feil feil feil", ip="127.0.0.1").status_code == 429
    with app.app_context():
        assert db.session.query(LoginFailure).count() == 5


# --- Joining drills -----------------------------------------------------------------------------


def _join(client, code: str, name: str, ip: str = "127.0.0.1"):
    token = csrf_token(client, "/drills/join")
    return client.post(
        "/drills/join",
        data={"code": code, "display_name": name, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


@pytest.mark.parametrize("app_config", [{"JOIN_FAILURES_PER_IP": 3}])
def test_wrong_join_codes_bring_a_wait_not_a_block(app, client, make_drill, app_config):
    drill = make_drill()
    for _ in range(3):
        assert _join(client, "ZZZZZZ", "Ola").status_code == 404
    response = _join(client, drill.join_code, "Ola")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    _age(app, JoinFailure, 2)
    assert _join(client, drill.join_code, "Ola").status_code == 303


def test_a_seated_name_cannot_be_taken_by_another_device(app, make_drill, join_as):
    drill = make_drill()
    join_as(drill, "Kari Lærer")
    response = _join(app.test_client(), drill.join_code, "  kari  lærer ")
    assert response.status_code == 409
    assert "bruker allerede dette navnet" in response.get_data(as_text=True)


def test_the_facilitators_name_cannot_be_taken(app, make_user, make_drill):
    facilitator = make_user(role="facilitator", name="Frida Fasilitator")
    drill = make_drill(facilitator=facilitator)
    assert _join(app.test_client(), drill.join_code, "Frida Fasilitator").status_code == 409


@pytest.mark.parametrize("app_config", [{"JOIN_SEATS_PER_DRILL": 2}])
def test_a_drill_takes_a_limited_number_of_seats(app, make_drill, join_as, app_config):
    drill = make_drill()
    join_as(drill, "En")
    join_as(drill, "To")
    response = _join(app.test_client(), drill.join_code, "Tre")
    assert response.status_code == 409
    assert "Øvelsen er full" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"JOINS_PER_IP": 2}])
def test_many_joins_from_one_address_bring_a_wait(app, make_drill, app_config):
    drills = [make_drill(team_name=f"Lag {number}") for number in range(3)]
    for number, drill in enumerate(drills[:2]):
        assert _join(app.test_client(), drill.join_code, f"Gjest {number}", ip="10.1.1.1").status_code == 303
    response = _join(app.test_client(), drills[2].join_code, "Gjest 3", ip="10.1.1.1")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert _join(app.test_client(), drills[2].join_code, "Gjest 3", ip="10.1.1.2").status_code == 303
    _age(app, JoinRecord, 2)
    assert _join(app.test_client(), drills[2].join_code, "Gjest 4", ip="10.1.1.1").status_code == 303
