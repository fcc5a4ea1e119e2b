"""The final quiz, completions and certificates: shuffled attempts, partial credit, retries, renewal, PDF."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import csrf_token

MINI = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "mini-kurs"
COURSE = "/courses/mini-kurs"
LESSONS = ("start", "midt", "ov", "slutt")
_QUESTION_NAMES = re.compile(r'name="q-(p\d+)" value="([a-z])"')


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """A course library holding only the small fixture course: every right answer is option a."""
    library = tmp_path / "courses"
    library.mkdir()
    shutil.copytree(MINI, library / "mini-kurs")
    return {"COURSE_LIBRARY": str(library)}


# The fixture's lesson questions and an answer to each; a lesson is done only once its questions are answered.
LESSON_ANSWERS = {"start": {"q-start": ["b"]}, "midt": {"q-flere": ["a", "b"]}}


def finish_lessons(client) -> None:
    for lesson in LESSONS:
        token = csrf_token(client, f"{COURSE}/{lesson}")
        for question, chosen in LESSON_ANSWERS.get(lesson, {}).items():
            data = {"csrf_token": token, "option": chosen}
            client.post(f"{COURSE}/{lesson}/questions/{question}", data=data)
        client.post(f"{COURSE}/{lesson}/done", data={"csrf_token": token})


def open_quiz(client) -> tuple[str, list[tuple[str, tuple[str, ...]]], str]:
    """Open the quiz page; return its attempt id, the question/option order shown, and the HTML."""
    response = client.get(f"{COURSE}/quiz")
    assert response.status_code == 200, response.headers.get("Location")
    html = response.get_data(as_text=True)
    attempt = re.search(r'name="attempt"[^>]*value="([^"]+)"', html)
    order: dict[str, list[str]] = {}
    for question, option in _QUESTION_NAMES.findall(html):
        order.setdefault(question, []).append(option)
    return attempt.group(1), [(q, tuple(o)) for q, o in order.items()], html


def send_quiz(client, attempt: str, answers: dict[str, list[str] | str]):
    data = {"csrf_token": csrf_token(client, "/courses/"), "attempt": attempt}
    data.update({f"q-{question}": value for question, value in answers.items()})
    return client.post(f"{COURSE}/quiz", data=data)


def quiz_ready(client, auth) -> str:
    """Log in, finish every lesson and open the quiz; return the attempt's id."""
    auth.login()
    finish_lessons(client)
    return open_quiz(client)[0]


def everything(option: str) -> dict[str, str]:
    return {f"p{n}": option for n in range(1, 11)}


def test_first_timer_must_finish_the_lessons_before_the_quiz(client, auth):
    auth.login()
    response = client.get(f"{COURSE}/quiz")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(COURSE)
    assert "Fullfør alle leksjonene" in client.get(COURSE).get_data(as_text=True)


def test_quiz_shows_every_question_shuffled_with_radios_and_checkboxes(client, auth):
    auth.login()
    finish_lessons(client)
    _, order, html = open_quiz(client)
    assert sorted(q for q, _ in order) == sorted(f"p{n}" for n in range(1, 11))
    assert 'type="checkbox" name="q-p3"' in html
    assert 'type="radio" name="q-p1"' in html
    # Reloading keeps the same attempt and the same order.
    assert open_quiz(client)[1] == order


def test_failing_then_passing_on_a_retry_with_a_new_order(client, auth):
    auth.login()
    finish_lessons(client)
    attempt, first_order, _ = open_quiz(client)
    response = send_quiz(client, attempt, everything("b"))
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "10 % riktig" in html
    assert "Ikke bestått." in html
    assert "Prøv igjen" in html
    assert "Begrunnelse 1" in html  # each question's explanation
    assert "Last ned kursbeviset" not in html

    course_page = client.get(COURSE).get_data(as_text=True)
    assert "Siste forsøk: 10 % – ikke bestått." in course_page
    assert response.headers["Location"] in course_page

    retry, second_order, _ = open_quiz(client)
    assert retry != attempt
    assert second_order != first_order
    response = send_quiz(client, retry, everything("a"))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bestått." in html
    assert "Last ned kursbeviset" in html


def test_multiple_choice_gives_partial_credit_through_the_web(client, auth):
    attempt = quiz_ready(client, auth)
    answers: dict[str, list[str] | str] = everything("a")
    answers["p3"] = ["a", "b"]  # fully right
    answers["p7"] = ["a", "c"]  # one right, one wrong: 0
    response = send_quiz(client, attempt, answers)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "90 % riktig" in html
    answers["p7"] = ["a"]  # half of it: the same 95 % with a new attempt below
    attempt, _, _ = open_quiz(client)
    html = client.get(send_quiz(client, attempt, answers).headers["Location"]).get_data(as_text=True)
    assert "95 % riktig" in html
    assert "Delvis riktig: 0,5 av 1 poeng." in html


