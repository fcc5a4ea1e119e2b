"""Defect 7 in real Chromium: the debrief chart's labels stay readable on a phone, and its table is not cut
off on a laptop."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import WAITING_PATH


def _ended_drill(live_server, tmp_path) -> str:
    """A minimal drill played to an ending through the runtime, by the e2e facilitator; its public id."""
    from app.drills.services import record_event
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
        drill = create_drills(facilitator, version, "Lag Nord", 1)[0]
        kari = Participant(drill_id=drill.id, display_name="Kari")
        db.session.add(kari)
        db.session.flush()
        for role in ("kontaktlaerer", "helsesykepleier"):
            db.session.add(RoleAssignment(drill_id=drill.id, role_id=role, participant_id=kari.id))
        db.session.commit()
        start_drill(db.session.get(Drill, drill.id))
        db.session.commit()
        for role, choice in WAITING_PATH:
            current = db.session.get(Drill, drill.id)
            event = {"type": "choose", "role": role, "choice": choice, "scene": current.state["scene"]}
            assert record_event(current, event).ok
            db.session.commit()
        assert db.session.get(Drill, drill.id).status == "ended"
        return drill.public_id


def test_chart_labels_are_readable_at_390_px_and_the_table_fits_at_1280(
    live_server, browser, tmp_path
) -> None:
    public_id = _ended_drill(live_server, tmp_path)
    page = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("E-postadresse").fill(live_server.facilitator_email)
    page.get_by_label("Passord").fill(live_server.facilitator_password)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(f"{live_server.url}/debrief/{public_id}")
    chart = page.locator("svg.debrief-chart__svg")
    scale = chart.bounding_box()["width"] / float(chart.get_attribute("viewBox").split()[2])
    sizes = [
        float(size) * scale
        for size in chart.locator("text").evaluate_all("ts => ts.map(t => t.getAttribute('font-size'))")
    ]
    assert sizes and min(sizes) >= 12, f"chart text is {min(sizes):.1f} px on a phone"

    page.set_viewport_size({"width": 1280, "height": 900})
    table = page.locator(".debrief-chart .table-wrap")
    overflow = table.evaluate("wrap => wrap.scrollWidth - wrap.clientWidth")
    assert overflow <= 0, f"the score table is cut off by {overflow} px at 1,280 px"
