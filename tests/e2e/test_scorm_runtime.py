"""An exported course run in Chromium under scorm-again, a real SCORM 1.2 run-time acting as the LMS.

The LMS page creates ``window.API = new Scorm12API(...)`` from scorm-again's browser bundle (from
npm, installed by `scripts/test`) and opens the package's launch file in an iframe, as an LMS does.
The tests take the final quiz and read ``cmi.core.lesson_status`` and ``cmi.core.score.raw`` back
from the run-time, and leave and come back to check that ``cmi.suspend_data`` resumes the course.
"""

from __future__ import annotations

import functools
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from courses.check import check_course
from courses.model import Question
from courses.scorm import export_course
from tests.courses.conftest import MINI
from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit

SCORM_AGAIN = Path(__file__).resolve().parents[2] / "build" / "npm" / "node_modules" / "scorm-again" / "dist"

# The LMS: scorm-again's SCORM 1.2 API on window, every value the SCO sets recorded, the SCO in a frame.
# A fragment with saved data is loaded before the SCO starts, as an LMS restores a suspended attempt.
LMS_PAGE = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>Test-LMS</title>
<script src="scorm12.js"></script>
<script>
window.API = new Scorm12API({autocommit: false, logLevel: 5});
window.lms = {values: {}, commits: 0, finished: false};
API.on("LMSSetValue.cmi.*", function (name, value) { lms.values[name] = value; });
API.on("LMSCommit", function () { lms.commits += 1; });
API.on("LMSFinish", function () { lms.finished = true; });
if (location.hash.length > 1) {
  var saved = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  API.loadFromJSON({core: {entry: "resume", lesson_status: saved.status, lesson_location: saved.location},
                    suspend_data: saved.suspend});
}
</script></head>
<body><main><h1>Test-LMS</h1>
<iframe id="sco" title="Kurset" src="sco/index.html" style="width: 100%; height: 80vh"></iframe>
</main></body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def lms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the LMS page, scorm-again and the unzipped package of the fixture course over loopback."""
    if not (SCORM_AGAIN / "scorm12.js").exists():
        pytest.fail("scorm-again is missing: run scripts/test, which installs it from npm.")
    root = tmp_path_factory.mktemp("lms")
    with zipfile.ZipFile(io.BytesIO(export_course(MINI))) as package:
        package.extractall(root / "sco")
    (root / "scorm12.js").write_bytes((SCORM_AGAIN / "scorm12.js").read_bytes())
    (root / "index.html").write_text(LMS_PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="module")
def quiz() -> tuple[Question, ...]:
    course = check_course(MINI).course
    return course.final_quiz.questions


def _open(browser, url: str):
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(url)
    page.wait_for_function("() => window.API && API.cmi.core.lesson_status === 'incomplete'")
    return page, page.frame_locator("#sco")


def _answer(sco, question: Question, right: bool) -> None:
    """Tick the right options, or only wrong ones (the first wrong option)."""
    options = (
        [o for o in question.options if o.correct]
        if right
        else [next(o for o in question.options if not o.correct)]
    )
    for option in options:
        sco.locator(f'input[name="q-{question.id}"][value="{option.id}"]').check()


def _core(page) -> dict[str, str]:
    return page.evaluate(
        """() => ({status: API.cmi.core.lesson_status, raw: API.cmi.core.score.raw,
                   min: API.cmi.core.score.min, max: API.cmi.core.score.max})"""
    )


def test_all_right_answers_pass_with_the_score_in_the_lms(lms, browser, quiz) -> None:
    page, sco = _open(browser, lms)
    sco.get_by_role("link", name="Avsluttende prøve", exact=True).click()
    expect_heading = sco.get_by_role("heading", level=1, name="Avsluttende prøve: Avsluttende prøve")
    assert expect_heading.is_visible()
    for question in quiz:
        _answer(sco, question, right=True)
    sco.get_by_role("button", name="Lever prøven").click()
    assert sco.locator("#quiz-verdict").inner_text() == "Bestått: 100 % riktig."
    assert _core(page) == {"status": "passed", "raw": "100", "min": "0", "max": "100"}
    assert page.evaluate("() => lms.commits") >= 1
    page.context.close()


def test_too_many_wrong_answers_fail_below_the_pass_mark(lms, browser, quiz) -> None:
    page, sco = _open(browser, lms)
    sco.get_by_role("link", name="Avsluttende prøve", exact=True).click()
    sco.get_by_role("button", name="Lever prøven").click()
    error = sco.locator("#quiz-error")
    assert error.inner_text().startswith("Svar på alle spørsmålene før du leverer.")
    assert _core(page)["status"] == "incomplete", "an unanswered quiz reports nothing"
    for number, question in enumerate(quiz):
        _answer(sco, question, right=number < 7)
    sco.get_by_role("button", name="Lever prøven").click()
    assert sco.locator("#quiz-verdict").inner_text() == "Ikke bestått: 70 % riktig. Du trenger 80 %."
    assert _core(page) == {"status": "failed", "raw": "70", "min": "0", "max": "100"}
    # The explanation of a wrongly answered question is shown with the right answer marked.
    last = sco.locator(f'fieldset[data-question="{quiz[-1].id}"]')
    assert last.locator(".explanation").is_visible()
    assert last.locator(".verdict").inner_text() == "Ikke riktig."

    sco.get_by_role("button", name="Ta prøven på nytt").click()
    for question in quiz:
        _answer(sco, question, right=True)
    sco.get_by_role("button", name="Lever prøven").click()
    assert _core(page) == {"status": "passed", "raw": "100", "min": "0", "max": "100"}
    page.context.close()


def test_leaving_and_coming_back_resumes_from_suspend_data(lms, browser, quiz) -> None:
    page, sco = _open(browser, lms)
    sco.get_by_role("link", name="Start", exact=True).click()
    sco.locator('input[name="lq-q-start"][value="b"]').check()
    sco.get_by_role("button", name="Sjekk svaret").first.click()
    assert sco.locator('fieldset[data-question="q-start"] .verdict').inner_text() == "Riktig!"
    sco.get_by_role("button", name="Neste").click()
    sco.get_by_role("button", name="Neste").click()
    sco.get_by_role("link", name="Avsluttende prøve", exact=True).click()
    _answer(sco, quiz[0], right=True)
    sco.get_by_role("link", name="Øving", exact=True).click()

    # The learner closes the course: the SCO suspends and finishes.
    page.locator("#sco").evaluate("frame => { frame.src = 'about:blank'; }")
    page.wait_for_function("() => lms.finished")
    values = page.evaluate("() => lms.values")
    assert values["cmi.core.exit"] == "suspend"
    assert values["cmi.core.lesson_status"] == "incomplete"
    assert values["cmi.core.session_time"].count(":") == 2
    saved = {
        "status": page.evaluate("() => API.cmi.core.lesson_status"),
        "location": values["cmi.core.lesson_location"],
        "suspend": values["cmi.suspend_data"],
    }
    assert len(saved["suspend"]) <= 4096, "SCORM 1.2 keeps at most 4096 characters of suspend data"
    page.context.close()

    page, sco = _open(browser, lms + "#" + quote(json.dumps(saved)))
    assert sco.locator("#lms-status").inner_text() == "Velkommen tilbake. Du fortsetter der du slapp."
    assert sco.get_by_role("heading", level=1, name="Øving").is_visible()
    assert sco.locator('fieldset[data-question="q-start"] .verdict').inner_text() == "Riktig!"
    sco.get_by_role("link", name="Avsluttende prøve", exact=True).click()
    first = quiz[0]
    for option in first.options:
        box = sco.locator(f'input[name="q-{first.id}"][value="{option.id}"]')
        assert box.is_checked() == option.correct
    page.context.close()


def test_the_package_has_no_axe_violations(lms, browser, quiz) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")
    page, sco = _open(browser, lms)
    frame = page.frame(url=lambda url: url.endswith("/sco/index.html"))
    problems = {"start": audit(frame)}
    sco.get_by_role("link", name="Start", exact=True).click()
    sco.get_by_role("button", name="Sjekk svaret").first.click()
    problems["lesson"] = audit(frame)
    sco.get_by_role("link", name="Avsluttende prøve", exact=True).click()
    sco.get_by_role("button", name="Lever prøven").click()
    problems["quiz with errors"] = audit(frame)
    for question in quiz:
        _answer(sco, question, right=True)
    sco.get_by_role("button", name="Lever prøven").click()
    problems["result"] = audit(frame)
    assert {k: v for k, v in problems.items() if v} == {}
    page.context.close()
