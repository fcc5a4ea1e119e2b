"""A person practises alone in Chromium: starts from the catalogue, plays to the end, reads the debrief."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit


@pytest.fixture(scope="module")
def axe_source() -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")


def _log_in(browser, live_server, **options):
    page = browser.new_context(locale="nb-NO", bypass_csp=True, **options).new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("E-postadresse").fill(live_server.facilitator_email)
    page.get_by_label("Passord").fill(live_server.facilitator_password)
    page.get_by_role("button", name="Logg inn").click()
    return page


def test_a_solo_run_from_the_catalogue_ends_in_a_personal_debrief(live_server, browser, axe_source) -> None:
    base = live_server.url
    problems: dict[str, list[str]] = {}
    page = _log_in(browser, live_server, viewport={"width": 390, "height": 844})
    page.goto(f"{base}/solo/")
    problems["catalogue"] = audit(page)

    card = page.locator("li.card", has=page.get_by_role("heading", name="Blåmerker i barnehagen"))
    card.get_by_label("Rollen du spiller").select_option(label="Helsesykepleier")
    card.get_by_label("De andre rollene spilles av").select_option(value="expert")
    card.get_by_role("button", name=re.compile("Start øvelsen")).click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/solo/[\w-]+$"))
    run_url = page.url
    page.get_by_text("Du er").wait_for()
    problems["play (start)"] = audit(page)

    feedback = page.locator("#solo-feedback")
    steps = 0
    while page.get_by_role("link", name="Se din debrief").count() == 0:
        assert steps < 40, "the run did not end"
        previous = page.locator("#solo-feedback-heading").text_content() if steps else None
        radios = page.locator("#solo-play input[name=option]")
        if radios.count():
            radios.first.check()
            page.get_by_role("button", name="Send svaret").first.click()
        else:
            page.locator("#solo-play input[name=choice]").first.check()
            page.get_by_role("button", name="Bekreft valget").click()
        # The feedback on this very step shows up without a page load (htmx swapped it in).
        feedback.locator(".solo-feedback__verdict").wait_for()
        page.wait_for_function(
            "previous => { const h = document.getElementById('solo-feedback-heading');"
            " return h && (previous === null || document.activeElement === h); }",
            arg=previous,
        )
        assert page.url == run_url
        if steps == 0:
            assert feedback.get_by_text(
                re.compile("Du valgte som eksperten|Eksperten ville valgt|svar")
            ).count()
            problems["play (after a choice)"] = audit(page)
        steps += 1
    assert steps >= 3

    page.get_by_role("link", name="Se din debrief").click()
    page.wait_for_url(f"{run_url}/debrief")
    assert page.get_by_role("heading", name="Din debrief", level=1).is_visible()
    assert page.get_by_role("heading", name="Valgene dine mot eksperten").is_visible()
    assert page.get_by_text("Ditt bidrag som Helsesykepleier").is_visible()
    assert page.locator(".choices-made li").count() >= 1
    problems["debrief"] = audit(page)

    # The same pages on a laptop or projector width.
    wide = _log_in(browser, live_server, viewport={"width": 1366, "height": 768})
    for name, url in (("catalogue (wide)", f"{base}/solo/"), ("play, ended (wide)", run_url)):
        wide.goto(url)
        problems[name] = audit(wide)
    wide.goto(f"{run_url}/debrief")
    problems["debrief (wide)"] = audit(wide)

    found = {name: issues for name, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{name}: {issue}" for name, issues in found.items() for issue in issues)


def test_the_play_page_works_without_javascript(live_server, browser) -> None:
    page = _log_in(browser, live_server, java_script_enabled=False)
    page.goto(f"{live_server.url}/solo/")
    card = page.locator("li.card", has=page.get_by_role("heading", name="Ingen holder stafetten"))
    card.get_by_role("button", name=re.compile("Start øvelsen")).click()
    run_url = page.url
    radios = page.locator("#solo-play input[name=option]")
    if radios.count():
        radios.first.check()
        page.get_by_role("button", name="Send svaret").first.click()
    else:
        page.locator("#solo-play input[name=choice]").first.check()
        page.get_by_role("button", name="Bekreft valget").click()
    assert page.url.startswith(run_url)
    assert page.locator("#solo-feedback .solo-feedback__verdict").is_visible()


def test_a_step_sent_without_a_pick_is_marked_in_the_form_by_the_server(
    live_server, browser, axe_source
) -> None:
    page = _log_in(browser, live_server, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/solo/")
    card = page.locator("li.card", has=page.get_by_role("heading", name="Blåmerker i barnehagen"))
    card.get_by_role("button", name=re.compile("Start øvelsen")).click()
    page.get_by_text("Du er").wait_for()
    checkpoint = page.locator("#solo-play input[name=option]").count() > 0
    button = "Send svaret" if checkpoint else "Bekreft valget"
    message = "Velg et svar før du sender." if checkpoint else "Velg hva du vil gjøre før du bekrefter."
    page.get_by_role("button", name=button).first.click()
    # No native bubble: the form is sent, and the server's message sits in the fieldset, tied to it.
    error = page.locator("#solo-play fieldset .field__error", has_text=message)
    error.wait_for()
    fieldset = page.locator("#solo-play fieldset", has=page.locator(".field__error", has_text=message))
    assert fieldset.get_attribute("aria-describedby") == error.get_attribute("id")
    page.wait_for_function(
        "document.activeElement && document.activeElement.getAttribute('aria-invalid') === 'true'"
    )
    assert page.locator("#solo-feedback").get_by_text(message).count() == 0
    assert audit(page) == []
