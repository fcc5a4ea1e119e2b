"""A guest who loses their session and joins again from the same device gets their seat back, once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import JoinFailure
from app.models import Participant
from tests.conftest import assign
from tests.conftest import control
from tests.conftest import csrf_token


def _join(client, drill, name: str):
    data = {"code": drill.join_code, "display_name": name, "csrf_token": csrf_token(client, "/drills/join")}
    return client.post("/drills/join", data=data)


def _names(app, drill) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Participant.display_name)
                .where(Participant.drill_id == drill.id)
                .order_by(Participant.id)
            )
        )


def _lose_session(guest) -> None:
    """What closing the browser does to the session cookie; the device cookie outlives it."""
    guest.delete_cookie("laget_session")
    assert guest.get_cookie("laget_device") is not None


@pytest.fixture
def seated(app, client, auth, make_drill, join_as):
    """A started drill where the guest Ola plays the teacher and Kari the nurse; Ola's browser."""
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    ola, _ = join_as(drill, "Ola"), join_as(drill, "Kari")
    assert assign(app, client, drill, {"kontaktlaerer": "Ola", "helsesykepleier": "Kari"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, ola


def test_a_guest_who_lost_the_session_gets_the_seat_back_with_no_duplicate(app, seated):
    drill, ola = seated
    _lose_session(ola)
    assert ola.get(f"/drills/{drill.public_id}/play").status_code == 404  # the old session is gone
    response = _join(ola, drill, " ola ")
    assert response.status_code == 303
    html = ola.get(response.headers["Location"]).get_data(as_text=True)
    assert "Velkommen tilbake. Du har samme plass og de samme rollene som før." in html
    assert "Du er <strong>Kontaktlærer</strong>" in html
    assert _names(app, drill) == ["Ola", "Kari"]


def test_joining_again_with_the_session_still_there_changes_nothing(app, seated):
    drill, ola = seated
    assert _join(ola, drill, "Ola").status_code == 303
    assert _names(app, drill) == ["Ola", "Kari"]
    assert "Du er <strong>Kontaktlærer</strong>" in ola.get(f"/drills/{drill.public_id}/play").get_data(
        as_text=True
    )


def test_another_name_on_the_same_device_is_another_person(app, seated):
    drill, ola = seated
    _lose_session(ola)
    assert _join(ola, drill, "Per").status_code == 303
    assert _names(app, drill) == ["Ola", "Kari", "Per"]
    assert "Du har ikke fått en rolle ennå." in ola.get(f"/drills/{drill.public_id}/play").get_data(
        as_text=True
    )


def test_the_same_name_from_another_device_does_not_take_the_seat(app, seated):
    # Without the device cookie or the seat code, the name alone is refused as taken: no seat, no duplicate.
    drill, _ola = seated
    stranger = app.test_client()
    response = _join(stranger, drill, "Ola")
    assert response.status_code == 409
    assert "Noen i øvelsen bruker allerede dette navnet." in response.get_data(as_text=True)
    assert _names(app, drill) == ["Ola", "Kari"]
    assert stranger.get(f"/drills/{drill.public_id}/play").status_code == 404


def test_the_device_cookie_is_httponly_lax_and_lasts_the_day(app, make_drill, join_as):
    guest = join_as(make_drill(), "Ola")
    cookie = guest.get_cookie("laget_device")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    assert cookie.max_age == int(app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds())


def _seat_code(guest, drill) -> str:
    html = guest.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    return re.search(r'Plasskoden din: <strong class="code">([A-Z0-9]{6})</strong>', html).group(1)


def test_the_seat_code_on_the_screen_gives_the_seat_back_on_another_device(app, seated):
    drill, ola = seated
    code = _seat_code(ola, drill)
    phone = app.test_client()  # a new device: no session, no device cookie
    data = {
        "code": drill.join_code,
        "display_name": "Ola",
        "seat_code": code.lower(),
        "csrf_token": csrf_token(phone, "/drills/join"),
    }
    response = phone.post("/drills/join", data=data)
    assert response.status_code == 303
    html = phone.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du er <strong>Kontaktlærer</strong>" in html and "Velkommen tilbake." in html
    assert _names(app, drill) == ["Ola", "Kari"]
    assert _seat_code(phone, drill) != code  # a new code for the new screen; the old one is spent
    assert ola.get(f"/drills/{drill.public_id}/play").status_code == 404


def test_a_wrong_seat_code_adds_no_one_and_counts_as_a_wrong_guess(app, seated):
    drill, _ola = seated
    phone = app.test_client()
    data = {
        "code": drill.join_code,
        "display_name": "Ola",
        "seat_code": "ZZZZZZ",
        "csrf_token": csrf_token(phone, "/drills/join"),
    }
    response = phone.post("/drills/join", data=data)
    assert response.status_code == 404
    assert "Ingen i øvelsen har denne plasskoden." in response.get_data(as_text=True)
    assert _names(app, drill) == ["Ola", "Kari"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JoinFailure)) == 1
