"""LTI 1.3 in Chromium, with the test platform (tests/lti/platform.py) on its own HTTP server.

A learner follows the platform's link: the browser goes through Laget's login initiation, the
platform's auth endpoint and its auto-posted id_token, lands in the course, finishes it and the
final quiz, and the platform's AGS endpoint receives the score. A teacher picks a course in the
deep linking picker and the browser posts the signed answer back to the platform, with Laget's
own Content-Security-Policy in force.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from courses.check import check_course
from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit
from tests.lti.platform import INSTRUCTOR
from tests.lti.platform import PlatformServer
from tests.lti.platform import PreparedLaunch

MINI = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "mini-kurs"
PASSWORD = "riktig hest batteri stift"


@pytest.fixture(scope="module")
def course():
    result = check_course(MINI)
    assert result.ok
    return result.course


@pytest.fixture(scope="module")
def laget(tmp_path_factory):
    """Laget over loopback with only the small fixture course, and an organisation for the platform."""
    from flask_migrate import upgrade
    from waitress.server import create_server

    from app import create_app
    from app.admin import services as admin_services
    from app.extensions import db

    folder = tmp_path_factory.mktemp("lti")
    shutil.copytree(MINI, folder / "courses" / "mini-kurs")
    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'laget.db'}",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            "LOG_LEVEL": "WARNING",
            "COURSE_LIBRARY": str(folder / "courses"),
        }
    )
    with app.app_context():
        upgrade()
        organisation = admin_services.create_organisation("Fjordvik kommune")
        db.session.commit()
        organisation_id = organisation.id
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.effective_port}", organisation_id
    server.close()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def platform(laget):
    """The platform, registered in Laget's database for the organisation."""
    from app.extensions import db
    from app.lti.registration import register_platform

    app, base, organisation_id = laget

    def tool_jwks():
        with urllib.request.urlopen(f"{base}/lti/jwks.json", timeout=10) as response:
            return json.loads(response.read())

    server = PlatformServer(tool_jwks)
    fields = server.registration()
    fields["deployment_ids"] = [fields["deployment_ids"]]
    with app.app_context():
        register_platform(organisation_id, **fields)
        db.session.commit()
    yield server
    server.close()


def _follow_link(browser, base: str, platform: PlatformServer, hint: str):
    """Open the platform's link to Laget in a new window, as KS Læring does with «Åpne i nytt vindu»."""
    page = browser.new_context(locale="nb-NO").new_page()
    query = urlencode(platform.login_initiation(hint, f"{base}/lti/launch"))
    page.goto(f"{base}/lti/login?{query}")
    return page


def _finish_lessons(page, base: str, course) -> None:
    for number, lesson in enumerate(course.lessons):
        page.wait_for_url(f"{base}/courses/{course.meta.id}/{lesson.id}")
        for question in lesson.questions:
            block = page.locator(f"#question-{question.id}")
            for option in (o for o in question.options if o.correct):
                block.locator(f'input[value="{option.id}"]').check()
                if question.kind != "multiple":
                    break
            block.get_by_role("button", name="Sjekk svaret").click()
            block.locator(".lesson-verdict").wait_for()
        last = number + 1 == len(course.lessons)
        name = "Marker som fullført og gå til prøven" if last else "Marker som fullført og gå videre"
        page.get_by_role("button", name=name).click()


