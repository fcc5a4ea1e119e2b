"""The session's teams side by side in real Chromium: no axe violations on a phone (390 px) or a projector
(1,280 px), and on a phone the table scrolls inside its own focusable region, not the page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import EXPERT_PATH
from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import WAITING_PATH
from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit


def _session(live_server, tmp_path) -> str:
    """A session of three minimal teams by the e2e facilitator: two played to an ending, one ended early."""
    from app.drills.services import record_event
    from app.extensions import db
    from app.facilitate.services import create_drills
    from app.facilitate.services import end_drill
    from app.facilitate.services import start_drill
    from app.facilitate.sessions import create_session
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
        session = create_session(facilitator, "Fagdag mars")
        drills = create_drills(facilitator, version, "Fagdag", 3, session)
        public_id, ids = session.public_id, [drill.id for drill in drills]
        for drill_id in ids:
            kari = Participant(drill_id=drill_id, display_name="Kari")
            db.session.add(kari)
            db.session.flush()
            for role in ("kontaktlaerer", "helsesykepleier"):
                db.session.add(RoleAssignment(drill_id=drill_id, role_id=role, participant_id=kari.id))
        db.session.commit()
        for drill_id, path in zip(ids, (EXPERT_PATH, WAITING_PATH, EXPERT_PATH[:1]), strict=True):
            start_drill(db.session.get(Drill, drill_id))
            db.session.commit()
            for role, choice in path:
                current = db.session.get(Drill, drill_id)
                event = {"type": "choose", "role": role, "choice": choice, "scene": current.state["scene"]}
                assert record_event(current, event).ok
                db.session.commit()
            end_drill(db.session.get(Drill, drill_id))
            db.session.commit()
        return public_id


def _logged_in(live_server, browser, width: int, height: int):
    """A facilitator's page at this size, logged in, with axe allowed in by the CSP."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")
    context = browser.new_context(
        locale="nb-NO", bypass_csp=True, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("E-postadresse").fill(live_server.facilitator_email)
    page.get_by_label("Passord").fill(live_server.facilitator_password)
    page.get_by_role("button", name="Logg inn").click()
    return context, page


def test_the_comparison_has_no_axe_violations_at_390_and_1280_px(live_server, browser, tmp_path) -> None:
    public_id = _session(live_server, tmp_path)
    context, page = _logged_in(live_server, browser, 390, 844)
    page.goto(f"{live_server.url}/facilitate/sessions/{public_id}")
    page.get_by_role("link", name="Sammenlign lagene").click()
    page.wait_for_url(f"{live_server.url}/facilitate/sessions/{public_id}/comparison")
    assert page.get_by_role("row", name="Snitt for økten").is_visible()
    problems = {"390 px": audit(page)}
    # The page itself never scrolls sideways; the table does, in a region the keyboard can reach.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    region = page.get_by_role("region", name="Resultat per lag, sortert etter lagnummer")
    assert region.evaluate("wrap => wrap.scrollWidth > wrap.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("wrap => wrap.scrollLeft > 0", arg=region.element_handle())  # scrolls smoothly
    # The team's name stays in view while the numbers scroll.
    team = page.get_by_role("rowheader", name="Fagdag 1")
    assert team.bounding_box()["x"] >= region.bounding_box()["x"] - 1

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="totalpoeng").click()
    page.wait_for_url("**/comparison?sort=total")
    problems["1280 px, sorted by total"] = audit(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    region = page.get_by_role("region", name="Resultat per lag, sortert etter totalpoeng")
    overflow = region.evaluate("wrap => wrap.scrollWidth - wrap.clientWidth")
    assert overflow <= 0, f"the table is cut off by {overflow} px at 1,280 px"
    context.close()

    found = {width: issues for width, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{width}: {issue}" for width, issues in found.items() for issue in issues)


def test_the_projector_with_one_code_for_every_team_has_no_axe_violations(live_server, browser) -> None:
    from app.extensions import db
    from app.facilitate.services import create_drills
    from app.facilitate.sessions import create_session
    from app.models import ScenarioVersion
    from app.models import User

    with live_server.app.app_context():
        facilitator = db.session.scalar(select(User).where(User.email == live_server.facilitator_email))
        session = create_session(facilitator, "Fagdag april")
        create_drills(facilitator, db.session.scalar(select(ScenarioVersion)), "Fagdag", 2, session)
        db.session.commit()
        public_id, code = session.public_id, session.join_code
    context, page = _logged_in(live_server, browser, 1280, 900)
    problems = {}
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/facilitate/sessions/{public_id}/projector")
        assert page.get_by_role("heading", name="Én kode for alle lagene").is_visible()
        assert page.get_by_text(code, exact=True).is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        problems[f"{width} px"] = audit(page)
    context.close()
    found = {width: issues for width, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{width}: {issue}" for width, issues in found.items() for issue in issues)
