"""A learner takes a whole course in real Chromium, and the unit leader then sees the certificate.

The learner works through every lesson of «Bekymringssamtalen» (answering every lesson question
through htmx, since a lesson only counts as completed once its questions are answered), fails the
final quiz once, passes on the retry with the questions in a new order, downloads the certificate
(its PDF text checked for name, course and validity date), and the unit leader's overview shows the
learner as valid until that date. Every page kind is audited with axe.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.dates import format_date
from pypdf import PdfReader

from courses.check import check_course
from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit

COURSE_FOLDER = Path(__file__).resolve().parents[2] / "courses" / "library" / "bekymringssamtalen"
PASSWORD = "riktig hest batteri stift"
LEARNER = ("kari.laerer@fjordvik.test", "Kari Lærer")
LEADER = ("lars.leder@fjordvik.test", "Lars Leder")


@pytest.fixture(scope="module")
def course():
    result = check_course(COURSE_FOLDER)
    assert result.ok
    return result.course


@pytest.fixture(scope="module")
def people(live_server):
    """A learner in the school, and a participant who leads the school (a unit leader)."""
    from app.admin import services as admin_services
    from app.extensions import db
    from app.models import Organisation
    from app.models import Role
    from app.models.learning import UnitLeader

    with live_server.app.app_context():
        organisation = Organisation.by_slug("fjordvik-kommune")
        school = admin_services.create_unit(organisation, "Fjordvik skole")
        learner = admin_services.create_user(organisation, *LEARNER, Role.PARTICIPANT, PASSWORD)
        leader = admin_services.create_user(organisation, *LEADER, Role.PARTICIPANT, PASSWORD)
        learner.unit_id = school.id
        leader.unit_id = school.id
        db.session.add(UnitLeader(user_id=leader.id, unit_id=school.id))
        db.session.commit()


def _login(browser, base: str, email: str):
    page = browser.new_context(locale="nb-NO", bypass_csp=True).new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/")
    return page


def _quiz_order(page) -> list[str]:
    return page.locator("form.quiz input[type=radio], form.quiz input[type=checkbox]").evaluate_all(
        "inputs => inputs.map(i => i.name + '=' + i.value)"
    )


def _answer_quiz(page, course, right: bool) -> None:
    for question in course.final_quiz.questions:
        options = [o for o in question.options if o.correct == right]
        chosen = options if question.kind == "multiple" else options[:1]
        for option in chosen:
            page.locator(f'input[name="q-{question.id}"][value="{option.id}"]').check()
    page.get_by_role("button", name="Lever prøven").click()


def test_learner_completes_a_course_and_the_leader_sees_it(live_server, browser, course, people) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")
    base = live_server.url
    problems: dict[str, list[str]] = {}
    title = course.meta.title

    learner = _login(browser, base, LEARNER[0])
    assert learner.get_by_role("link", name=title).first.is_visible()  # due on the home page
    problems["home"] = audit(learner)
    learner.goto(f"{base}/courses/")
    problems["catalogue"] = audit(learner)
    learner.get_by_role("heading", name=title).get_by_role("link").click()
    learner.wait_for_url(f"{base}/courses/{course.meta.id}")
    problems["course"] = audit(learner)
    learner.get_by_role("link", name="Start første leksjon").click()

    for number, lesson in enumerate(course.lessons):
        learner.wait_for_url(f"{base}/courses/{course.meta.id}/{lesson.id}")
        assert learner.get_by_role("heading", level=1).inner_text().startswith(lesson.title)
        if number == 0:
            problems["lesson"] = audit(learner)
            question = lesson.questions[0]
            block = learner.locator(f"#question-{question.id}")
            right = next(o for o in question.options if o.correct)
            block.locator(f'input[value="{right.id}"]').check()
            block.get_by_role("button", name="Sjekk svaret").click()
            block.get_by_text("Riktig!").wait_for()
            assert right.feedback.split(".")[0] in block.inner_text()
            assert learner.url.endswith(f"/{lesson.id}")  # swapped in place, not a page load
            # Focus moves to the verdict, so keyboard and screen-reader users land on the feedback.
            assert learner.evaluate("document.activeElement.classList.contains('lesson-verdict')")
            problems["lesson (after answer)"] = audit(learner)
        # A lesson is completed only once its questions are answered.
        for question in lesson.questions[1 if number == 0 else 0 :]:
            block = learner.locator(f"#question-{question.id}")
            for option in (o for o in question.options if o.correct):
                block.locator(f'input[value="{option.id}"]').check()
                if question.kind != "multiple":
                    break
            block.get_by_role("button", name="Sjekk svaret").click()
            block.locator(".lesson-verdict").wait_for()
        if number + 1 < len(course.lessons):
            learner.get_by_role("button", name="Marker som fullført og gå videre").click()
        else:
            learner.get_by_role("button", name="Marker som fullført og gå til prøven").click()

    # After the last lesson the quiz opens at once.
    learner.wait_for_url(f"{base}/courses/{course.meta.id}/quiz")
    problems["quiz"] = audit(learner)
    first_order = _quiz_order(learner)
    assert len(first_order) >= 30
    _answer_quiz(learner, course, right=False)
    learner.wait_for_url(f"{base}/courses/{course.meta.id}/quiz/*")
    assert "Ikke bestått." in learner.inner_text("body")
    problems["result (failed)"] = audit(learner)

    learner.get_by_role("link", name="Tilbake til kurset").click()
    body = learner.inner_text("body")
    assert f"{len(course.lessons)} av {len(course.lessons)} leksjoner fullført" in body
    assert "Siste forsøk:" in body
    learner.go_back()
    learner.get_by_role("link", name="Prøv igjen").click()
    learner.wait_for_url(f"{base}/courses/{course.meta.id}/quiz")
    assert _quiz_order(learner) != first_order
    _answer_quiz(learner, course, right=True)
    learner.wait_for_url(f"{base}/courses/{course.meta.id}/quiz/*")
    body = learner.inner_text("body")
    assert "100 % riktig" in body
    assert "Bestått." in body
    problems["result (passed)"] = audit(learner)

    with learner.expect_download() as download_info:
        learner.get_by_role("link", name="Last ned kursbeviset (PDF)").click()
    pdf_path = download_info.value.path()
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(pdf_path)).pages)
    valid_until = _valid_until(live_server)
    assert LEARNER[1] in text
    assert title in text
    assert "Gyldig til" in text
    assert format_date(valid_until, "long", locale="nb") in text
    assert "Fjordvik kommune" in text

    leader = _login(browser, base, LEADER[0])
    leader.get_by_role("link", name="Kursoversikt for ledere").click()
    leader.wait_for_url(f"{base}/courses/overview")
    row = leader.get_by_role("row", name=LEARNER[1])
    column = [c.inner_text() for c in leader.locator("table.overview-table thead th").all()].index(title)
    cell = row.locator("th, td").nth(column).inner_text()
    assert cell == f"Gyldig til {format_date(valid_until, 'medium', locale='nb')}"
    problems["overview"] = audit(leader)

    found = {page: issues for page, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{page}: {issue}" for page, issues in found.items() for issue in issues)


def _valid_until(live_server):
    """The learner's stored valid-until date, which the certificate and the overview must both show."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.models.learning import CourseCompletion

    with live_server.app.app_context():
        user = User.by_email(LEARNER[0])
        return db.session.scalar(
            select(CourseCompletion.valid_until).where(CourseCompletion.user_id == user.id)
        )


