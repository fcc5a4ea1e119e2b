"""An observer in real Chromium: the facilitator adds one from the console, the observer opens every role's
screen with the code on a phone, takes a note through htmx, and the facilitator's debrief shows it beside
the timeline. axe-core checks the new pages at 390 px and 1,280 px."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import WAITING_PATH
from tests.e2e.test_accessibility import _context
from tests.e2e.test_accessibility import audit

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 900}


def _running_drill(live_server, tmp_path) -> tuple[str, list[str]]:
    """A running minimal drill of the e2e facilitator, Kari playing every role; its id and role names."""
    from app.extensions import db
    from app.facilitate.services import create_drills
    from app.facilitate.services import start_drill
    from app.library import sync_library
    from app.models import Drill
    from app.models import Participant
    from app.models import RoleAssignment
    from app.models import ScenarioVersion
    from app.models import User

    (tmp_path / "minimal.md").write_text(MINIMAL_SCENARIO.read_text(encoding="utf-8"), encoding="utf-8")
    with live_server.app.app_context():
        sync_library(tmp_path)
        version = db.session.scalar(select(ScenarioVersion).where(ScenarioVersion.scenario_key == "minimal"))
        facilitator = db.session.scalar(select(User).where(User.email == live_server.facilitator_email))
        drill = create_drills(facilitator, version, "Lag Observert", 1)[0]
        kari = Participant(drill_id=drill.id, display_name="Kari")
        db.session.add(kari)
        db.session.flush()
        for role in version.scenario.role_ids:
            db.session.add(RoleAssignment(drill_id=drill.id, role_id=role, participant_id=kari.id))
        db.session.commit()
        start_drill(db.session.get(Drill, drill.id))
        db.session.commit()
        return drill.public_id, [role.name for role in version.scenario.meta.roles]


def _play_to_the_end(live_server, public_id: str) -> str:
    """Let the team play to an ending through the runtime; return the title of the first scene."""
    from app.drills.services import record_event
    from app.extensions import db
    from app.models import Drill

    with live_server.app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.public_id == public_id))
        first = drill.scenario.scene(drill.state["scene"]).title
        for role, choice in WAITING_PATH:
            current = db.session.get(Drill, drill.id)
            event = {"type": "choose", "role": role, "choice": choice, "scene": current.state["scene"]}
            assert record_event(current, event).ok
            db.session.commit()
        assert db.session.get(Drill, drill.id).status == "ended"
        return first


def test_an_observer_takes_a_note_that_the_debrief_shows(live_server, browser, tmp_path) -> None:
    from tests.e2e.test_accessibility import AXE

    assert AXE.exists(), "axe-core is missing: run scripts/test, which installs it from npm."
    public_id, role_names = _running_drill(live_server, tmp_path)
    base = live_server.url
    problems: dict[str, list[str]] = {}

    facilitator = _context(browser, viewport=PROJECTOR).new_page()
    facilitator.goto(f"{base}/auth/login")
    facilitator.get_by_label("E-postadresse").fill(live_server.facilitator_email)
    facilitator.get_by_label("Passord").fill(live_server.facilitator_password)
    facilitator.get_by_role("button", name="Logg inn").click()
    facilitator.goto(f"{base}/facilitate/drills/{public_id}")
    facilitator.get_by_label("Observatørens navn").fill("Olga Observatør")
    facilitator.get_by_role("button", name="Legg til observatør").click()
    flash = facilitator.locator(".flash--success").first.inner_text()
    code = re.search(r"med koden ([A-Z0-9]{6})", flash).group(1)
    problems["console with observers, 1280 px"] = audit(facilitator)
    facilitator.set_viewport_size(PHONE)
    problems["console with observers, 390 px"] = audit(facilitator)

    observer = _context(browser, viewport=PHONE).new_page()
    observer.goto(f"{base}/observe/")
    problems["observer code form, 390 px"] = audit(observer)
    observer.get_by_label("Observatørkode").fill(code.lower())
    observer.get_by_role("button", name="Observer").click()
    observer.get_by_role("heading", name="Observatør: Lag Observert").wait_for()
    for name in role_names:
        assert observer.get_by_role("heading", name=name, exact=True).is_visible()
    assert observer.locator("input[name=choice], input[name=option]").count() == 0
    problems["observer screen, 390 px"] = audit(observer)

    note = observer.get_by_label("Notat", exact=True)
    note.fill("Kari delte fraværet uten å spørre om samtykke først.")
    observer.get_by_role("button", name="Lagre notatet").click()
    observer.locator("#note-status", has_text="Notatet er lagret.").wait_for(state="attached")
    saved = observer.locator(".observe-notes__list li").first
    assert "Kari delte fraværet uten å spørre om samtykke først." in saved.inner_text()
    assert "Olga Observatør" in saved.inner_text()
    assert observer.evaluate("() => document.activeElement.id") == "note-text"
    assert note.input_value() == ""

    # An empty note is refused in words, tied to the field; the saved note stays the only one.
    observer.get_by_role("button", name="Lagre notatet").click()
    observer.get_by_text("Skriv notatet før du lagrer.").first.wait_for()
    assert note.get_attribute("aria-invalid") == "true"
    assert observer.locator(".observe-notes__list li").count() == 1
    problems["observer screen with an error, 390 px"] = audit(observer)
    observer.set_viewport_size(PROJECTOR)
    problems["observer screen, 1280 px"] = audit(observer)

    first_scene = _play_to_the_end(live_server, public_id)
    facilitator.set_viewport_size(PROJECTOR)
    facilitator.goto(f"{base}/debrief/{public_id}")
    row = facilitator.locator("section[aria-labelledby=timeline-heading] tbody tr", has_text=first_scene)
    assert "Kari delte fraværet uten å spørre om samtykke først." in row.inner_text()
    assert "Olga Observatør" in row.inner_text()
    problems["debrief with notes, 1280 px"] = audit(facilitator)
    facilitator.set_viewport_size(PHONE)
    problems["debrief with notes, 390 px"] = audit(facilitator)

    assert {page: found for page, found in problems.items() if found} == {}
