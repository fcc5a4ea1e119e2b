"""A fagdag in real Chromium: one facilitator runs a training session (økt) of two teams of four guests.

Through the real pages only: the facilitator creates the session, the projector shows both codes and
then who has joined, eight guests join on their own devices (some take an open role themselves, the
facilitator casts the rest), one guest loses the session and takes their seat back with the seat code
their screen showed, a broadcast reaches both teams, information one role shares opens a choice on the
receiving role's open screen without a reload, the last to choose sees the outcome of their own
choice and can still answer the checkpoint they left, both teams reach an ending, the overview shows
both ended and both debriefs open. One guest plays with the keyboard alone, and axe checks every kind
of page visited at 390 and 1,280 px.

The scenario is a small fixture (tests/e2e/fixtures/fagdag.md); the test reads which roles share and
need what from the scenario's data, never from its ids or wording.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scenarios.check import check_file
from scenarios.model import And
from scenarios.model import Condition
from scenarios.model import Knows
from scenarios.model import Not
from scenarios.model import Or
from scenarios.model import Scenario
from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "fagdag.md"
WIDTHS = (390, 1280)
POLL_WAIT = 10_000  # ms: a few 2-second polls
# What makes a page scroll sideways: elements that stick out past the right edge, or whose text does.
WIDE = """() => {
  const edge = document.documentElement.clientWidth + 1;
  const out = e => e.getBoundingClientRect().right > edge
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible');
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '');
  return [...document.querySelectorAll('body *')].filter(out).filter(e => ![...e.children].some(out))
    .slice(0, 4).map(name).join('; ');
}"""
BROADCAST = "Lunsj klokka tolv – fortsett der dere er."


@dataclass(frozen=True)
class Reveal:
    """A choice of one role that shares an item, and another role's choice that requires knowing it."""

    sharer: str
    share_choice: str
    receiver: str
    opened_choice: str


def _knows(condition: Condition | None) -> Iterator[Knows]:
    """Every `knows` test in a condition that holds when the item becomes known (not under a negation)."""
    if isinstance(condition, Knows):
        yield condition
    elif isinstance(condition, And | Or):
        for operand in condition.operands:
            yield from _knows(operand)
    elif isinstance(condition, Not):
        return


def find_reveal(scenario: Scenario) -> Reveal:
    """In the first scene: a share by one role that opens a choice of another role, from the data."""
    scene = scenario.start
    assert scene is not None
    for section in scene.roles:
        for choice in section.choices:
            for share in choice.shares:
                for receiver in share.to:
                    other = scene.section(receiver)
                    for opened in other.choices if other else ():
                        needs = {(k.role, k.info) for k in _knows(opened.requires)}
                        if any((receiver, info) in needs for info in share.infos):
                            return Reveal(section.role, choice.id, receiver, opened.id)
    pytest.fail("The fixture scenario has no share that opens another role's choice in its first scene.")


@pytest.fixture(scope="module")
def scenario(live_server) -> Scenario:
    """The fixture scenario, checked and loaded into the live server's library."""
    from app.extensions import db
    from app.library import sync_library

    result = check_file(FIXTURE)
    assert result.ok, result.diagnostics
    with live_server.app.app_context():
        sync_library(FIXTURE.parent)
        db.session.commit()
    return result.scenario


@pytest.fixture(scope="module")
def axe_source() -> None:
    """Fail clearly when axe-core was not installed at set-up."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")


class Audits:
    """axe on every kind of page visited, at a phone's and a projector's width; problems kept by page."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}

    def check(self, page: Any, name: str) -> None:
        size = page.viewport_size
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            self.problems[f"{name} ({width} px)"] = audit(page)
            if width == 390:
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                if scroll > 390:
                    self.problems[f"{name} ({width} px)"].append(
                        f"scrolls sideways: {scroll} px wide, " + page.evaluate(WIDE)
                    )
        page.set_viewport_size(size)

    def found(self) -> dict[str, list[str]]:
        """The pages with problems, each with its list."""
        return {page: issues for page, issues in self.problems.items() if issues}


def _page(browser, width: int = 1280) -> Any:
    """A new person's own browser (context), as wide as their screen."""
    # CSP is bypassed only so axe can be injected; the pages run as they do for people.
    context = browser.new_context(locale="nb-NO", bypass_csp=True, viewport={"width": width, "height": 900})
    return context.new_page()


def _session_drills(live_server, session_public_id: str) -> list[tuple[str, str, str]]:
    """The session's teams in order: (public id, join code, team name)."""
    from app.extensions import db
    from app.models import Drill
    from app.models import TrainingSession

    with live_server.app.app_context():
        session = db.session.scalar(
            select(TrainingSession).where(TrainingSession.public_id == session_public_id)
        )
        drills = db.session.scalars(
            select(Drill).where(Drill.session_id == session.id).order_by(Drill.team_number, Drill.id)
        )
        return [(d.public_id, d.join_code, d.team_name) for d in drills]