def test_course_pages_on_a_phone_have_no_axe_violations(live_server, browser, course, people) -> None:
    base = live_server.url
    phone = browser.new_context(
        locale="nb-NO", bypass_csp=True, viewport={"width": 390, "height": 844}
    ).new_page()
    phone.goto(f"{base}/auth/login")
    phone.get_by_label("E-postadresse").fill(LEADER[0])
    phone.get_by_label("Passord").fill(PASSWORD)
    phone.get_by_role("button", name="Logg inn").click()
    phone.wait_for_url(f"{base}/")
    problems: dict[str, list[str]] = {}
    lesson = course.lessons[1]
    for path in ("/courses/", f"/courses/{course.meta.id}", f"/courses/{course.meta.id}/{lesson.id}"):
        phone.goto(base + path)
        problems[path] = audit(phone)
    # An answer sent without a choice comes back with the error marked, and stays clean.
    question = lesson.questions[0]
    phone.locator(f"#question-{question.id}").get_by_role("button", name="Sjekk svaret").click()
    phone.locator(f"#question-{question.id}-error").wait_for()
    problems["lesson (error swapped in)"] = audit(phone)
    phone.goto(f"{base}/courses/overview")
    problems["overview"] = audit(phone)
    found = {page: issues for page, issues in problems.items() if issues}
    assert found == {}, "\n".join(f"{page}: {issue}" for page, issues in found.items() for issue in issues)
