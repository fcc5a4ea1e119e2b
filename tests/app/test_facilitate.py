"""The facilitator's side: the library, creating drills, the console, its controls and the projector view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.library import sync_library
from app.models import Drill
from app.models import RoleAssignment
from app.models import ScenarioVersion
from app.models import utcnow
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import drill_state


@pytest.fixture
def app_config(minimal_library):
    return {"SCENARIO_LIBRARY": str(minimal_library)}


@pytest.fixture
def library(app):
    with app.app_context():
        sync_library()
        db.session.commit()
        return db.session.scalar(select(ScenarioVersion.id))


def test_the_library_describes_each_scenario(client, auth, library):
    auth.login(as_role="facilitator")
    html = client.get("/facilitate/library").get_data(as_text=True)
    assert "<h2" in html and "Et lite scenario" in html
    assert "Et minimalt scenario for tester." in html
    assert "Kontaktlærer, Helsesykepleier" in html
    assert "Omtrent 20 minutter" in html
    assert "Øve på deling" in html
    assert f"/facilitate/drills/new?scenario={library}" in html


def test_an_empty_library_says_how_to_fill_it(client, auth):
    auth.login(as_role="facilitator")
    assert "laget library sync" in client.get("/facilitate/library").get_data(as_text=True)


def test_the_create_form_marks_built_in_scenarios_as_lagets(client, auth, library):
    """A published copy must never look like the original in the list a facilitator picks from."""
    auth.login(as_role="facilitator")
    form = client.get(f"/facilitate/drills/new?scenario={library}").get_data(as_text=True)
    assert "Et lite scenario (Laget)" in form


def test_creating_one_drill_opens_its_console(app, client, auth, library):
    facilitator = auth.login(as_role="facilitator")
    form = client.get(f"/facilitate/drills/new?scenario={library}").get_data(as_text=True)
    assert f'checked id="scenario-0" name="scenario" required type="radio" value="{library}"' in form
    data = {"scenario": library, "team_name": "Nordbyen", "teams": "1", "csrf_token": csrf_token(client, "/")}
    response = client.post("/facilitate/drills/new", data=data)
    assert response.status_code == 303
    with app.app_context():
        drill = db.session.scalar(select(Drill))
        assert (drill.team_name, drill.facilitator_id, drill.status) == ("Nordbyen", facilitator.id, "lobby")
        assert drill.scenario_version_id == library and drill.state["scene"] == "uke1"
        assert len(drill.join_code) == 6 and set(drill.join_code) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        assert len(drill.public_id) >= 16
    assert response.headers["Location"] == f"/facilitate/drills/{drill.public_id}"
    console = client.get(response.headers["Location"]).get_data(as_text=True)
    assert drill.join_code in console and "Ingen har blitt med ennå." in console


def test_a_training_day_creates_one_drill_per_team(app, client, auth, library):
    auth.login(as_role="facilitator")
    data = {"scenario": library, "team_name": "Fagdag", "teams": "3", "csrf_token": csrf_token(client, "/")}
    response = client.post("/facilitate/drills/new", data=data)
    assert response.status_code == 303 and response.headers["Location"].startswith("/facilitate/sessions/")
    assert "3 øvelser er opprettet." in client.get(response.headers["Location"]).get_data(as_text=True)
    html = client.get("/facilitate/").get_data(as_text=True)
    for name in ("Fagdag 1", "Fagdag 2", "Fagdag 3"):
        assert name in html
    with app.app_context():
        codes = db.session.scalars(select(Drill.join_code)).all()
    assert len(set(codes)) == 3


def test_a_fagdag_gets_200_teams_from_one_form_and_the_form_says_so(app, client, auth, library):
    auth.login(as_role="facilitator")
    form = client.get(f"/facilitate/drills/new?scenario={library}").get_data(as_text=True)
    assert "Du kan lage opptil 200 lag om gangen." in form
    data = {"scenario": library, "team_name": "Valdres", "csrf_token": csrf_token(client, "/")}
    assert client.post("/facilitate/drills/new", data={**data, "teams": "201"}).status_code == 400
    response = client.post("/facilitate/drills/new", data={**data, "teams": "200"})
    assert response.status_code == 303
    with app.app_context():
        codes = db.session.scalars(select(Drill.join_code)).all()
    assert len(codes) == len(set(codes)) == 200


def test_create_drills_refuses_a_count_it_cannot_honour_instead_of_quietly_capping_it(
    app, make_user, library
):
    from app.facilitate.services import create_drills

    facilitator = make_user(role="facilitator")
    with app.app_context():
        version = db.session.get(ScenarioVersion, library)
        user = db.session.merge(facilitator)
        for teams in (0, 201):
            with pytest.raises(ValueError, match="between 1 and 200"):
                create_drills(user, version, "Lag", teams)
        assert db.session.scalar(select(Drill.id)) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"team_name": "", "teams": "1"}, "Gi laget et navn"),
        ({"team_name": "Lag", "teams": "0"}, "Velg mellom 1 og 200 lag."),
        ({"team_name": "Lag", "teams": "1", "scenario": "999"}, 'id="scenario-error"'),
    ],
)
def test_the_create_form_explains_its_errors(client, auth, library, data, message):
    auth.login(as_role="facilitator")
    form = {"scenario": str(library), "csrf_token": csrf_token(client, "/"), **data}
    response = client.post("/facilitate/drills/new", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_projector_shows_code_link_and_an_inline_qr_code(client, auth, make_drill):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    html = client.get(f"/facilitate/drills/{drill.public_id}/projector").get_data(as_text=True)
    assert drill.join_code in html and " ".join(drill.join_code) in html
    assert "http://localhost/drills/join" in html
    assert "<svg" in html and 'class="qr"' in html and "<script" not in html.split("<main", 1)[1]


def test_roles_must_all_be_cast_before_the_start(app, client, auth, make_drill, join_as):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    join_as(drill, "Kari")
    assign(app, client, drill, {"kontaktlaerer": "Kari"})
    response = control(client, drill, "start")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ingen spiller Helsesykepleier ennå." in html
    assert drill_state(app, drill.public_id).status == "lobby"
    assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "self"})
    html = client.get(control(client, drill, "start").headers["Location"]).get_data(as_text=True)
    assert "Øvelsen er i gang." in html
    assert drill_state(app, drill.public_id).status == "running"


def test_assigning_someone_from_another_drill_is_refused(app, client, auth, make_drill, join_as):
    facilitator = auth.login(as_role="facilitator")
    drill, other = make_drill(facilitator=facilitator), make_drill(facilitator=facilitator)
    join_as(other, "Ola")
    response = assign(app, client, drill, {"kontaktlaerer": "Ola"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rollene ble ikke lagret." in html
    with app.app_context():
        assert (
            db.session.scalars(select(RoleAssignment).where(RoleAssignment.drill_id == drill.id)).all() == []
        )


@pytest.fixture
def console(app, client, auth, make_drill, join_as):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    teacher, nurse = join_as(drill, "Kari"), join_as(drill, "Nils")
    assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"})
    control(client, drill, "start")
    return drill, teacher, nurse


def test_the_console_shows_every_role_side_by_side(client, console):
    drill, teacher, nurse = console
    choose(teacher, drill, "kontaktlaerer", "del")
    html = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert 'class="role-cards"' in html
    assert "Spilles av Kari" in html and "Spilles av Nils" in html
    assert "Valgte:</strong> Del fraværet med helsesykepleier" in html
    assert "(etter " in html
    assert "Har ikke valgt ennå." in html
    assert "Du ser at Mia er sliten." in html  # private text, collapsed
    assert "Venter på 1 annen." in html and "<dd>Helsesykepleier</dd>" in html
    assert "Kontaktlærer delte «Fravær» med Helsesykepleier (samtykke)." in html
    assert "Kontaktlærer valgte «Del fraværet med helsesykepleier»." in html  # the full log
    assert "I «Uke 2» etter 5 min" in html and "Utløs nå" in html
    assert "10 min igjen" in html
    assert "<td>Kari</td>" in html and "Åpen" in html


def test_checkpoint_answers_show_on_the_console(app, client, console):
    drill, teacher, _nurse = console
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    key = html.split('name="key" value="', 2)[2].split('"', 1)[0]
    data = {"csrf_token": csrf_token(teacher, "/drills/join"), "role": "kontaktlaerer", "scene": "uke1"}
    teacher.post(
        f"/drills/{drill.public_id}/answer", data=data | {"checkpoint": "cp-niva", "option": "n0", "key": key}
    )
    html = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Nivå 0 – som eksperten" in html and "Ikke svart ennå." in html


def test_the_facilitator_moves_the_scene_on_and_sets_the_timer(app, client, console):
    drill, teacher, _nurse = console
    choose(teacher, drill, "kontaktlaerer", "del")
    response = control(client, drill, "timer", minutes="3")
    assert "Scenen har nå 3 minutter igjen." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert drill_state(app, drill.public_id).timer_minutes == 3
    response = control(client, drill, "timer", minutes="9999")
    assert "Velg mellom 0 og 240 minutter." in client.get(response.headers["Location"]).get_data(as_text=True)
    response = control(client, drill, "advance", scene="uke1", key="1" * 32)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Teamet er videre i neste scene." in html
    assert "Helsesykepleier handlet ikke før fasilitator gikk videre." in html
    assert drill_state(app, drill.public_id).state["scene"] == "uke2"
    assert "Scenen har ingen tidsfrist nå." in client.get(
        control(client, drill, "timer", minutes="").headers["Location"]
    ).get_data(as_text=True)


def test_firing_an_inject_reaches_only_its_recipients(app, client, console):
    drill, teacher, nurse = console
    response = control(client, drill, "injects/mor-ringer")
    assert "Hendelsen er sendt til teamet." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mor ringer skolen." in teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Mor ringer skolen." not in nurse.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    again = control(client, drill, "injects/mor-ringer")
    assert "Hendelsen er sendt til teamet." in client.get(again.headers["Location"]).get_data(as_text=True)
    assert "<strong>Utløst</strong>" in client.get(f"/facilitate/drills/{drill.public_id}").get_data(
        as_text=True
    )
    response = control(client, drill, "injects/finnes-ikke")
    assert "Ukjent hendelse" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_console_counts_down_to_a_timed_inject(app, client, console):
    drill, teacher, nurse = console
    choose(teacher, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    html = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "utløses om 5 min" in html
    with app.app_context():
        loaded = db.session.get(Drill, drill.id)
        loaded.scene_started_at = utcnow() - timedelta(minutes=6)
        db.session.commit()
    html = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Hendelse: Mor ringer." in html and "<strong>Utløst</strong>" in html


def test_ending_shows_the_ending_on_the_console_and_stops_polling(client, console):
    drill, teacher, nurse = console
    choose(teacher, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    choose(teacher, drill, "kontaktlaerer", "meld")
    html = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Mia får hjelp" in html and "God slutt" in html
    assert 'hx-trigger="every 2s"' not in html
    assert "/end" not in html


def test_the_console_fragment_answers_304_while_nothing_changes(client, console):
    drill, teacher, _nurse = console
    path = f"/facilitate/drills/{drill.public_id}/state"
    first = client.get(path, headers={"HX-Request": "true"})
    assert first.status_code == 200 and "<html" not in first.get_data(as_text=True)
    assert "HX-Request" in first.headers["Vary"]
    etag = first.headers["ETag"]
    assert client.get(path, headers={"HX-Request": "true", "If-None-Match": etag}).status_code == 304
    choose(teacher, drill, "kontaktlaerer", "del")
    assert client.get(path, headers={"HX-Request": "true", "If-None-Match": etag}).status_code == 200


def test_the_overview_lists_my_drills_and_admins_see_the_organisation(
    app, client, auth, make_org, make_user, make_drill, client_for
):
    organisation = make_org()
    facilitator = auth.login(as_role="facilitator", org=organisation)
    mine = make_drill(facilitator=facilitator, team_name="Mitt lag")
    colleague = make_user(role="facilitator", org=organisation)
    theirs = make_drill(facilitator=colleague, team_name="Kollegas lag")
    html = client.get("/facilitate/").get_data(as_text=True)
    assert "Mitt lag" in html and "Kollegas lag" not in html and mine.join_code in html
    admin = client_for(make_user(role="admin", org=organisation))
    html = admin.get("/facilitate/").get_data(as_text=True)
    assert "Mitt lag" in html and "Kollegas lag" in html and theirs.join_code in html
    assert "Som administrator ser du alle øvelsene" in html


def test_ended_drills_are_listed_apart_and_free_their_code(app, client, auth, make_drill):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator, team_name="Ferdig lag")
    control(client, drill, "end")
    html = client.get("/facilitate/").get_data(as_text=True)
    assert "Avsluttede" in html and "Ferdig lag" in html and drill.join_code not in html
    assert drill_state(app, drill.public_id).join_code is None