def _participants(live_server, public_id: str) -> list[str]:
    """Everyone seated in the drill, by name: a reclaimed seat must not add a second place."""
    from app.extensions import db
    from app.models import Drill
    from app.models import Participant

    with live_server.app.app_context():
        query = select(Participant.display_name).join(Drill).where(Drill.public_id == public_id)
        return list(db.session.scalars(query))


def _focused(page) -> dict[str, str]:
    """What has keyboard focus now, so the keyboard-only player can tell where Tab took them."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e ? e.tagName : '', id: e ? e.id : '', name: e ? (e.getAttribute('name') || '') : '',"
        " value: e ? (e.value || '') : '', text: e ? (e.innerText || '') : ''}; }"
    )


def _tab_to(page, wanted, limit: int = 80) -> dict[str, str]:
    """Press Tab until the focused element is the one wanted: the keyboard alone, no mouse."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    pytest.fail("Tab never reached the control: the page is not usable with the keyboard alone.")


def _keyboard_join(page, base: str, code: str, name: str) -> None:
    """Join from the code's link by typing the name and pressing Enter."""
    page.goto(f"{base}/drills/join/{code}")
    _tab_to(page, lambda f: f["name"] == "display_name")
    page.keyboard.type(name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/play*")


def _keyboard_choose(page, choice_id: str) -> None:
    """Pick a choice with Tab, Space and the arrow keys, then confirm with Enter on the button."""
    _tab_to(page, lambda f: f["name"] == "choice")
    page.keyboard.press("Space")
    for _ in range(20):
        if _focused(page)["value"] == choice_id:
            break
        page.keyboard.press("ArrowDown")
    assert _focused(page)["value"] == choice_id
    page.keyboard.press("Space")
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and "Bekreft valget" in f["text"])
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _click_choose(page, label: str) -> None:
    """Pick a choice by its label and confirm it, as most people do on a phone."""
    page.locator("form.choices").get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Bekreft valget").click()
    page.wait_for_load_state()


