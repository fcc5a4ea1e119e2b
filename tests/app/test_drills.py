"""Playing a drill through the browser: joining, roles, choices, checkpoints, privacy and the ending."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import DrillEvent
from app.models import Participant
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import drill_state
from tests.conftest import page_choices

# Private text of each role in the first scene of tests/scenarios/fixtures/minimal.md.
TEACHER_PRIVATE = "Du ser at Mia er sliten."
NURSE_INFO = "Mia har hodepine."


@pytest.fixture
def started(app, client, auth, make_drill, join_as):
    """A running minimal drill: Kari plays the teacher, Nils the school nurse."""
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    teacher = join_as(drill, "Kari")
    nurse = join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, teacher, nurse


def test_join_page_takes_the_code_from_the_link(client, make_drill):
    drill = make_drill()
    html = client.get(f"/drills/join/{drill.join_code.lower()}").get_data(as_text=True)
    assert f'value="{drill.join_code}"' in html
    assert "<label" in html and 'for="code"' in html and 'for="display_name"' in html


def test_joining_with_an_unknown_code_says_so(client, csrf):
    response = client.post(
        "/drills/join", data={"code": "ZZZZZZ", "display_name": "Kari", "csrf_token": csrf("/drills/join")}
    )
    assert response.status_code == 404
    assert "Ingen åpen øvelse har denne koden" in response.get_data(as_text=True)


def test_a_guest_joins_with_a_typed_code_and_waits_in_the_lobby(app, make_drill, join_as):
    drill = make_drill()
    spaced = f"{drill.join_code[:3].lower()} {drill.join_code[3:]}"
    guest = app.test_client()
    token = csrf_token(guest, "/drills/join")
    response = guest.post("/drills/join", data={"code": spaced, "display_name": "Kari", "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/drills/{drill.public_id}/play"
    html = guest.get(response.headers["Location"]).get_data(as_text=True)
    assert "Venter på at fasilitator starter øvelsen." in html
    assert "Du har ikke fått en rolle ennå." in html
    assert "Mia (12) har vært mye borte." in html  # the case introduction
    with app.app_context():
        stored = db.session.scalar(select(Participant).where(Participant.display_name == "Kari"))
        assert stored.user_id is None and len(stored.token_hash) == 64


def test_a_logged_in_person_joins_as_themself_once(app, client, auth, make_drill, csrf):
    user = auth.login(name="Randi Rektor")
    drill = make_drill()
    assert f'value="{user.display_name}"' in client.get("/drills/join").get_data(as_text=True)
    for _ in range(2):
        client.post(
            "/drills/join",
            data={"code": drill.join_code, "display_name": "Randi", "csrf_token": csrf("/drills/join")},
        )
    with app.app_context():
        seats = db.session.scalars(select(Participant).where(Participant.drill_id == drill.id)).all()
        assert [(s.user_id, s.token_hash) for s in seats] == [(user.id, None)]


def test_the_participant_screen_shows_scene_role_knowledge_and_time(started):
    drill, teacher, _nurse = started
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Du er <strong>Kontaktlærer</strong>" in html
    assert "Uke 1" in html and "Det er mandag." in html and "Dag 0" in html
    assert TEACHER_PRIVATE in html
    assert "Fravær" in html and "Du visste dette fra starten." in html
    assert "10 min igjen" in html
    assert html.count('name="choice"') == 2
    assert "Venter på 1 annen: Helsesykepleier" in html
    assert 'aria-live="polite"' in html and 'role="status"' in html
    assert "<legend>Hvilket BTI-nivå er vi på?</legend>" in html


def test_a_participant_never_sees_another_roles_private_text_or_knowledge(started):
    drill, teacher, nurse = started
    for path in (f"/drills/{drill.public_id}/play", f"/drills/{drill.public_id}/play/state"):
        nurse_html = nurse.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert TEACHER_PRIVATE not in nurse_html
        assert "Mia har 20 % fravær." not in nurse_html  # the teacher's information item
        assert NURSE_INFO in nurse_html
        teacher_html = teacher.get(path).get_data(as_text=True)
        assert NURSE_INFO not in teacher_html
        assert TEACHER_PRIVATE in teacher_html


def test_choices_share_knowledge_log_it_and_move_the_scene_on(app, started):
    drill, teacher, nurse = started
    assert choose(teacher, drill, "kontaktlaerer", "del").status_code == 303
    teacher_html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Valget ditt er registrert." in teacher_html
    assert "Du har valgt:</strong> Del fraværet med helsesykepleier" in teacher_html
    assert "Venter på 1 annen: Helsesykepleier" in teacher_html

    nurse_html = nurse.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Uke 1: Teamet venter på valget ditt." in nurse_html
    assert "Mia har 20 % fravær." in nurse_html
    assert "Delt av Kontaktlærer (samtykke), dag 0." in nurse_html
    assert "Kontaktlærer delte «Fravær» med Helsesykepleier (samtykke)." in nurse_html
    # The nurse may know that the teacher shared, but never which button the teacher pressed.
    assert "Kontaktlærer valgte" not in nurse_html

    assert choose(nurse, drill, "helsesykepleier", "samtale").status_code == 303
    nurse_html = nurse.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Uke 2" in nurse_html
    assert "Du skal ikke velge i denne scenen." in nurse_html
    state = drill_state(app, drill.public_id)
    assert state.state["scene"] == "uke2" and state.state_version == 2


def test_a_checkpoint_answer_is_recorded_and_shown(app, started):
    drill, teacher, _nurse = started
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    _choices, hidden = page_choices(html)
    data = {"csrf_token": csrf_token(teacher, "/drills/join"), "role": "kontaktlaerer", "scene": "uke1"}
    data |= {"checkpoint": "cp-niva", "key": hidden["key"]}
    unpicked = teacher.post(f"/drills/{drill.public_id}/answer", data=data)
    assert unpicked.status_code == 422
    # The message is on the question's fieldset, tied to it for screen readers, not a flash elsewhere.
    fieldset = re.search(
        r'<fieldset[^>]*aria-describedby="([^"]+)"[^>]*>(.*?)</fieldset>', unpicked.text, re.S
    )
    assert fieldset and "cp-niva" in fieldset.group(1)
    assert f'id="{fieldset.group(1)}"' in fieldset.group(
        2
    ) and "Velg et svar før du sender." in fieldset.group(2)
    assert 'aria-invalid="true"' in fieldset.group(2)
    data["option"] = "n0"
    assert teacher.post(f"/drills/{drill.public_id}/answer", data=data).status_code == 303
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Svaret ditt er registrert." in html
    assert "Ditt svar:</strong> Nivå 0" in html
    assert drill_state(app, drill.public_id).state["answers"]["cp-niva"]["kontaktlaerer"]["option"] == "n0"


def test_the_same_submission_twice_is_stored_once(app, started):
    drill, teacher, _nurse = started
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    _choices, hidden = page_choices(html)
    data = {
        "csrf_token": csrf_token(teacher, "/drills/join"),
        "role": "kontaktlaerer",
        "choice": "del",
        **hidden,
    }
    first = teacher.post(f"/drills/{drill.public_id}/choose", data=data)
    second = teacher.post(f"/drills/{drill.public_id}/choose", data=data)
    assert first.status_code == second.status_code == 303
    assert "Valget ditt er registrert." in teacher.get(first.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(DrillEvent).where(DrillEvent.drill_id == drill.id)
        )
    assert count == 1
    assert drill_state(app, drill.public_id).state_version == 1


def test_a_second_different_choice_is_refused_and_changes_nothing(app, started):
    drill, teacher, _nurse = started
    choose(teacher, drill, "kontaktlaerer", "del")
    before = drill_state(app, drill.public_id)
    # An old copy of the page still offers "vent": press it with a fresh key.
    response = choose(teacher, drill, "kontaktlaerer", "vent", scene="uke1", key="b" * 32)
    assert response.status_code == 303
    html = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du har allerede valgt i denne scenen. Det første valget står." in html
    after = drill_state(app, drill.public_id)
    assert (after.state_version, after.state) == (before.state_version, before.state)


def test_a_choice_for_a_scene_that_has_moved_on_is_refused(app, started):
    drill, teacher, nurse = started
    choose(teacher, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    response = choose(teacher, drill, "kontaktlaerer", "meld", scene="uke1", key="c" * 32)
    html = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Scenen har gått videre, så valget ble ikke registrert." in html
    assert drill_state(app, drill.public_id).state_version == 2


def test_choosing_for_a_role_you_do_not_hold_is_forbidden(app, started):
    drill, teacher, _nurse = started
    response = choose(teacher, drill, "kontaktlaerer", "samtale", as_role="helsesykepleier")
    assert response.status_code == 403
    assert drill_state(app, drill.public_id).state_version == 0


def test_a_malformed_choice_is_a_bad_request(started):
    drill, teacher, _nurse = started
    assert choose(teacher, drill, "kontaktlaerer", "del", key="not-a-key").status_code == 400


def test_pause_refuses_choices_until_resumed(app, client, started):
    drill, teacher, _nurse = started
    assert control(client, drill, "pause").status_code == 303
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Fasilitator har satt øvelsen på pause." in html
    assert 'name="choice"' not in html
    response = choose(teacher, drill, "kontaktlaerer", "del", scene="uke1", key="d" * 32)
    assert "Øvelsen er satt på pause." in teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert drill_state(app, drill.public_id).state_version == 0
    assert control(client, drill, "resume").status_code == 303
    assert choose(teacher, drill, "kontaktlaerer", "del").status_code == 303
    assert drill_state(app, drill.public_id).state_version == 1


def test_choices_are_refused_in_the_lobby(app, make_drill, join_as, client, auth):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    teacher = join_as(drill, "Kari")
    assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "self"})
    response = choose(teacher, drill, "kontaktlaerer", "del", scene="uke1", key="e" * 32)
    html = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Øvelsen har ikke startet ennå." in html
    assert "Rollen din er Kontaktlærer." in html


def test_playing_to_the_end_shows_the_ending_to_every_role(app, started):
    drill, teacher, nurse = started
    choose(teacher, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    choose(teacher, drill, "kontaktlaerer", "meld")
    for person in (teacher, nurse):
        html = person.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
        assert "Mia får hjelp" in html and "God slutt" in html and "Bra." in html
        assert "Øvelsen er avsluttet." in html
        assert 'name="choice"' not in html
        assert 'hx-trigger="every 2s"' not in html  # nothing more to poll for
    ended = drill_state(app, drill.public_id)
    assert (ended.status, ended.join_code) == ("ended", None)


def test_ending_early_tells_every_role(app, client, started):
    drill, teacher, nurse = started
    assert control(client, drill, "end").status_code == 303
    for person in (teacher, nurse):
        html = person.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
        assert "Fasilitator avsluttet øvelsen før teamet kom til en slutt." in html


def test_someone_with_several_roles_switches_between_them(app, client, auth, make_drill, join_as):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    solo = join_as(drill, "Solveig")
    assign(app, client, drill, {"kontaktlaerer": "Solveig", "helsesykepleier": "Solveig"})
    control(client, drill, "start")
    html = solo.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert 'aria-label="Rollene dine"' in html
    assert 'role=kontaktlaerer" aria-current="page"' in html
    nurse_view = solo.get(f"/drills/{drill.public_id}/play?role=helsesykepleier").get_data(as_text=True)
    assert "Du er <strong>Helsesykepleier</strong>" in nurse_view
    assert TEACHER_PRIVATE not in nurse_view
    assert choose(solo, drill, "helsesykepleier", "samtale").status_code == 303


def test_the_facilitator_can_play_a_missing_role(app, client, auth, make_drill, join_as):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    join_as(drill, "Kari")
    assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "self"})
    control(client, drill, "start")
    console = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Åpne deltakerskjermen for rollene du spiller" in console
    html = client.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Du er <strong>Helsesykepleier</strong>" in html
    assert choose(client, drill, "helsesykepleier", "samtale").status_code == 303
    with app.app_context():
        event = db.session.scalar(select(DrillEvent).where(DrillEvent.drill_id == drill.id))
        assert event.user_id == facilitator.id


def test_the_state_fragment_is_htmx_ready_and_cacheable(started):
    drill, teacher, _nurse = started
    path = f"/drills/{drill.public_id}/play/state"
    fragment = teacher.get(path, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in html
    assert "HX-Request" in fragment.headers["Vary"]
    assert 'hx-trigger="every 2s"' in html and 'hx-swap-oob="innerHTML"' in html
    etag = fragment.headers["ETag"]
    assert etag.startswith('W/"') and f'data-etag="{etag.replace(chr(34), "&quot;")}"' in html

    unchanged = teacher.get(path, headers={"HX-Request": "true", "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert "HX-Request" in unchanged.headers["Vary"] and unchanged.headers["ETag"] == etag

    full = teacher.get(path, headers={"If-None-Match": 'W/"something-else"'})
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)

    choose(teacher, drill, "kontaktlaerer", "del")
    changed = teacher.get(path, headers={"HX-Request": "true", "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_full_flow_four_guests_play_a_library_scenario_to_its_end(app, client, auth, join_as):
    """A facilitator creates a drill from the built-in library; four guests join, play and see the ending."""
    from app.library import sync_library
    from app.models import Drill
    from app.models import ScenarioVersion

    facilitator = auth.login(as_role="facilitator")
    with app.app_context():
        assert sync_library().skipped == {}
        db.session.commit()
    library = client.get("/facilitate/library").get_data(as_text=True)
    assert "Fravær og hodepine" in library
    version_id = library.split("/facilitate/drills/new?scenario=", 1)[1].split('"', 1)[0]
    token = csrf_token(client, "/")
    data = {"scenario": version_id, "team_name": "Fjordvik", "teams": "1", "csrf_token": token}
    assert client.post("/facilitate/drills/new", data=data).status_code == 303
    with app.app_context():
        public_id = db.session.scalar(select(Drill.public_id).where(Drill.facilitator_id == facilitator.id))
        version = db.session.get(ScenarioVersion, int(version_id))
        roles = list(version.scenario.role_ids)
    drill = drill_state(app, public_id)
    assert len(roles) == 4
    names = ["Kari", "Nils", "Per", "Berit"]
    guests = {role: join_as(drill, name) for role, name in zip(roles, names, strict=True)}
    assert assign(app, client, drill, dict(zip(roles, names, strict=True))).status_code == 303
    assert control(client, drill, "start").status_code == 303

    for turn in range(60):
        if drill_state(app, public_id).status == "ended":
            break
        moved = False
        for role, guest in guests.items():
            html = guest.get(f"/drills/{public_id}/play?role={role}").get_data(as_text=True)
            choices, _hidden = page_choices(html)
            if choices:
                assert choose(guest, drill, role, choices[0]).status_code == 303
                moved = True
        if not moved:
            # Nobody has an open choice (every active role is blocked): the facilitator moves on.
            scene = drill_state(app, public_id).state["scene"]
            assert control(client, drill, "advance", scene=scene, key=f"{turn:032x}").status_code == 303
    ended = drill_state(app, public_id)
    assert ended.status == "ended"
    with app.app_context():
        ending = db.session.get(ScenarioVersion, ended.scenario_version_id).scenario.ending(
            ended.state["ending"]
        )
        from app.drills.services import rebuild_state

        assert rebuild_state(db.session.get(Drill, ended.id)) == ended.state
    for guest in guests.values():
        html = guest.get(f"/drills/{public_id}/play").get_data(as_text=True)
        assert ending.title in html


@pytest.mark.parametrize("app_config", [{"JOIN_FAILURES_PER_IP": 3}])
def test_wrong_join_codes_are_throttled_per_address(app, client, make_drill, app_config):
    drill = make_drill()
    token = csrf_token(client, "/drills/join")
    for _ in range(3):
        response = client.post(
            "/drills/join", data={"code": "ZZZZZZ", "display_name": "Ola", "csrf_token": token}
        )
        assert response.status_code == 404
    response = client.post(
        "/drills/join", data={"code": drill.join_code, "display_name": "Ola", "csrf_token": token}
    )
    assert response.status_code == 429
    assert "For mange forsøk fra denne adressen. Vent 1 sekund" in response.get_data(as_text=True)
