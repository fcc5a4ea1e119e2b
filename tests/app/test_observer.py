"""Observers (HSEEP's evaluators): added from the console, they watch every role read-only, take notes
tied to the scene the team is in, and the notes appear beside the timeline in the facilitator's debrief.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import Drill
from app.models import Observer
from app.models import ObserverNote
from app.models import Participant
from app.models import User
from tests.conftest import EXPERT_PATH
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import drill_state

_CODE_IN_FLASH = re.compile(r"med koden ([A-Z0-9]{6})")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def running(app, client, auth, make_drill, join_as):
    """A running drill of the logged-in facilitator, one guest per role, in the scenario's role order."""
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    roles = drill_state(app, drill.public_id).state["knowledge"].keys()
    with app.app_context():
        role_ids = db.session.get(Drill, drill.id).scenario.role_ids
    names = {role: f"Spiller {number}" for number, role in enumerate(role_ids, start=1)}
    seats = {role: join_as(drill, name) for role, name in names.items()}
    assert set(roles) == set(role_ids)
    assert assign(app, client, drill, names).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, seats, facilitator


def add_observer(client, drill, name: str = "Olga Observatør"):
    """Add an observer from the console and return the code the facilitator is shown once."""
    response = client.post(
        f"/facilitate/drills/{drill.public_id}/observers",
        data={"name": name, "csrf_token": csrf_token(client, f"/facilitate/drills/{drill.public_id}")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    match = _CODE_IN_FLASH.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1)


def observe(app, code: str, client=None):
    """Open the observer screen with a code, as a guest in a fresh browser; return that browser."""
    client = client or app.test_client()
    token = csrf_token(client, "/observe/")
    response = client.post("/observe/", data={"code": code.lower(), "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def post_note(client, drill, text: str, **headers: str):
    """Send the note form from the observer screen."""
    token = csrf_token(client, f"/observe/{drill.public_id}")
    return client.post(
        f"/observe/{drill.public_id}/notes", data={"text": text, "csrf_token": token}, headers=headers
    )


def notes_in_db(app) -> list[ObserverNote]:
    with app.app_context():
        notes = list(db.session.scalars(select(ObserverNote).order_by(ObserverNote.id)))
        for note in notes:
            db.session.expunge(note)
        return notes


@pytest.fixture
def observed(app, client, running):
    """The running drill with an observer who has opened the observer screen."""
    drill, seats, facilitator = running
    observer = observe(app, add_observer(client, drill))
    return drill, seats, observer


# --- Service ---------------------------------------------------------------------------------------


def test_the_service_ties_a_note_to_the_scene_and_round_the_team_is_in(app, running):
    from app.observing import services

    drill = running[0]
    with app.app_context():
        live = db.session.get(Drill, drill.id)
        user = db.session.get(User, live.facilitator_id)
        observer, code = services.add_observer(live, "  Olga  ", user)
        note = services.add_note(live, observer, "  Læreren ventet.  ")
        db.session.commit()
        assert observer.display_name == "Olga" and len(code) == 6
        assert services.find_by_code(code.lower()).id == observer.id
        assert services.find_observer(live, observer.id, code).id == observer.id
        assert services.find_observer(live, observer.id, "AAAAAA") is None
        assert (note.scene_id, note.round) == (live.state["scene"], live.state["round"])
        assert note.text == "Læreren ventet." and note.created_at is not None
        assert note.drill_seconds is not None and note.drill_seconds >= 0


def test_the_service_refuses_notes_before_the_start(app, make_drill, make_user):
    from app.observing import services

    facilitator = make_user(role="facilitator")
    drill = make_drill(facilitator=facilitator)
    with app.app_context():
        lobby = db.session.get(Drill, drill.id)
        observer, _code = services.add_observer(lobby, "Olga", db.session.get(User, facilitator.id))
        with pytest.raises(services.NotesClosed):
            services.add_note(lobby, observer, "For tidlig")


# --- Adding observers from the console -------------------------------------------------------------


def test_an_observer_is_no_participant(app, client, running):
    drill = running[0]
    with app.app_context():
        seated = db.session.scalar(select(func.count()).select_from(Participant))
    add_observer(client, drill, "Olga Observatør")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participant)) == seated
        assert db.session.scalar(select(Observer.display_name)) == "Olga Observatør"
    console = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Olga Observatør" in console  # in the console's list of observers ...
    assert not re.search(r"<option[^>]*>\s*Olga Observatør", console)  # ... but never offered a role
    state = client.get(f"/facilitate/drills/{drill.public_id}/state").get_data(as_text=True)
    assert "Olga Observatør" not in state  # nor seated among the people in the drill


def test_adding_an_observer_without_a_name_adds_nobody(app, client, running):
    drill = running[0]
    token = csrf_token(client, f"/facilitate/drills/{drill.public_id}")
    response = client.post(
        f"/facilitate/drills/{drill.public_id}/observers",
        data={"name": "   ", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Skriv inn navnet til observatøren." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Observer)) == 0


def test_an_ended_drill_takes_no_new_observers(app, client, running):
    drill = running[0]
    assert control(client, drill, "end").status_code == 303
    token = csrf_token(client, f"/facilitate/drills/{drill.public_id}")
    response = client.post(
        f"/facilitate/drills/{drill.public_id}/observers",
        data={"name": "Olga", "csrf_token": token},
        follow_redirects=True,
    )
    assert "ingen flere kan observere den" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Observer)) == 0


def test_a_wrong_observer_code_opens_nothing(app, running):
    guest = app.test_client()
    response = guest.post("/observe/", data={"code": "ZZZZZZ", "csrf_token": csrf_token(guest, "/observe/")})
    assert response.status_code == 404
    assert "Ingen observatør har denne koden." in response.get_data(as_text=True)
    assert guest.get(f"/observe/{running[0].public_id}").status_code == 404


@pytest.mark.parametrize("app_config", [{"JOIN_FAILURES_PER_IP": 3}])
def test_wrong_observer_codes_are_throttled_per_address_like_join_codes(app, app_config):
    guest = app.test_client()
    token = csrf_token(guest, "/observe/")
    for _ in range(3):
        assert guest.post("/observe/", data={"code": "ZZZZZZ", "csrf_token": token}).status_code == 404
    response = guest.post("/observe/", data={"code": "ZZZZZZ", "csrf_token": token})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert "For mange forsøk fra denne adressen. Vent 1 sekund" in response.get_data(as_text=True)


# --- The observer screen -----------------------------------------------------------------------------


def test_the_observer_sees_every_role_read_only(app, observed):
    drill, seats, observer = observed
    first_role, first_choice = EXPERT_PATH[0]
    assert choose(seats[first_role], drill, first_role, first_choice).status_code == 303
    html = observer.get(f"/observe/{drill.public_id}").get_data(as_text=True)
    with app.app_context():
        live = db.session.get(Drill, drill.id)
        scenario, state = live.scenario, live.state
        scene = scenario.scene(state["scene"])
        chosen = scene.choice(first_role, state["chosen"][first_role]).label
        for role in scenario.meta.roles:
            assert role.name in html
            section = scene.section(role.id)
            if section and section.text:
                first_line = section.text.strip().splitlines()[0]
                assert first_line in html, role.id
            for info_id in state["knowledge"][role.id]:
                assert scenario.info(info_id).title in html
    assert scene.title in html and f"Har valgt: {chosen}" in html
    assert "Spiller 1" in html and "Spiller 2" in html
    # Read-only: no choice, no checkpoint answer, no role to take.
    assert 'name="choice"' not in html and 'name="option"' not in html
    assert "/choose" not in html and "/answer" not in html and "/take-role" not in html
    assert 'name="text"' in html  # the only form is the note


def test_the_observer_sees_the_choices_made_in_earlier_scenes(app, observed):
    drill, seats, observer = observed
    first_scene = drill_state(app, drill.public_id).state["scene"]
    for role, choice in EXPERT_PATH[:2]:
        assert choose(seats[role], drill, role, choice).status_code == 303
    with app.app_context():
        live = db.session.get(Drill, drill.id)
        assert live.state["scene"] != first_scene
        old = live.scenario.scene(first_scene)
        labels = [old.choice(role, choice).label for role, choice in EXPERT_PATH[:2]]
    html = observer.get(f"/observe/{drill.public_id}").get_data(as_text=True)
    assert "Valg så langt" in html and old.title in html
    assert all(label in html for label in labels)


def test_the_polled_part_answers_304_while_nothing_changed(observed):
    drill, seats, observer = observed
    first = observer.get(f"/observe/{drill.public_id}/state", headers=HTMX)
    assert first.status_code == 200 and 'id="observe-state"' in first.get_data(as_text=True)
    assert "<html" not in first.get_data(as_text=True)
    again = observer.get(
        f"/observe/{drill.public_id}/state", headers={**HTMX, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_poll_brings_notes_other_observers_take(app, client, observed):
    drill, _seats, olga = observed
    first = olga.get(f"/observe/{drill.public_id}/state", headers=HTMX)
    assert "Ingen notater ennå." in first.get_data(as_text=True)
    per = observe(app, add_observer(client, drill, "Per Observatør"))
    assert post_note(per, drill, "Kontaktlæreren ringte foreldrene.").status_code == 303
    polled = olga.get(
        f"/observe/{drill.public_id}/state", headers={**HTMX, "If-None-Match": first.headers["ETag"]}
    )
    assert polled.status_code == 200
    fragment = polled.get_data(as_text=True)
    note_list = fragment[fragment.index('<div id="note-list" hx-swap-oob="outerHTML">') :]
    assert "Kontaktlæreren ringte foreldrene." in note_list and "Per Observatør" in note_list
    assert 'name="text"' not in fragment  # the note form Olga may be typing in is left alone
    again = olga.get(
        f"/observe/{drill.public_id}/state", headers={**HTMX, "If-None-Match": polled.headers["ETag"]}
    )
    assert again.status_code == 304


# --- Notes ---------------------------------------------------------------------------------------------


def test_a_note_is_saved_with_its_scene_and_time(app, observed):
    drill, seats, observer = observed
    scene = drill_state(app, drill.public_id).state["scene"]
    response = post_note(observer, drill, "Helsesykepleier spurte ikke om samtykke.", **HTMX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "Notatet er lagret." in fragment and "Helsesykepleier spurte ikke om samtykke." in fragment
    assert "<html" not in fragment and 'id="observer-notes"' in fragment
    [note] = notes_in_db(app)
    assert (note.scene_id, note.round, note.text) == (scene, 1, "Helsesykepleier spurte ikke om samtykke.")
    assert note.created_at is not None
    # After the team moves on, the next note belongs to the next scene.
    for role, choice in EXPERT_PATH[:2]:
        assert choose(seats[role], drill, role, choice).status_code == 303
    after = drill_state(app, drill.public_id).state
    assert post_note(observer, drill, "Nå i neste scene.").status_code == 303
    later = notes_in_db(app)[-1]
    assert (later.scene_id, later.round) == (after["scene"], after["round"]) != (scene, 1)
    page = observer.get(f"/observe/{drill.public_id}").get_data(as_text=True)
    assert "Nå i neste scene." in page and "Olga Observatør" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Skriv notatet før du lagrer."),
        ("   \n  ", "Skriv notatet før du lagrer."),
        ("x" * 1001, "Notatet kan ha høyst 1000 tegn."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_a_bad_note_is_refused_in_words_and_saves_nothing(app, observed, text, message):
    drill, _seats, observer = observed
    page = post_note(observer, drill, text)
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    fragment = post_note(observer, drill, text, **HTMX)
    assert fragment.status_code == 200 and message in fragment.get_data(as_text=True)
    assert 'aria-invalid="true"' in fragment.get_data(as_text=True)
    assert notes_in_db(app) == []


def test_a_note_before_the_start_is_refused_in_words(app, client, auth, make_drill):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    observer = observe(app, add_observer(client, drill))
    page = observer.get(f"/observe/{drill.public_id}").get_data(as_text=True)
    assert "Øvelsen har ikke startet ennå." in page
    response = post_note(observer, drill, "For tidlig")
    assert response.status_code == 409
    assert "Du kan skrive notater når øvelsen har startet." in response.get_data(as_text=True)
    assert notes_in_db(app) == []


def test_a_note_without_a_csrf_token_is_refused(app, observed):
    drill, _seats, observer = observed
    response = observer.post(f"/observe/{drill.public_id}/notes", data={"text": "Uten nøkkel"})
    assert response.status_code == 400
    assert notes_in_db(app) == []


def test_a_1000_character_note_is_saved(app, observed):
    drill, _seats, observer = observed
    assert post_note(observer, drill, "y" * 1000).status_code == 303
    assert len(notes_in_db(app)[0].text) == 1000


# --- Who may watch -------------------------------------------------------------------------------------


def test_only_observers_and_the_people_running_the_drill_see_the_screen(
    app, client, observed, make_user, make_org, client_for, join_as, make_drill
):
    drill, seats, observer = observed
    assert post_note(observer, drill, "Et notat bare for de rette øynene.").status_code == 303
    with app.app_context():
        organisation_id = db.session.get(Drill, drill.id).organisation_id
    ours = type("Org", (), {"id": organisation_id})()
    elsewhere = make_user(role="facilitator", org=make_org())
    other_drill = make_drill(facilitator=elsewhere)
    other_observer = observe(app, add_observer(client_for(elsewhere), other_drill))
    visitors = {
        "anonymous": (app.test_client(), 404),
        "participant": (next(iter(seats.values())), 404),
        "observer of another drill": (other_observer, 404),
        "other organisation's facilitator": (client_for(make_user(role="facilitator", org=make_org())), 404),
        "colleague": (client_for(make_user(role="facilitator", org=ours)), 403),
        "facilitator": (client, 200),
        "admin": (client_for(make_user(role="admin", org=ours)), 200),
        "observer": (observer, 200),
    }
    for name, (browser, status) in visitors.items():
        for path in (f"/observe/{drill.public_id}", f"/observe/{drill.public_id}/state"):
            response = browser.get(path)
            assert response.status_code == status, (name, path)
            if status != 200:
                assert "Et notat bare for de rette øynene." not in response.get_data(as_text=True)
        if name != "observer":
            token = csrf_token(browser, "/drills/join")
            response = browser.post(
                f"/observe/{drill.public_id}/notes", data={"text": "Innbrudd", "csrf_token": token}
            )
            assert response.status_code == (403 if status == 200 else status), name
    assert [note.text for note in notes_in_db(app)] == ["Et notat bare for de rette øynene."]


def test_a_co_facilitator_of_the_session_sees_the_screen(app, make_user, make_drill, client_for):
    from app.facilitate import services
    from app.facilitate import sessions
    from app.models import ScenarioVersion

    facilitator = make_user(role="facilitator")
    organisation = type("Org", (), {"id": facilitator.organisation_id})()
    co_facilitator = make_user(role="facilitator", org=organisation)
    make_drill(facilitator=facilitator)  # loads the library
    with app.app_context():
        owner = db.session.get(User, facilitator.id)
        session = sessions.create_session(owner, "Fagdag")
        version = db.session.scalar(select(ScenarioVersion))
        drills = services.create_drills(owner, version, "Fagdag", 2, session)
        sessions.add_co_facilitator(session, db.session.get(User, co_facilitator.id))
        db.session.commit()
        public_id = drills[0].public_id
    assert client_for(co_facilitator).get(f"/observe/{public_id}").status_code == 200
    colleague = make_user(role="facilitator", org=organisation)
    assert client_for(colleague).get(f"/observe/{public_id}").status_code == 403


# --- The debrief -----------------------------------------------------------------------------------------


@pytest.fixture
def debriefed(app, client, observed):
    """The observed drill played along the expert path with a note in its first scene, then ended."""
    drill, seats, observer = observed
    first_scene = drill_state(app, drill.public_id).state["scene"]
    assert post_note(observer, drill, "Kontaktlæreren delte raskt.").status_code == 303
    for role, choice in EXPERT_PATH:
        assert choose(seats[role], drill, role, choice).status_code == 303
    assert control(client, drill, "end").status_code == 303
    with app.app_context():
        title = db.session.get(Drill, drill.id).scenario.scene(first_scene).title
    return drill, seats, observer, title


def test_notes_stand_beside_the_timeline_in_the_facilitators_debrief(client, debriefed):
    drill, _seats, _observer, title = debriefed
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline-heading"') : html.index('id="choices-heading"')]
    assert "Observatørnotater" in timeline
    row = timeline[timeline.index(title) :]
    row = row[: row.index("</tr>")]
    assert "Kontaktlæreren delte raskt." in row and "Olga Observatør" in row
    assert re.search(r"<time>\d\d:\d\d</time>", row)


def test_the_pdf_report_lists_the_notes(client, debriefed):
    import io

    from pypdf import PdfReader

    drill, _seats, _observer, title = debriefed
    response = client.get(f"/debrief/{drill.public_id}/report.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    text = " ".join(text.split())
    assert "Observatørnotater" in text and "Kontaktlæreren delte raskt." in text
    assert "Olga Observatør" in text and title in text


def test_the_json_export_carries_the_notes(client, debriefed):
    import json

    drill = debriefed[0]
    data = json.loads(client.get(f"/debrief/{drill.public_id}/export.json").get_data(as_text=True))
    [note] = data["observer_notes"]
    assert (note["observer"], note["text"], note["round"]) == (
        "Olga Observatør",
        "Kontaktlæreren delte raskt.",
        1,
    )
    assert note["at"] and note["scene"]


def test_participants_own_debrief_leaves_the_notes_out(debriefed):
    drill, seats, _observer, _title = debriefed
    for seat in seats.values():
        html = seat.get(f"/debrief/{drill.public_id}/mine").get_data(as_text=True)
        assert "Kontaktlæreren delte raskt." not in html and "Olga Observatør" not in html


def test_the_observer_still_sees_the_notes_after_the_end(debriefed):
    drill, _seats, observer, _title = debriefed
    html = observer.get(f"/observe/{drill.public_id}").get_data(as_text=True)
    assert "Øvelsen er avsluttet." in html and "Kontaktlæreren delte raskt." in html


def test_deleting_a_test_drill_takes_its_observers_and_notes(app, client, observed):
    drill, _seats, observer = observed
    assert post_note(observer, drill, "Øvingsrunde.").status_code == 303
    assert control(client, drill, "test", test="1").status_code == 303
    assert control(client, drill, "delete", confirm="y").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ObserverNote)) == 0
        assert db.session.scalar(select(func.count()).select_from(Observer)) == 0
    assert observer.get(f"/observe/{drill.public_id}").status_code == 404


# --- Retention ---------------------------------------------------------------------------------------------


def test_retention_renames_the_observers_of_old_drills_and_voids_their_codes(app, client, observed, runner):
    from datetime import timedelta

    from app.cli import cli
    from app.models import utcnow

    drill, seats, observer = observed
    participant = "Spiller 1"
    assert post_note(observer, drill, f"Olga Observatør så at {participant} nølte.").status_code == 303
    assert control(client, drill, "end").status_code == 303
    with app.app_context():
        db.session.get(Drill, drill.id).ended_at = utcnow() - timedelta(days=400)
        db.session.commit()
    result = runner.invoke(cli, ["retention", "run"])
    assert result.exit_code == 0 and "Ga 1 observatører" in result.output
    with app.app_context():
        assert db.session.scalar(select(Observer.display_name)) == "Observatør 1"
        assert db.session.scalar(select(ObserverNote.text)) == "Observatør 1 så at Deltaker 1 nølte."
    assert observer.get(f"/observe/{drill.public_id}").status_code == 404