def test_a_fagdag_of_two_teams(live_server, browser, axe_source, scenario) -> None:
    base = live_server.url
    audits = Audits()
    reveal = find_reveal(scenario)
    first = scenario.start
    roles = [role.id for role in scenario.meta.roles]
    assert len(roles) == 4

    # The facilitator logs in and creates a training session of two teams.
    facilitator = _page(browser)
    facilitator.goto(f"{base}/auth/login")
    audits.check(facilitator, "login")
    facilitator.get_by_label("E-postadresse").fill(live_server.facilitator_email)
    facilitator.get_by_label("Passord").fill(live_server.facilitator_password)
    facilitator.get_by_role("button", name="Logg inn").click()
    facilitator.goto(f"{base}/facilitate/drills/new")
    audits.check(facilitator, "new drill")
    facilitator.get_by_label(scenario.meta.title).check()
    facilitator.get_by_label("Navn på laget").fill("Lag")
    facilitator.get_by_label("Antall lag").fill("2")
    facilitator.get_by_label("Navn på økten").fill("Fagdag i Fjordvik")
    facilitator.get_by_role("button", name="Lag øvelsen").click()
    facilitator.wait_for_url(f"{base}/facilitate/sessions/*")
    overview = facilitator.url
    teams = _session_drills(live_server, overview.rsplit("/", 1)[1])
    assert len(teams) == 2
    audits.check(facilitator, "session overview (lobby)")

    # The projector shows both teams' codes.
    projector = _page(browser)
    projector.context.add_cookies(facilitator.context.cookies())
    projector.goto(f"{overview}/projector")
    tiles = projector.inner_text(".team-tiles")
    for _public_id, code, team_name in teams:
        assert code in tiles and team_name in tiles
    audits.check(projector, "projector (codes)")

    # Both teams let the participants take an open role themselves.
    for public_id, _code, _name in teams:
        facilitator.goto(f"{base}/facilitate/drills/{public_id}")
        facilitator.get_by_role("button", name="La deltakerne ta en ledig rolle selv").click()
        facilitator.wait_for_load_state()
    audits.check(facilitator, "console (lobby, open roles)")

    # Eight guests join, four per team. In team 1 the receiver of the shared item plays by keyboard alone.
    names = [["Kari", "Nils", "Per", "Siri"], ["Ola", "Ina", "Tor", "Eva"]]
    pages: list[dict[str, Any]] = [{}, {}]
    cast: list[dict[str, str]] = [{}, {}]  # role -> name
    keyboard = names[0][1]
    for team, (public_id, code, _team_name) in enumerate(teams):
        for index, name in enumerate(names[team]):
            page = _page(browser, width=390)
            if name == keyboard:
                _keyboard_join(page, base, code, name)
            else:
                page.goto(f"{base}/drills/join/{code}")
                if team == 0 and index == 0:
                    audits.check(page, "join with code")
                page.get_by_label("Navnet ditt").fill(name)
                page.get_by_role("button", name="Bli med").click()
                page.wait_for_url(f"{base}/drills/{public_id}/play*")
            assert page.get_by_role("heading", name="Du er med").is_visible()
            pages[team][name] = page
    audits.check(pages[0]["Kari"], "participant (lobby, open roles)")

    # The projector's lobby names who has joined, without a reload.
    for team in range(2):
        for name in names[team]:
            projector.locator(".team-tile__names", has_text=name).first.wait_for(timeout=POLL_WAIT)
    audits.check(projector, "projector (joined)")

    # Two people per team take their own role; the keyboard user takes the receiving role with Tab and Enter.
    receiver_name = scenario.role(reveal.receiver).name
    sharer_name = scenario.role(reveal.sharer).name
    _tab_to(pages[0][keyboard], lambda f: f["tag"] == "BUTTON" and receiver_name in f["text"])
    with pages[0][keyboard].expect_navigation():
        pages[0][keyboard].keyboard.press("Enter")
    cast[0][reveal.receiver] = keyboard
    pages[0]["Kari"].reload()
    pages[0]["Kari"].get_by_role("button", name=f"Ta rollen {sharer_name}").click()
    cast[0][reveal.sharer] = "Kari"
    for role_id, name in zip((reveal.sharer, reveal.receiver), names[1][:2], strict=True):
        page = pages[1][name]
        page.reload()
        page.get_by_role("button", name=f"Ta rollen {scenario.role(role_id).name}").click()
        cast[1][role_id] = name
    audits.check(pages[0]["Kari"], "participant (lobby, role taken)")

    # The facilitator casts the two roles left in each team.
    for team, (public_id, _code, _team_name) in enumerate(teams):
        left = [role for role in roles if role not in cast[team]]
        for role_id, name in zip(left, names[team][2:], strict=True):
            cast[team][role_id] = name
        facilitator.goto(f"{base}/facilitate/drills/{public_id}")
        for role_id in left:
            facilitator.get_by_label(scenario.role(role_id).name, exact=True).select_option(
                label=cast[team][role_id]
            )
        facilitator.get_by_role("button", name="Lagre rollene").click()
        facilitator.wait_for_load_state()
    audits.check(facilitator, "console (lobby, cast)")
    by_role = [{role: pages[team][name] for role, name in cast[team].items()} for team in range(2)]

    # «Start alle lag» starts both teams.
    facilitator.goto(overview)
    facilitator.get_by_role("button", name="Start alle lag").click()
    facilitator.wait_for_load_state()
    assert "2 lag er i gang." in facilitator.inner_text("body")
    audits.check(facilitator, "session overview (running)")
    for team in range(2):
        for page in pages[team].values():
            page.reload()
    audits.check(by_role[0][reveal.receiver], "participant (scene)")

    # A guest of team 2 loses the session (a new browser) and takes the seat back with the seat code.
    lost_name = cast[1][reveal.sharer]
    lost = pages[1][lost_name]
    seat_code = lost.inner_text(".seat-code .code").strip()
    lost.context.close()
    again = _page(browser, width=390)
    again.goto(f"{base}/drills/join/{teams[1][1]}")
    again.get_by_label("Navnet ditt").fill(lost_name)
    again.get_by_label("Plasskode").fill(seat_code)
    again.get_by_role("button", name="Bli med").click()
    again.wait_for_url(f"{base}/drills/{teams[1][0]}/play*")
    assert "Velkommen tilbake" in again.inner_text("body")
    assert sharer_name in again.inner_text(".play-bar__role")
    audits.check(again, "participant (rejoined)")
    pages[1][lost_name] = by_role[1][reveal.sharer] = again
    assert sorted(_participants(live_server, teams[1][0])) == sorted(names[1])
    facilitator.goto(f"{base}/facilitate/drills/{teams[1][0]}")
    seats = facilitator.locator("section[aria-labelledby=people-heading] table").inner_text()
    assert seats.count(lost_name) == 1, seats
    assert seats.count(sharer_name) == 1, seats
    audits.check(facilitator, "console (running)")

    # The facilitator's own message reaches every screen of both teams, without a reload.
    facilitator.goto(overview)
    facilitator.get_by_label("Melding", exact=True).fill(BROADCAST)
    facilitator.get_by_role("button", name="Send meldingen").click()
    facilitator.wait_for_load_state()
    assert "Meldingen er sendt til 2 lag." in facilitator.inner_text("body")
    for team in range(2):
        for page in pages[team].values():
            page.get_by_text(BROADCAST).first.wait_for(timeout=POLL_WAIT)
    audits.check(pages[1]["Tor"], "participant (after a broadcast)")

    # Team 1: the sharer's choice opens a choice on the receiver's open screen, without a reload.
    share = first.choice(reveal.sharer, reveal.share_choice)
    opened = first.choice(reveal.receiver, reveal.opened_choice)
    receiver = by_role[0][reveal.receiver]
    opened_radio = receiver.locator("form.choices").get_by_label(opened.label, exact=True)
    assert opened_radio.count() == 0
    _click_choose(by_role[0][reveal.sharer], share.label)
    opened_radio.wait_for(timeout=POLL_WAIT)
    audits.check(receiver, "participant (new choice, after htmx poll)")
    _keyboard_choose(receiver, opened.id)
    assert "Valget ditt er registrert." in receiver.inner_text("body")

    # The others choose; the last to choose sees the outcome of their own choice with the next scene.
    others = [role for role in first.active_roles if role not in (reveal.sharer, reveal.receiver)]
    for position, role_id in enumerate(others):
        page = by_role[0][role_id]
        page.reload()
        choice = next(c for c in first.section(role_id).choices if c.requires is None)
        _click_choose(page, choice.label)
        if position == len(others) - 1:
            outcome = page.get_by_role("heading", name=f"Utfallet av valget ditt i «{first.title}»")
            assert outcome.is_visible()
            body = page.inner_text(".outcome")
            assert choice.label in body
            assert choice.feedback.split(".")[0] in body
            # Nobody answered the scene's checkpoint before choosing: it stays open with the next scene.
            late = page.get_by_role("heading", name=f"Sjekkpunkt fra «{first.title}»")
            assert late.is_visible()
            audits.check(page, "participant (outcome of the last choice, checkpoint still open)")
            checkpoint = first.checkpoints[0]
            answer = next(option for option in checkpoint.options if option.correct)
            form = page.locator(f"section[aria-labelledby='cp-heading-{checkpoint.id}'] form")
            form.get_by_label(answer.label, exact=True).check()
            form.get_by_role("button", name="Send svaret").click()
            page.wait_for_load_state()
            assert "Svaret ditt er registrert." in page.inner_text("body")
            assert late.count() == 0

    # Both teams play on to an ending (team 2 from the start), the keyboard user by keyboard alone.
    for team in range(2):
        _play_to_the_end(scenario, by_role[team], keyboard_page=receiver if team == 0 else None)
    audits.check(receiver, "participant (ending)")

    # The overview shows both teams ended; both debriefs open.
    facilitator.goto(overview)
    assert "0 i gang, 2 avsluttet." in facilitator.inner_text("#session-state")
    audits.check(facilitator, "session overview (ended)")
    for public_id, _code, team_name in teams:
        facilitator.goto(f"{base}/debrief/{public_id}")
        assert facilitator.get_by_role("heading", name=f"Debrief: {team_name}").is_visible()
        assert facilitator.get_by_role("heading", name="Spørsmål til samtalen").is_visible()
        audits.check(facilitator, f"debrief ({team_name})")

    # Observer: a participant who follows a team's screens without a role (issue 12) goes here once the
    # observer role exists: join as observer, see every role's choices, choose nothing, audit the page.

    found = audits.found()
    assert found == {}, "\n".join(f"{page}: {issue}" for page, issues in found.items() for issue in issues)


def _play_to_the_end(scenario: Scenario, pages: dict[str, Any], keyboard_page: Any = None) -> None:
    """Each role takes its expert choice when open (else the first), until every screen shows the ending."""
    for _ in range(12):
        ended = 0
        for role_id, page in pages.items():
            page.reload()
            if page.locator("#ending-heading").count():
                ended += 1
                continue
            form = page.locator("form.choices")
            if not form.count():
                continue
            scene = scenario.scene(form.locator("input[name=scene]").get_attribute("value"))
            offered = form.locator("input[name=choice]").evaluate_all("(inputs) => inputs.map(i => i.value)")
            pick = next((c for c in scene.section(role_id).choices if c.expert and c.id in offered), None)
            choice_id = pick.id if pick else offered[0]
            if page is keyboard_page:
                _keyboard_choose(page, choice_id)
            else:
                _click_choose(page, scene.choice(role_id, choice_id).label)
        if ended == len(pages):
            return
    pytest.fail("The team never reached an ending.")
