"""A whole team drill in real Chromium: a facilitator and four participants on their own devices.

The facilitator logs in and creates a drill; four people join by code in four browser contexts and
take the four roles; each sees only their own role's private text; an inject reaches exactly the
roles it targets; a participant who tries another role's screen or the console gets 403; and the
team plays a built-in scenario to an ending that every role sees; then the facilitator opens the
debrief and downloads its PDF report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from scenarios.check import check_file

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "library"
SCENARIO_FILE = LIBRARY / "fravaer-og-hodepine.md"
PEOPLE = {
    "kontaktlaerer": "Kari Lærer",
    "ppt": "Per PPT",
    "bvt": "Bodil Barnevern",
    "helsesykepleier": "Hanne Helse",
}


@pytest.fixture(scope="module")
def scenario():
    result = check_file(SCENARIO_FILE)
    assert result.ok
    return result.scenario


def _latest_drill(live_server):
    from app.extensions import db
    from app.models import Drill

    with live_server.app.app_context():
        drill = db.session.scalar(select(Drill).order_by(Drill.id.desc()))
        return drill.public_id, drill.join_code


def _visible_text(page, selector: str) -> str:
    locator = page.locator(selector)
    return locator.first.inner_text() if locator.count() else ""


def test_team_plays_a_drill_to_the_end(live_server, browser, scenario) -> None:
    base = live_server.url

    # The facilitator logs in and creates a drill of a built-in scenario.
    facilitator = browser.new_context(locale="nb-NO").new_page()
    facilitator.goto(f"{base}/auth/login")
    facilitator.get_by_label("E-postadresse").fill(live_server.facilitator_email)
    facilitator.get_by_label("Passord").fill(live_server.facilitator_password)
    facilitator.get_by_role("button", name="Logg inn").click()
    facilitator.goto(f"{base}/facilitate/drills/new")
    facilitator.get_by_label(scenario.meta.title).check()
    facilitator.get_by_label("Navn på laget").fill("Lag Nord")
    facilitator.get_by_role("button", name="Lag øvelsen").click()
    facilitator.wait_for_url(f"{base}/facilitate/drills/*")
    console_url = facilitator.url
    public_id, join_code = _latest_drill(live_server)
    assert join_code and join_code in facilitator.content()

    # Four people join by code, each in their own browser context (their own phone).
    pages = {}
    for role, name in PEOPLE.items():
        page = browser.new_context(locale="nb-NO").new_page()
        page.goto(f"{base}/drills/join/{join_code}")
        page.get_by_label("Navnet ditt").fill(name)
        page.get_by_role("button", name="Bli med").click()
        page.wait_for_url(f"{base}/drills/{public_id}/play*")
        assert page.get_by_role("heading", name="Du er med").is_visible()
        pages[role] = page

    # The facilitator casts the roles and starts.
    facilitator.goto(console_url)
    for role in scenario.meta.roles:
        facilitator.get_by_label(role.name, exact=True).select_option(label=PEOPLE[role.id])
    facilitator.get_by_role("button", name="Lagre rollene").click()
    facilitator.get_by_role("button", name="Start øvelsen").click()

    # Each sees their own private text, and never another role's.
    private = {}
    for role, page in pages.items():
        page.reload()
        assert page.get_by_text(f"Du er {scenario.role(role).name}").count() or scenario.role(role).name in (
            page.inner_text(".play-bar__role")
        )
        private[role] = _visible_text(page, ".private .prose")
        assert private[role], f"{role} has no private text in the first scene"
    for role, page in pages.items():
        text = page.inner_text("body")
        for other, other_text in private.items():
            if other != role:
                assert other_text not in text, f"{role} can see {other}'s private text"
        # Information held by others at the start is not on this role's screen either.
        for info in scenario.infos:
            if info.holders and role not in info.holders:
                assert info.text.splitlines()[0][:60] not in text, f"{role} sees {info.id}"

    # A participant cannot open another role's screen or the facilitator console.
    teacher = pages["kontaktlaerer"]
    response = teacher.goto(f"{base}/drills/{public_id}/play?role=bvt")
    assert response is not None and response.status == 403
    response = teacher.goto(console_url)
    assert response is not None and response.status == 403
    teacher.goto(f"{base}/drills/{public_id}/play")

    # The facilitator fires an inject; exactly its target roles see it.
    inject = next(i for i in scenario.injects if i.to and set(i.to) != set(PEOPLE))
    facilitator.goto(console_url)
    facilitator.locator(f"#fire-{inject.id}").click()
    for role, page in pages.items():
        page.reload()
        seen = page.locator(".inject h3", has_text=inject.title).count() > 0
        assert seen == (role in inject.to), f"inject {inject.id} seen by {role}: {seen}"

    # The team plays on, each role taking the expert's choice, until the drill ends.
    for _ in range(60):
        ended = 0
        for role, page in pages.items():
            page.reload()
            if page.locator("#ending-heading").count():
                ended += 1
                continue
            form = page.locator("form.choices")
            if not form.count():
                continue
            scene_id = form.locator("input[name=scene]").get_attribute("value")
            scene = scenario.scene(scene_id)
            expert = next((c.id for c in scene.section(role).choices if c.expert), None)
            radio = form.locator(f"input[value='{expert}']")
            (radio if radio.count() else form.locator("input[name=choice]").first).check()
            form.get_by_role("button", name="Bekreft valget").click()
        if ended == len(pages):
            break
    titles = {page.inner_text("#ending-heading") for page in pages.values()}
    assert len(titles) == 1, titles
    ending = next(e for e in scenario.endings if e.title in titles)
    assert ending.rating == "good"  # the expert path leads to the good ending

    facilitator.goto(console_url)
    assert ending.title in facilitator.inner_text("body")

    # The facilitator opens the debrief from the console: scores, divergence, questions, then the PDF.
    facilitator.get_by_role("link", name="Åpne debriefen").click()
    facilitator.wait_for_url(f"{base}/debrief/{public_id}")
    body = facilitator.inner_text("body")
    total = _stored_total(live_server, public_id)
    assert f"Totalt: {total} av 100" in body
    assert facilitator.get_by_role("table", name="Poeng per dimensjon").is_visible()
    assert "Tidlig og riktig eskalering" in body
    divergence = facilitator.get_by_role("heading", name="Der rollene valgte ulikt")
    assert divergence.is_visible()
    assert (
        "Rollene dro i samme retning i alle scenene." in body
        or facilitator.locator("section[aria-labelledby=divergence-heading] h3").count()
    )
    assert facilitator.get_by_role("heading", name="Spørsmål til samtalen").is_visible()
    assert "Hvordan har dere det nå, rett etter øvelsen?" in body
    with facilitator.expect_download() as download_info:
        facilitator.get_by_role("link", name="Last ned rapport (PDF)").click()
    pdf_path = download_info.value.path()
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(pdf_path)).pages)
    assert f"Totalt: {total} av 100" in text


def _stored_total(live_server, public_id: str) -> str:
    """The total of the drill's stored debrief report, as the bokmål pages show it ("86,1")."""
    from app.extensions import db
    from app.models import DebriefReport
    from app.models import Drill

    with live_server.app.app_context():
        total = db.session.scalar(select(DebriefReport.total).join(Drill).where(Drill.public_id == public_id))
    return f"{round(total, 1):.1f}".replace(".", ",").removesuffix(",0")
