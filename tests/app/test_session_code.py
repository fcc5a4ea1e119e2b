"""One code for a whole training session: each guest is seated in the team with the most room."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Drill
from app.models import Participant
from tests.conftest import assign
from tests.conftest import control
from tests.conftest import csrf_token


def _join(app, code: str, name: str, client=None, seat_code: str = ""):
    """Join through the normal join page with ``code``; returns the browser and the response."""
    client = client or app.test_client()
    data = {
        "code": code,
        "display_name": name,
        "seat_code": seat_code,
        "csrf_token": csrf_token(client, "/drills/join"),
    }
    return client, client.post("/drills/join", data=data)


def _teams(app, day) -> dict[int, list[str]]:
    """Who sits in each team, by team number, in joining order."""
    with app.app_context():
        rows = db.session.execute(
            select(Drill.team_number, Participant.display_name)
            .join(Participant, Participant.drill_id == Drill.id)
            .where(Drill.session_id == day.id)
            .order_by(Participant.id)
        )
        teams: dict[int, list[str]] = {drill.team_number: [] for drill in day.drills}
        for number, name in rows:
            teams[number].append(name)
        return teams


def _landed(client, response) -> str:
    """The participant page the join led to."""
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_guests_fill_the_teams_evenly_in_team_order(app, make_session):
    day = make_session(teams=3)
    first, response = _join(app, day.join_code.lower(), "Kari")
    assert "Du er med på Fagdag 1." in _landed(first, response)
    for name in ("Nils", "Ola", "Siri", "Per"):
        _client, response = _join(app, day.join_code, name)
        assert response.status_code == 303
    assert _teams(app, day) == {1: ["Kari", "Siri"], 2: ["Nils", "Per"], 3: ["Ola"]}


def test_a_team_with_people_joined_by_its_own_code_gets_the_next_guests_last(app, make_session):
    day = make_session(teams=2)
    _join(app, day.drills[0].join_code, "Kari")
    _join(app, day.drills[0].join_code, "Nils")
    for name in ("Ola", "Siri", "Per"):
        _join(app, day.join_code, name)
    assert _teams(app, day) == {1: ["Kari", "Nils", "Per"], 2: ["Ola", "Siri"]}


def test_the_same_name_goes_to_another_team_while_one_has_room(app, make_session):
    day = make_session(teams=2)
    _join(app, day.join_code, "Kari")
    _join(app, day.join_code, "Nils")
    _client, response = _join(app, day.join_code, "kari")  # another Kari, on her own phone
    assert response.status_code == 303
    assert _teams(app, day) == {1: ["Kari"], 2: ["Nils", "kari"]}


def test_the_same_device_and_name_gets_the_seat_back_without_a_duplicate(app, make_session):
    day = make_session(teams=2)
    kari, _response = _join(app, day.join_code, "Kari")
    _join(app, day.join_code, "Nils")
    kari.delete_cookie("laget_session")  # the browser was closed; the device cookie stays
    kari, response = _join(app, day.join_code, " kari ", client=kari)
    html = _landed(kari, response)
    assert "Velkommen tilbake. Du har samme plass og de samme rollene som før." in html
    assert _teams(app, day) == {1: ["Kari"], 2: ["Nils"]}


def test_the_seat_code_gives_the_seat_back_through_the_session_code(app, make_session):
    day = make_session(teams=2)
    kari, response = _join(app, day.join_code, "Kari")
    html = _landed(kari, response)
    seat_code = re.search(r'Plasskoden din: <strong class="code">([A-Z0-9]{6})</strong>', html).group(1)
    phone, response = _join(app, day.join_code, "Kari", seat_code=seat_code)
    assert "Velkommen tilbake." in _landed(phone, response)
    assert _teams(app, day) == {1: ["Kari"], 2: []}


def test_a_wrong_seat_code_with_the_session_code_adds_no_one(app, make_session):
    day = make_session(teams=2)
    _join(app, day.join_code, "Kari")
    _client, response = _join(app, day.join_code, "Ola", seat_code="ZZZZZZ")
    assert response.status_code == 404
    assert "Ingen i øvelsen har denne plasskoden." in response.get_data(as_text=True)
    assert _teams(app, day) == {1: ["Kari"], 2: []}


def test_a_logged_in_person_rejoining_keeps_their_team(app, make_session, make_user, client_for):
    day = make_session(teams=2)
    person = client_for(make_user(role="participant", name="Randi"))
    _client, response = _join(app, day.join_code, "Randi", client=person)
    assert response.status_code == 303
    _join(app, day.join_code, "Nils")
    _client, response = _join(app, day.join_code, "Randi", client=person)
    assert response.status_code == 303
    assert _teams(app, day) == {1: ["Randi"], 2: ["Nils"]}


def test_a_team_whose_drill_has_ended_gets_no_one(app, client, auth, make_session):
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=3)
    assert control(client, day.drills[0], "end").status_code == 303
    for name in ("Kari", "Nils", "Ola"):
        _join(app, day.join_code, name)
    assert _teams(app, day) == {1: [], 2: ["Kari", "Ola"], 3: ["Nils"]}


def test_a_running_team_still_gets_people(app, client, auth, make_session, join_as):
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=2)
    join_as(day.drills[1], "Kari")
    assert (
        assign(app, client, day.drills[0], {"kontaktlaerer": "self", "helsesykepleier": "self"}).status_code
        == 303
    )
    assert control(client, day.drills[0], "start").status_code == 303
    _join(app, day.join_code, "Ola")
    assert _teams(app, day)[1] == [
        day.facilitator.display_name,
        "Ola",
    ]  # the facilitator's seat does not count


def test_rejoining_a_team_that_has_ended_says_so(app, client, auth, make_session):
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=2)
    kari, _response = _join(app, day.join_code, "Kari")
    assert control(client, day.drills[0], "end").status_code == 303
    kari.delete_cookie("laget_session")
    _kari, response = _join(app, day.join_code, "Kari", client=kari)
    assert response.status_code == 409
    assert "Laget ditt er ferdig med øvelsen." in response.get_data(as_text=True)
    assert _teams(app, day) == {1: ["Kari"], 2: []}


@pytest.mark.parametrize("app_config", [{"JOIN_SEATS_PER_DRILL": 2}])
def test_when_every_team_is_full_the_guest_is_told_so_in_words(app, make_session):
    day = make_session(teams=2)
    for name in ("Kari", "Nils", "Ola", "Siri"):
        _join(app, day.join_code, name)
    _client, response = _join(app, day.join_code, "Per")
    assert response.status_code == 409
    assert (
        "Alle lagene i økten er fulle. Spør fasilitator om hjelp til å finne en plass."
        in response.get_data(as_text=True)
    )
    assert _teams(app, day) == {1: ["Kari", "Ola"], 2: ["Nils", "Siri"]}


def test_when_every_team_has_ended_the_guest_is_told_so(app, client, auth, make_session):
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=2)
    for drill in day.drills:
        assert control(client, drill, "end").status_code == 303
    _client, response = _join(app, day.join_code, "Per")
    assert response.status_code == 409
    assert "Alle lagene i økten er ferdige med øvelsen." in response.get_data(as_text=True)


def test_a_wrong_code_says_so_and_seats_no_one(app, make_session):
    day = make_session(teams=2)
    wrong = "ZZZZZZ" if day.join_code != "ZZZZZZ" else "YYYYYY"
    _client, response = _join(app, wrong, "Kari")
    assert response.status_code == 404
    assert "Ingen åpen øvelse har denne koden. Sjekk koden med fasilitator." in response.get_data(
        as_text=True
    )
    assert _teams(app, day) == {1: [], 2: []}


def test_session_codes_and_team_codes_never_collide(app, make_session):
    day = make_session(teams=4)
    codes = [day.join_code] + [drill.join_code for drill in day.drills]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code) for code in codes)


@pytest.mark.parametrize("app_config", [{"JOIN_SEATS_PER_DRILL": 3}])
def test_concurrent_joins_in_two_processes_never_overfill_a_team(app, make_session):
    day = make_session(teams=2)
    apps = [app, create_app(dict(app.config))]
    names = [f"Gjest {number}" for number in range(8)]
    browsers = []
    for number, name in enumerate(names):
        browser = apps[number % 2].test_client()
        browsers.append((browser, name, csrf_token(browser, "/drills/join")))
    statuses, errors = [], []
    barrier = threading.Barrier(len(browsers))

    def join(browser, name, token):
        try:
            barrier.wait(timeout=10)
            data = {"code": day.join_code, "display_name": name, "csrf_token": token}
            statuses.append(browser.post("/drills/join", data=data).status_code)
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=join, args=browser) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert sorted(statuses) == [303] * 6 + [409] * 2
        teams = _teams(app, day)
        assert [len(people) for people in teams.values()] == [3, 3]
        assert len(set(teams[1] + teams[2])) == 6  # six different people, none seated twice
    finally:
        with apps[1].app_context():
            db.engine.dispose()


def test_the_projector_and_overview_show_the_session_code_with_a_qr_code(app, client, auth, make_session):
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=2)
    html = client.get(f"/facilitate/sessions/{day.public_id}/projector").get_data(as_text=True)
    assert day.join_code in html and " ".join(day.join_code) in html  # read out letter by letter
    assert html.count('class="qr"') == 3  # the session's code and each team's
    overview = client.get(f"/facilitate/sessions/{day.public_id}").get_data(as_text=True)
    assert day.join_code in overview


def test_the_projector_drops_the_session_code_when_every_team_has_ended(app, client, auth, make_session):
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=2)
    for drill in day.drills:
        assert control(client, drill, "end").status_code == 303
    html = client.get(f"/facilitate/sessions/{day.public_id}/projector").get_data(as_text=True)
    assert day.join_code not in html and 'class="qr"' not in html


def test_the_qr_link_fills_in_the_session_code_and_links_the_municipalitys_privacy_statement(
    app, make_session
):
    day = make_session(teams=2)
    with app.app_context():
        slug = db.session.get(Drill, day.drills[0].id).organisation.slug
    html = app.test_client().get(f"/drills/join/{day.join_code}").get_data(as_text=True)
    assert f'value="{day.join_code}"' in html
    assert f'href="/about/{slug}/privacy"' in html  # a guest gives their name here: whose statement applies
