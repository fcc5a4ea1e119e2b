"""Authoring end to end in real Chromium: import with errors, fix, test-play, review, publish, drill.

An author imports a scenario with errors and sees each at its line; a diagnostic moves the cursor to
its line; the author fixes the text in the editor (autosave and live preview), saves a version,
test-plays a role through the solo player and submits it; a reviewer comments on a line and approves;
a facilitator finds it in the library and runs a drill on it; the author's next version does not
change that drill. axe-core audits every authoring page kind on the way, the editor after an htmx swap.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from scenarios.check import check_source
from tests.conftest import MINIMAL_SCENARIO
from tests.e2e.test_accessibility import audit

PASSWORD = "riktig hest batteri stift"
AUTHOR = "forfatter@fjordvik.test"
REVIEWER = "vurderer@fjordvik.test"
GOOD = MINIMAL_SCENARIO.read_text(encoding="utf-8")
# Two mistakes an author makes: a transition to a scene that does not exist, and a role nobody declared.
BROKEN = GOOD.replace("[God slutt](#slutt-god)", "[God slutt](#slutt-godt)").replace(
    "## Helsesykepleier {.passiv}", "## Rektor {.passiv}"
)
LINES = BROKEN.split("\n")
TARGET_LINE = next(i for i, line in enumerate(LINES, 1) if "#slutt-godt" in line)
ROLE_LINE = next(i for i, line in enumerate(LINES, 1) if line.startswith("## Rektor"))
NEW_INTRO = "Mia (12) har vært mye borte, og nå ringer også bestemor skolen."


@pytest.fixture(scope="module")
def people(live_server):
    """An author and a reviewer in the facilitator's organisation."""
    from app.admin import services as admin_services
    from app.extensions import db
    from app.models import Organisation
    from app.models import Role

    with live_server.app.app_context():
        organisation = db.session.scalar(select(Organisation))
        admin_services.create_user(organisation, AUTHOR, "Anna Forfatter", Role.AUTHOR, PASSWORD)
        admin_services.create_user(organisation, REVIEWER, "Rita Vurderer", Role.AUTHOR, PASSWORD)
        db.session.commit()
    return {"author": AUTHOR, "reviewer": REVIEWER}


def _page(browser):
    # CSP is bypassed only so the audit can inject axe-core; the app's own scripts need no exception.
    return browser.new_context(locale="nb-NO", bypass_csp=True).new_page()