def _wait_for(condition, seconds: float = 20.0) -> None:
    """Wait until the background sender has done its work (a condition, not a timing)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the platform never received the score")
        time.sleep(0.1)


def test_a_learner_launched_from_the_platform_finishes_the_quiz_and_the_score_reaches_it(
    laget, platform, browser, course
) -> None:
    from app.lti.grades import start_sender

    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")
    app, base, _ = laget
    platform.prepare(
        "kari",
        PreparedLaunch(
            sub="moodle-user-17",
            name="Kari Lærer",
            target=f"course/{course.meta.id}",
            lineitem="/lineitems/3",
        ),
    )
    page = _follow_link(browser, base, platform, "kari")
    page.wait_for_url(f"{base}/courses/{course.meta.id}")
    assert page.get_by_role("heading", level=1).inner_text().startswith(course.meta.title)
    assert "Kari Lærer" in page.inner_text("header")
    assert audit(page) == []

    page.get_by_role("link", name="Start første leksjon").click()
    _finish_lessons(page, base, course)
    page.wait_for_url(f"{base}/courses/{course.meta.id}/quiz")
    for question in course.final_quiz.questions:
        chosen = [o for o in question.options if o.correct]
        for option in chosen if question.kind == "multiple" else chosen[:1]:
            page.locator(f'input[name="q-{question.id}"][value="{option.id}"]').check()
    page.get_by_role("button", name="Lever prøven").click()
    page.wait_for_url(f"{base}/courses/{course.meta.id}/quiz/*")
    assert "100 % riktig" in page.inner_text("body")

    app.config["LTI_SEND_INTERVAL"] = 0.2
    sender = start_sender(app)
    try:
        _wait_for(lambda: platform.scores)
    finally:
        sender.stop()
    ((lineitem, score),) = platform.scores
    assert lineitem == "/lineitems/3"
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("moodle-user-17", 100, 100)
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"


def test_a_teacher_picks_a_course_and_the_browser_posts_the_signed_answer_to_the_platform(
    laget, platform, browser, course
) -> None:
    _, base, _ = laget
    platform.prepare(
        "laerer",
        PreparedLaunch(sub="moodle-user-2", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest"),
    )
    page = _follow_link(browser, base, platform, "laerer")
    page.wait_for_url(f"{base}/lti/pick")
    assert audit(page) == []
    page.get_by_role("button", name="Legg til i læringsplattformen").click()
    # Nothing picked: the page comes back with the error.
    assert "Velg et kurs eller et scenario." in page.inner_text("main")
    page.get_by_role("radio", name=course.meta.title).check()
    page.get_by_role("button", name="Legg til i læringsplattformen").click()
    assert audit(page) == []
    page.get_by_role("button", name="Send til læringsplattformen").click()
    page.wait_for_url(platform.url("/deep-link-return"))
    assert page.get_by_role("heading", name="Lagt til").is_visible()
    (token,) = platform.deep_link_responses
    from joserfc import jwt
    from joserfc.jwk import KeySet

    claims = jwt.decode(token, KeySet.import_key_set(platform.tool_jwks()), algorithms=["RS256"]).claims
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"laget": f"course/{course.meta.id}"}


def test_a_forged_launch_shows_why_it_was_refused(laget, platform, browser) -> None:
    _, base, _ = laget
    platform.prepare("falsk", PreparedLaunch(sub="moodle-user-9", forged=True))
    page = _follow_link(browser, base, platform, "falsk")
    page.wait_for_url(f"{base}/lti/launch")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Innloggingen fra læringsplattformen ble avvist"
    )
    assert (
        "Signaturen på innloggingen fra læringsplattformen stemmer ikke."
        in page.get_by_role("alert").inner_text()
    )
    assert audit(page) == []


def test_an_admin_registers_a_platform_on_a_phone(laget, browser) -> None:
    from app.admin import services as admin_services
    from app.extensions import db
    from app.models import Organisation
    from app.models import Role

    app, base, organisation_id = laget
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        admin_services.create_user(organisation, "admin@fjordvik.test", "Åse Admin", Role.ADMIN, PASSWORD)
        db.session.commit()
    page = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-postadresse").fill("admin@fjordvik.test")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Læringsplattformer (LTI 1.3)").click()
    assert f"{base}/lti/jwks.json" in page.inner_text("main")
    assert audit(page) == []
    page.get_by_role("link", name="Registrer en læringsplattform").click()
    page.get_by_label("Navn").fill("KS Læring")
    page.get_by_label("Utsteder (issuer)").fill("https://kslaering.test")
    page.get_by_label("Klient-ID").fill("abc123")
    page.get_by_label("Utrullings-ID-er (deployment ID)").fill("7\n8")
    page.get_by_label("Adresse for innlogging (authentication request URL)").fill(
        "https://kslaering.test/auth"
    )
    page.get_by_label("Adresse for tilgangsnøkler (access token URL)").fill("ikke en adresse")
    page.get_by_label("Adresse til plattformens nøkler (public keyset URL)").fill(
        "https://kslaering.test/jwks"
    )
    page.get_by_role("button", name="Registrer plattformen").click()
    assert "Skriv en hel adresse som begynner med https://." in page.inner_text("main")
    assert audit(page) == []
    page.get_by_label("Adresse for tilgangsnøkler (access token URL)").fill("https://kslaering.test/token")
    page.get_by_role("button", name="Registrer plattformen").click()
    page.wait_for_url(f"{base}/admin/lti/")
    assert "Læringsplattformen KS Læring er registrert." in page.inner_text("main")
    assert "7, 8" in page.get_by_role("row", name="KS Læring").inner_text()
    # Nothing sticks out sideways on a phone.
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391"
        " && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className)"
    )
    assert wide == []
