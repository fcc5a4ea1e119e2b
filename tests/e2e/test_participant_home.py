"""The participant's home in real Chromium: no axe violations, nothing cut off, on a phone and a projector."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import EXPERT_PATH
from tests.conftest import MINIMAL_SCENARIO
from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit

PARTICIPANT_EMAIL = "deltaker@fjordvik.test"
PASSWORD = "riktig hest batteri stift"
WIDTHS = (390, 1280)


def _ended_drill_of_participant(live_server, tmp_path) -> str:
    """A minimal drill on the expert path in which a participant account plays every role; its public id."""
    from app.admin import services as admin_services
    from app.drills.services import record_event
    from app.extensions import db
    from app.facilitate.services import create_drills
    from app.facilitate.services import start_drill
    from app.library import sync_library
    from app.models import Drill
    from app.models import Participant
    from app.models import Role
    from app.models import RoleAssignment
    from app.models import ScenarioVersion
    from app.models import User

    (tmp_path / "minimal.md").write_text(MINIMAL_SCENARIO.read_text(encoding="utf-8"), encoding="utf-8")
    with live_server.app.app_context():
        sync_library(tmp_path)
        version = db.session.scalar(select(ScenarioVersion).where(ScenarioVersion.scenario_key == "minimal"))
        facilitator = db.session.scalar(select(User).where(User.email == live_server.facilitator_email))
        member = admin_services.create_user(
            facilitator.organisation, PARTICIPANT_EMAIL, "Dina Deltaker", Role.PARTICIPANT, PASSWORD
        )
        drill = create_drills(facilitator, version, "Lag Nord", 1)[0]
        seat = Participant(drill_id=drill.id, display_name=member.display_name, user_id=member.id)
        db.session.add(seat)
        db.session.flush()
        for role in version.scenario.role_ids:
            db.session.add(RoleAssignment(drill_id=drill.id, role_id=role, participant_id=seat.id))
        db.session.commit()
        start_drill(db.session.get(Drill, drill.id))
        db.session.commit()
        for role, choice in EXPERT_PATH:
            current = db.session.get(Drill, drill.id)
            event = {"type": "choose", "role": role, "choice": choice, "scene": current.state["scene"]}
            assert record_event(current, event).ok
            db.session.commit()
        assert db.session.get(Drill, drill.id).status == "ended"
        return drill.public_id


def test_my_drills_and_own_debrief_pass_axe_at_phone_and_projector_width(live_server, browser, tmp_path):
    assert AXE.exists(), "axe-core is missing: run scripts/test, which installs it from npm."
    public_id = _ended_drill_of_participant(live_server, tmp_path)
    problems: dict[str, list[str]] = {}
    for width in WIDTHS:
        context = browser.new_context(
            locale="nb-NO", bypass_csp=True, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/my-drills/")
        assert page.get_by_text("Du har ikke vært med på noen øvelser ennå.").is_visible()
        problems[f"empty, {width} px"] = audit(page)

        page.goto(f"{live_server.url}/auth/login")
        page.get_by_label("E-postadresse").fill(PARTICIPANT_EMAIL)
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Mine øvelser").click()
        page.wait_for_url(f"{live_server.url}/my-drills/")
        assert page.get_by_role("heading", name="Et lite scenario").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        problems[f"my drills, {width} px"] = audit(page)

        page.get_by_role("link", name="Din debrief").click()
        page.wait_for_url(f"{live_server.url}/debrief/{public_id}/mine")
        assert page.get_by_role("link", name="Last ned debriefen din (PDF)").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        problems[f"own debrief, {width} px"] = audit(page)
        context.close()

    found = {name: issues for name, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{name}: {issue}" for name, issues in found.items() for issue in issues)