def _login(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/")


def _cursor_line(page) -> int:
    """The line the editor's cursor is on."""
    return page.evaluate(
        "() => { const t = document.getElementById('text'); "
        "return t.value.slice(0, t.selectionStart).split('\\n').length; }"
    )


def test_author_to_reviewer_to_facilitator(live_server, browser, people) -> None:
    base = live_server.url
    problems: dict[str, list[str]] = {}

    # The author imports a file with two errors; the draft is kept and each error shows its line.
    author = _page(browser)
    _login(author, base, AUTHOR)
    author.goto(f"{base}/authoring/")
    problems["workspace"] = audit(author)
    author.get_by_label("Scenariofil (.md)").set_input_files(
        files=[{"name": "mia.md", "mimeType": "text/markdown", "buffer": BROKEN.encode()}]
    )
    author.get_by_role("button", name="Last inn fila").click()
    author.wait_for_url(re.compile(r".*/authoring/[\w-]+/edit$"))
    editor_url = author.url
    public_id = editor_url.split("/")[-2]
    errors = [d for d in check_source(BROKEN).diagnostics if d.severity == "error"]
    assert f"Fila er lastet inn, men har {len(errors)} feil" in author.inner_text("#flashes")
    diagnostics = author.locator(".diagnostic")
    sc001 = diagnostics.filter(has_text="SC001")
    sc007 = diagnostics.filter(has_text="SC007")
    assert sc001.locator(".diagnostic__line").inner_text() == f"Linje {TARGET_LINE}"
    assert sc007.locator(".diagnostic__line").inner_text() == f"Linje {ROLE_LINE}"
    problems["editor"] = audit(author)

    # A diagnostic moves the cursor to its line, without leaving the page.
    sc001.locator(".diagnostic__line").click()
    assert author.url == editor_url
    assert _cursor_line(author) == TARGET_LINE
    assert author.evaluate("() => document.activeElement.id") == "text"

    # The author fixes both errors; the live preview and the autosave follow the typing.
    text = author.locator("#text")
    text.fill(GOOD)
    text.press("End")
    author.locator("#preview-summary", has_text="0 feil").wait_for()
    author.locator("#save-status", has_text="Lagret kl.").wait_for()
    assert author.locator(".diagnostic--error").count() == 0
    author.get_by_label("Rolle", exact=True).select_option("kontaktlaerer")
    author.locator(".role-preview__screen", has_text="Du ser at Mia er sliten.").wait_for()
    problems["editor after preview"] = audit(author)
    author.get_by_label("Hva er endret? (valgfritt)").fill("Rettet lenke og rolle")
    author.get_by_role("button", name="Lagre versjon").click()
    author.wait_for_url(f"{base}/authoring/{public_id}")
    assert "Versjon 1 er lagret." in author.inner_text("#flashes")
    problems["overview"] = audit(author)

    # Test play: the author plays the school nurse through the solo player, the others on the expert path.
    author.get_by_label("Rolle du vil spille").select_option("helsesykepleier")
    author.get_by_role("button", name="Testspill versjon 1").click()
    author.wait_for_url(re.compile(r".*/solo/[\w-]+$"))
    assert author.get_by_role("heading", name="Uke 1").is_visible()
    assert "Du er Helsesykepleier" in author.inner_text("main")
    author.get_by_label("Nivå 0").check()
    author.get_by_role("button", name="Send svaret").click()
    author.get_by_label("Tilby samtale").wait_for()  # the next choice, offered as a radio button
    author.goto(f"{base}/authoring/{public_id}")

    # Submitting for review.
    author.get_by_label("Hvem skal vurdere den?").select_option(label="Rita Vurderer")
    author.get_by_role("button", name="Send til vurdering").click()
    assert "Versjon 1 er sendt til Rita Vurderer for vurdering." in author.inner_text("#flashes")

    # The reviewer finds it, comments on a line and approves.
    reviewer = _page(browser)
    _login(reviewer, base, REVIEWER)
    reviewer.goto(f"{base}/authoring/")
    reviewer.get_by_role("link", name="Et lite scenario").click()
    reviewer.wait_for_url(f"{base}/authoring/{public_id}/review")
    problems["review"] = audit(reviewer)
    reviewer.get_by_label("Linje", exact=True).fill("2")
    reviewer.get_by_label("Kommentar", exact=True).fill("Bruk gjerne en id som sier mer.")
    reviewer.get_by_role("button", name="Lagre kommentaren").click()
    assert "Bruk gjerne en id som sier mer." in reviewer.locator("#line-2").inner_text()
    problems["review with comment"] = audit(reviewer)
    reviewer.get_by_role("button", name="Godkjenn og publiser").click()
    assert "godkjent og publisert" in reviewer.inner_text("#flashes")

    # A facilitator finds it in the library, with license and authors, and runs a drill on it.
    facilitator = _page(browser)
    _login(facilitator, base, live_server.facilitator_email, live_server.facilitator_password)
    facilitator.goto(f"{base}/facilitate/library")
    card = facilitator.locator(".card", has_text="Fjordvik kommune, vurdert og publisert i Laget")
    assert "Et lite scenario" in card.inner_text() and "Lisens" in card.inner_text()
    assert "Anna Forfatter" in card.inner_text()
    problems["library"] = audit(facilitator)
    card.get_by_role("link", name="Lag øvelse").click()
    facilitator.get_by_label("Navn på laget").fill("Lag Fjord")
    facilitator.get_by_role("button", name="Lag øvelsen").click()
    facilitator.wait_for_url(f"{base}/facilitate/drills/*")
    console_url = facilitator.url
    drill_id = console_url.rsplit("/", 1)[-1]
    for role in ("Kontaktlærer", "Helsesykepleier"):
        facilitator.get_by_label(role, exact=True).select_option(label="Spill selv")
    facilitator.get_by_role("button", name="Lagre rollene").click()
    facilitator.get_by_role("button", name="Start øvelsen").click()
    assert "Øvelsen er i gang." in facilitator.inner_text("#flashes")

    # The author edits the case and saves version 2; the running drill keeps version 1's text.
    author.goto(editor_url)
    author.locator("#text").fill(GOOD.replace("Mia (12) har vært mye borte.", NEW_INTRO))
    author.locator("#text").press("End")
    author.locator("#save-status", has_text="Lagret kl.").wait_for()
    author.get_by_role("button", name="Lagre versjon").click()
    assert "Versjon 2 er lagret." in author.inner_text("#flashes")
    author.goto(f"{base}/authoring/{public_id}/versions")
    problems["versions"] = audit(author)
    author.get_by_role("button", name="Sammenlign").click()
    author.wait_for_url(re.compile(r".*/diff\?a=1&b=2$"))
    assert NEW_INTRO in author.inner_text("body")
    problems["diff"] = audit(author)
    author.goto(f"{base}/authoring/{public_id}/graph")
    problems["graph"] = audit(author)
    author.goto(f"{base}/authoring/{public_id}/explore?version=2")
    assert "Metode:" in author.inner_text("body")
    problems["explorer"] = audit(author)

    facilitator.goto(f"{base}/drills/{drill_id}/play?role=kontaktlaerer")
    body = facilitator.inner_text("body")
    assert "Det er mandag." in body and NEW_INTRO not in facilitator.content()
    from app.extensions import db
    from app.models import Drill

    with live_server.app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.public_id == drill_id))
        assert drill.scenario_version.number == 1
        assert drill.scenario.intro.strip() == "Mia (12) har vært mye borte."

    assert {page: found for page, found in problems.items() if found} == {}


