"""WCAG 2.1 A/AA checks with axe-core on every kind of page, including states reached through htmx.

axe finds only part of what WCAG asks (about half, by its authors' count), so this is the floor:
keyboard and screen-reader passes are still done by hand. axe-core comes from npm at set-up
(`scripts/test`); the context bypasses CSP only so the test can inject the rules engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

AXE = Path(__file__).resolve().parents[2] / "build" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def resize(page, viewport: dict[str, int]) -> None:
    """Resize the page and let its resize handlers run (two frames), so axe sees the page as laid out
    at that width: without the wait it could run before a table's wrapper was made a tab stop."""
    page.set_viewport_size(viewport)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def audit(page) -> list[str]:
    """Run axe on the page and describe each violation with the elements it found."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def axe_source() -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")


def _context(browser, **options):
    return browser.new_context(locale="nb-NO", bypass_csp=True, **options)


def test_pages_have_no_axe_violations(live_server, browser, axe_source) -> None:
    from app.extensions import db
    from app.models import Drill

    base = live_server.url
    problems: dict[str, list[str]] = {}

    visitor = _context(browser).new_page()
    for path in ("/", "/auth/login", "/drills/join"):
        visitor.goto(base + path)
        problems[path] = audit(visitor)

    facilitator = _context(browser).new_page()
    facilitator.goto(f"{base}/auth/login")
    facilitator.get_by_label("E-postadresse").fill(live_server.facilitator_email)
    facilitator.get_by_label("Passord").fill(live_server.facilitator_password)
    facilitator.get_by_role("button", name="Logg inn").click()
    for path in ("/", "/facilitate/", "/facilitate/library", "/facilitate/drills/new"):
        facilitator.goto(base + path)
        problems[path] = audit(facilitator)
    facilitator.locator("input[name=scenario]").first.check()
    facilitator.get_by_label("Navn på laget").fill("Lag Sør")
    facilitator.get_by_role("button", name="Lag øvelsen").click()
    facilitator.wait_for_url(f"{base}/facilitate/drills/*")
    console = facilitator.url
    problems["console (lobby)"] = audit(facilitator)
    with live_server.app.app_context():
        drill = db.session.scalar(select(Drill).order_by(Drill.id.desc()))
        code, public_id = drill.join_code, drill.public_id
    facilitator.goto(f"{console}/projector")
    problems["projector"] = audit(facilitator)

    # A participant on a phone-sized screen, in the lobby and in a running scene.
    phone = _context(browser, viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{base}/drills/join/{code}")
    problems["join with code"] = audit(phone)
    phone.get_by_label("Navnet ditt").fill("Kari")
    phone.get_by_role("button", name="Bli med").click()
    phone.wait_for_url(f"{base}/drills/{public_id}/play*")
    problems["participant (lobby)"] = audit(phone)
    facilitator.goto(console)
    facilitator.get_by_role("button", name="La deltakerne ta en ledig rolle selv").click()
    phone.reload()
    assert phone.get_by_role("heading", name="Ledige roller").is_visible()
    problems["participant (lobby, open roles)"] = audit(phone)

    facilitator.goto(console)
    for select_box in facilitator.locator("form.assign-form select").all():
        select_box.select_option(label="Kari")
    facilitator.get_by_role("button", name="Lagre rollene").click()
    facilitator.get_by_role("button", name="Start øvelsen").click()
    problems["console (running)"] = audit(facilitator)
    # "Gå til neste scene" asks first: the opened confirmation, with who has not chosen.
    facilitator.locator("summary", has_text="Gå til neste scene").click()
    assert facilitator.get_by_role("button", name="Ja, gå til neste scene").is_visible()
    problems["console (advance confirmation)"] = audit(facilitator)
    phone.reload()
    problems["participant (scene)"] = audit(phone)
    # The polled fragment swapped in by htmx must stay clean too.
    phone.wait_for_timeout(2500)
    problems["participant (after htmx poll)"] = audit(phone)

    # Marking the drill as a test, then the delete confirmation: as it opens, refused without the tick,
    # and on a phone-sized screen.
    facilitator.goto(console)
    facilitator.get_by_role("button", name="Merk som test").click()
    problems["console (test drill)"] = audit(facilitator)
    facilitator.get_by_role("link", name="Slett testøvelsen …").click()
    facilitator.wait_for_url(f"{console}/delete")
    problems["delete test drill"] = audit(facilitator)
    facilitator.get_by_role("button", name="Slett testøvelsen").click()
    facilitator.wait_for_load_state()
    assert facilitator.get_by_role("alert").count() == 1
    problems["delete test drill (not ticked)"] = audit(facilitator)
    wide = facilitator.viewport_size
    facilitator.set_viewport_size({"width": 390, "height": 844})
    facilitator.goto(f"{console}/delete")
    assert facilitator.evaluate("() => document.documentElement.scrollWidth") <= 390
    problems["delete test drill (390 px)"] = audit(facilitator)
    facilitator.set_viewport_size(wide)

    # Ended before an ending: the debrief opens with the incomplete banner.
    facilitator.goto(console)
    facilitator.locator("summary", has_text="Avslutt øvelsen").click()
    facilitator.get_by_role("button", name="Avslutt nå").click()
    facilitator.goto(f"{base}/debrief/{public_id}")
    assert facilitator.get_by_role("heading", name="Ufullstendig øvelse").is_visible()
    problems["debrief (incomplete)"] = audit(facilitator)

    found = {page: issues for page, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{page}: {issue}" for page, issues in found.items() for issue in issues)


def test_the_audit_catches_a_real_violation(live_server, browser, axe_source) -> None:
    # Guards the guard: if axe silently stopped running, the test above would pass on anything.
    page = _context(browser).new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x.png>')")
    assert any(issue.startswith("image-alt") for issue in audit(page))
