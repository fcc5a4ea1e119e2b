"""Defects 1, 2 and 4 in real Chromium: a choice that opens mid-scene appears on the open screen without a
reload, the choice the person had picked but not confirmed stays picked, a checkpoint answer picked but
not sent stays picked when the others finish the scene, and focus is never dropped."""

from __future__ import annotations

from sqlalchemy import select

from tests.app.test_fresh_choices import ASK_FOR_NOTES
from tests.conftest import MINIMAL_SCENARIO


def _started(live_server, browser, tmp_path):
    """A running drill of the minimal scenario with the extra choice; the teacher's and nurse's pages."""
    from app.extensions import db
    from app.facilitate.services import create_drills
    from app.facilitate.services import start_drill
    from app.library import sync_library
    from app.models import Drill
    from app.models import Participant
    from app.models import RoleAssignment
    from app.models import ScenarioVersion
    from app.models import User

    base = live_server.url
    (tmp_path / "minimal.md").write_text(
        MINIMAL_SCENARIO.read_text(encoding="utf-8").replace("- Vent {#vent}", ASK_FOR_NOTES, 1),
        encoding="utf-8",
    )
    with live_server.app.app_context():
        sync_library(tmp_path)
        version = db.session.scalar(select(ScenarioVersion).where(ScenarioVersion.scenario_key == "minimal"))
        facilitator = db.session.scalar(select(User).where(User.email == live_server.facilitator_email))
        drill = create_drills(facilitator, version, "Lag Nord", 1)[0]
        db.session.commit()
        public_id, code, drill_id = drill.public_id, drill.join_code, drill.id

    pages = {}
    for role, name in (("kontaktlaerer", "Kari"), ("helsesykepleier", "Nils")):
        page = browser.new_context(locale="nb-NO").new_page()
        page.goto(f"{base}/drills/join/{code}")
        page.get_by_label("Navnet ditt").fill(name)
        page.get_by_role("button", name="Bli med").click()
        page.wait_for_url(f"{base}/drills/{public_id}/play*")
        pages[role] = page
    with live_server.app.app_context():
        for role, name in (("kontaktlaerer", "Kari"), ("helsesykepleier", "Nils")):
            person = db.session.scalar(
                select(Participant).where(Participant.drill_id == drill_id, Participant.display_name == name)
            )
            db.session.add(RoleAssignment(drill_id=drill_id, role_id=role, participant_id=person.id))
        db.session.commit()
        start_drill(db.session.get(Drill, drill_id))
        db.session.commit()

    teacher, nurse = pages["kontaktlaerer"], pages["helsesykepleier"]
    teacher.reload()
    nurse.reload()
    return teacher, nurse, drill_id


def test_a_new_choice_appears_without_reload_and_the_pick_is_kept(live_server, browser, tmp_path) -> None:
    teacher, nurse, _ = _started(live_server, browser, tmp_path)
    notes = teacher.get_by_label("Be om notatet fra samtalen")
    assert notes.count() == 0
    teacher.get_by_label("Vent").check()  # picked, not confirmed

    nurse.get_by_label("Tilby samtale").check()
    nurse.get_by_role("button", name="Bekreft valget").click()

    notes.wait_for(timeout=8000)  # the poll brings the new choice: no reload
    assert teacher.get_by_label("Vent").is_checked()
    assert not notes.is_checked()


def test_focus_follows_the_person_after_a_confirm_and_when_the_scene_moves_on(
    live_server, browser, tmp_path
) -> None:
    from app.drills.services import record_event
    from app.extensions import db
    from app.models import Drill

    teacher, nurse, drill_id = _started(live_server, browser, tmp_path)
    nurse.get_by_label("Tilby samtale").check()
    nurse.get_by_role("button", name="Bekreft valget").click()
    nurse.wait_for_load_state()
    assert nurse.evaluate("location.hash") == "#decision-heading"  # back where they acted, not at the top

    teacher.get_by_label("Vent").focus()
    with live_server.app.app_context():  # the facilitator moves the team on while the teacher is in the form
        drill = db.session.get(Drill, drill_id)
        assert record_event(drill, {"type": "advance", "scene": drill.state["scene"]}).ok
        db.session.commit()
    focused = ""
    for _ in range(40):  # the page's CSP forbids wait_for_function's eval, so ask every 0.2 s
        teacher.wait_for_timeout(200)
        focused = teacher.evaluate("document.activeElement ? document.activeElement.id : ''")
        if focused == "ending-heading":
            break
    assert focused == "ending-heading", "focus fell out of the swapped screen instead of onto its heading"


def test_a_half_picked_checkpoint_stays_picked_when_the_others_finish_the_scene(
    live_server, browser, tmp_path
) -> None:
    teacher, nurse, _ = _started(live_server, browser, tmp_path)
    nurse.get_by_label("Tilby samtale").check()
    nurse.get_by_role("button", name="Bekreft valget").click()
    nurse.wait_for_load_state()
    nurse.get_by_label("Nivå 1").check()  # picked, not sent

    teacher.get_by_label("Vent").check()  # the last to choose closes the scene
    teacher.get_by_role("button", name="Bekreft valget").click()
    teacher.wait_for_load_state()

    nurse.get_by_role("heading", name="Sjekkpunkt fra «Uke 1»").wait_for(timeout=8000)  # the poll, no reload
    assert nurse.get_by_label("Nivå 1").is_checked()
    nurse.get_by_role("button", name="Send svaret").click()
    nurse.wait_for_load_state()
    assert "Svaret ditt er registrert." in nurse.inner_text("body")