def test_a_stale_tab_is_told_its_text_was_not_saved(live_server, browser, people) -> None:
    base = live_server.url
    first = _page(browser)
    _login(first, base, AUTHOR)
    first.goto(f"{base}/authoring/")
    first.get_by_role("button", name="Start fra malen").click()
    first.wait_for_url(re.compile(r".*/authoring/[\w-]+/edit$"))
    second = first.context.new_page()  # the same person in a second tab
    second.goto(first.url)

    first.locator("#text").press("Control+End")
    first.locator("#text").type("\nEn ny linje fra fane 1.")
    first.locator("#save-status", has_text="Lagret kl.").wait_for()

    second.locator("#text").press("Control+End")
    second.locator("#text").type("\nEn linje fra fane 2.")
    second.locator("#save-status", has_text="Ikke lagret:").wait_for()
    assert "endret i en annen fane" in second.inner_text("#save-status")
    # The refused state, on a phone-sized screen too, passes the audit.
    second.set_viewport_size({"width": 390, "height": 844})
    assert audit(second) == []

    from app.extensions import db
    from app.models.authoring import AuthoredScenario

    public_id = first.url.split("/")[-2]
    with live_server.app.app_context():
        scenario = db.session.scalar(select(AuthoredScenario).where(AuthoredScenario.public_id == public_id))
        assert "En ny linje fra fane 1." in scenario.working_text
        assert "fane 2" not in scenario.working_text


LONG_WORD = "Stafettholder" * 300  # one 3,900-character word, as a tester pasted into a comment


def _scenario_in_review() -> str:
    """A scenario with two versions, the second in review with a very long comment; return its public id."""
    from app.authoring import services
    from app.extensions import db
    from app.models import User

    owner = db.session.scalar(select(User).where(User.email == AUTHOR))
    reviewer = db.session.scalar(select(User).where(User.email == REVIEWER))
    first = GOOD.replace("id: minimal", "id: telefon").replace("title: Et lite scenario", "title: Mobilsjekk")
    scenario = services.create_scenario(owner, first)
    services.save_version(scenario, owner, "Første utkast med et ganske langt notat om hva som er endret")
    services.save_working_copy(scenario, first.replace("Mia (12) har vært mye borte.", NEW_INTRO), 1)
    services.save_version(scenario, owner, "Ny innledning")
    services.submit_for_review(scenario, 2, reviewer)
    services.add_comment(scenario, reviewer, 3, LONG_WORD)
    services.add_comment(scenario, reviewer, None, LONG_WORD)
    db.session.commit()
    return scenario.public_id


def test_every_authoring_page_fits_a_phone_and_passes_the_audit(live_server, browser, people) -> None:
    base = live_server.url
    with live_server.app.app_context():
        public_id = _scenario_in_review()
    pages = {
        AUTHOR: [
            "/authoring/",
            f"/authoring/{public_id}",
            f"/authoring/{public_id}/edit",
            f"/authoring/{public_id}/versions",
            f"/authoring/{public_id}/versions/1",
            f"/authoring/{public_id}/diff?a=1&b=2",
            f"/authoring/{public_id}/graph",
            f"/authoring/{public_id}/explore?version=2",
        ],
        REVIEWER: ["/authoring/", f"/authoring/{public_id}/review"],
    }
    problems: dict[str, list[str]] = {}
    too_wide: dict[str, int] = {}
    for email, paths in pages.items():
        page = _page(browser)
        page.set_viewport_size({"width": 390, "height": 844})
        _login(page, base, email)
        for path in paths:
            page.goto(f"{base}{path}")
            problems[path] = audit(page)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 390:
                too_wide[f"{email} {path}"] = width
        page.context.close()
    assert too_wide == {}
    assert {path: found for path, found in problems.items() if found} == {}


def test_graph_nodes_are_not_underlined_and_grow_on_a_projector(live_server, browser, people) -> None:
    base = live_server.url
    page = _page(browser)
    _login(page, base, AUTHOR)
    page.goto(f"{base}/authoring/")
    page.get_by_role("link", name="Mobilsjekk").click()
    public_id = page.url.rstrip("/").split("/")[-1]
    sizes = {}
    for width in (1024, 1920):
        page.set_viewport_size({"width": width, "height": 1080})
        page.goto(f"{base}/authoring/{public_id}/graph")
        title = page.locator(".graph-node-title").first
        assert title.evaluate("e => getComputedStyle(e).textDecorationLine") == "none"
        sizes[width] = title.bounding_box()["height"]
    assert sizes[1920] > sizes[1024] * 1.2
    page.locator(".graph-link").first.focus()
    assert page.locator(".graph-link").first.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