def test_unanswered_questions_come_back_marked(client, auth):
    attempt = quiz_ready(client, auth)
    answers = everything("a")
    del answers["p4"]
    answers["p5"] = "zz"  # an option that does not exist counts as no answer
    response = send_quiz(client, attempt, answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 spørsmål mangler svar." in html
    assert 'id="q-p4-error"' in html
    assert 'id="q-p5-error"' in html
    assert 'name="q-p1" value="a" checked' in html  # what was chosen is kept


def test_bad_attempt_ids_are_refused(client, auth, make_user, client_for):
    attempt = quiz_ready(client, auth)
    assert send_quiz(client, "no-such-attempt", everything("a")).status_code == 404
    assert send_quiz(client, "<script>", everything("a")).status_code == 400
    # Another learner, ready for the quiz too, can neither send nor see this attempt.
    other = client_for(make_user())
    finish_lessons(other)
    assert send_quiz(other, attempt, everything("a")).status_code == 404
    assert other.get(f"{COURSE}/quiz/{attempt}").status_code == 404
    assert send_quiz(client, attempt, everything("a")).status_code == 303


def test_sending_an_attempt_twice_scores_it_once(client, auth, app):
    from sqlalchemy import func
    from sqlalchemy import select

    from app.extensions import db
    from app.models.learning import CourseCompletion

    attempt = quiz_ready(client, auth)
    first = send_quiz(client, attempt, everything("a"))
    second = send_quiz(client, attempt, everything("b"))
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(CourseCompletion.id))) == 1


def _pass(client) -> str:
    attempt, _, _ = open_quiz(client)
    return client.get(send_quiz(client, attempt, everything("a")).headers["Location"]).get_data(as_text=True)


def _completions(app, user_id: int):
    from sqlalchemy import select

    from app.extensions import db
    from app.models.learning import CourseCompletion

    with app.app_context():
        rows = db.session.scalars(
            select(CourseCompletion).where(CourseCompletion.user_id == user_id).order_by(CourseCompletion.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_passing_records_the_course_version_and_a_year_of_validity(client, auth, app):
    from app.learning.services import add_months
    from app.learning.services import oslo_today

    learner = auth.login()
    finish_lessons(client)
    _pass(client)
    (completion,) = _completions(app, learner.id)
    today = oslo_today()
    assert completion.completed_on == today
    assert completion.valid_until == add_months(today, 12)
    assert completion.course_version.startswith("1.0.0+")
    assert re.fullmatch(r"LAG-\d{4}-[A-Z2-9]{8}", completion.certificate_number)
    html = client.get("/courses/").get_data(as_text=True)
    assert "Fullført – gyldig til" in html


def test_renewal_goes_straight_to_the_quiz_and_the_latest_completion_counts(client, auth, app):
    from app.extensions import db
    from app.models.learning import CourseCompletion
    from app.models.learning import LessonCompletion

    learner = auth.login()
    finish_lessons(client)
    _pass(client)
    with app.app_context():
        # A year later: the old completion has expired and the lesson marks are from last year's text.
        old = db.session.get(CourseCompletion, _completions(app, learner.id)[0].id)
        old.completed_on, old.valid_until = date(2025, 11, 1), date(2026, 11, 1)
        db.session.query(LessonCompletion).delete()
        db.session.commit()
    assert "Utløpt" in client.get("/courses/").get_data(as_text=True)
    assert client.get(f"{COURSE}/quiz").status_code == 200  # no lessons needed to renew
    _pass(client)
    rows = _completions(app, learner.id)
    assert len(rows) == 2
    assert "Fullført – gyldig til" in client.get("/courses/").get_data(as_text=True)


def test_certificate_pdf_names_the_learner_course_dates_and_organisation(client, auth, app):
    from app.learning.services import add_months
    from app.learning.services import oslo_today

    learner = auth.login(name="Kari Nordmann")
    finish_lessons(client)
    _pass(client)
    response = client.get(f"{COURSE}/certificate")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    (completion,) = _completions(app, learner.id)
    valid_until = add_months(oslo_today(), 12)
    assert "Kari Nordmann" in text
    assert "Minikurs" in text
    assert "Gyldig til" in text
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "desember"]  # fmt: skip
    assert f"{valid_until.day}. {months[valid_until.month - 1]} {valid_until.year}" in text
    assert completion.certificate_number in text
    assert "Testkommune" in text
    assert "/StructTreeRoot" in str(reader.trailer["/Root"].keys())
    # Every export goes into the audit trail.
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        recorded = db.session.execute(
            select(AuditEvent.actor_id, AuditEvent.detail).where(
                AuditEvent.action == "certificate_downloaded"
            )
        ).all()
    assert recorded == [(learner.id, {"course": "mini-kurs"})]


def test_certificate_only_for_its_owner_and_only_when_valid(client, auth, make_user, client_for):
    auth.login()
    assert client.get(f"{COURSE}/certificate").status_code == 404
    finish_lessons(client)
    _pass(client)
    other = client_for(make_user(role="admin"))
    assert other.get(f"{COURSE}/certificate").status_code == 404


def test_the_error_summary_names_the_blank_question_by_its_number_in_the_quiz(client, auth):
    attempt = quiz_ready(client, auth)
    _, order, _ = open_quiz(client)
    blank = order[-1][0]  # the last question shown, never "Spørsmål 1"
    answers = {question: "a" for question, _ in order if question != blank}
    html = send_quiz(client, attempt, answers).get_data(as_text=True)
    start = html.index('class="form-error"')
    summary = html[start : html.index("</ul>", start)]
    assert f'<a href="#q-{blank}-legend">Spørsmål {len(order)}</a>' in summary
    assert "Spørsmål 1<" not in summary
