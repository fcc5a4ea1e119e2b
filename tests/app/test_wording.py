"""Wording a facilitator or participant reads during a training day: numbers, people and plain reasons."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import Drill
from app.models import JoinFailure
from scenarios.play import waiting_for
from tests.conftest import WAITING_PATH
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "library"
FOUR_ROLES = "ingen-holder-stafetten"  # all four roles choose in its first scene


def test_one_minute_is_singular(client, auth, make_drill, join_as, app):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    join_as(drill, "Kari")
    response = control(client, drill, "timer", minutes="1")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Scenen har nå 1 minutt igjen." in html and "1 minutter" not in html


def test_one_scene_is_singular_in_the_debrief(client, auth, play_drill):
    drill = play_drill(auth.login(as_role="facilitator"), WAITING_PATH, end=True)
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert "og 1 scene og endte" in html and "1 scener" not in html


def test_the_console_counts_people_not_roles_when_one_person_plays_several(
    app, client, auth, make_drill, join_as
):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    join_as(drill, "Kari")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Kari"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    html = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Venter på 1 annen" in html and "Venter på 2 andre" not in html


def test_a_participant_waits_for_one_other_when_one_person_plays_the_other_roles(
    app, client, auth, make_drill, join_as
):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"), library=LIBRARY, scenario=FOUR_ROLES)
    with app.app_context():
        scenario = db.session.get(Drill, drill.id).scenario
        active = waiting_for(scenario, db.session.get(Drill, drill.id).state)
        roles = scenario.role_ids
    assert len(active) >= 3  # so that Kari plays at least two of the roles the team waits for
    ola, _ = join_as(drill, "Ola"), join_as(drill, "Kari")
    cast = {role: "Ola" if role == active[0] else "Kari" for role in roles}
    assert assign(app, client, drill, cast).status_code == 303
    assert control(client, drill, "start").status_code == 303
    html = ola.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Venter på 1 annen" in html and f"Venter på {len(active) - 1} andre" not in html


def test_a_person_with_two_roles_is_not_told_the_team_waits_for_someone_else(
    app, client, auth, make_drill, join_as
):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    kari = join_as(drill, "Kari")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Kari"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    html = kari.get(f"/drills/{drill.public_id}/play?role=kontaktlaerer").get_data(as_text=True)
    assert "Venter på 1 annen" not in html
    assert "Du har ikke valgt ennå som: Helsesykepleier" in html


def test_the_drill_list_does_not_say_no_drills_when_ended_ones_exist(client, auth, play_drill):
    play_drill(auth.login(as_role="facilitator"), end=True)
    html = client.get("/facilitate/").get_data(as_text=True)
    assert "Ingen øvelser ennå" not in html
    assert "Ingen planlagte eller pågående øvelser." in html and "Avsluttede" in html


def test_an_ended_drills_code_says_the_drill_has_ended(app, client, auth, make_drill):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    assert control(client, drill, "end").status_code == 303
    guest = app.test_client()
    data = {"code": drill.join_code, "display_name": "Ola", "csrf_token": csrf_token(guest, "/drills/join")}
    response = guest.post("/drills/join", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "Øvelsen med denne koden er avsluttet." in html and "Ingen åpen øvelse" not in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JoinFailure)) == 0
    data["code"] = "ZZZZZZ"
    assert "Ingen åpen øvelse har denne koden." in guest.post("/drills/join", data=data).get_data(
        as_text=True
    )


def test_a_guest_is_not_told_about_an_account_they_do_not_have(make_drill, join_as):
    guest = join_as(make_drill(), "Ola")
    response = guest.get("/facilitate/")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Kontoen din" not in html and "Som gjest kan du bare se øvelsen du er med i." in html


def test_your_choice_is_registered_does_not_stay_into_the_next_scene(app, client, auth, make_drill, join_as):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    kari, nils = join_as(drill, "Kari"), join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    response = choose(kari, drill, "kontaktlaerer", "del")
    page = kari.get(response.headers["Location"]).get_data(as_text=True)
    assert "Valget ditt er registrert." in page
    poll = re.search(r'hx-get="([^"]*/play/state[^"]*)"', page).group(1).replace("&amp;", "&")
    htmx = {"HX-Request": "true"}
    assert 'id="flashes"' not in kari.get(poll, headers=htmx).get_data(as_text=True)  # same scene: it stays
    assert choose(nils, drill, "helsesykepleier", "samtale").status_code == 303  # the team moves on
    fragment = kari.get(poll, headers=htmx).get_data(as_text=True)
    assert re.search(r'<div id="flashes" hx-swap-oob="innerHTML">\s*</div>', fragment)
    assert "Valget ditt er registrert." not in fragment
