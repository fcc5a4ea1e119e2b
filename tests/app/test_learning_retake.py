"""The quiz result page: several answers as a list, and a failed retake says the certificate still counts."""

from __future__ import annotations

import re
from datetime import date

from tests.app.test_learning_quiz import COURSE
from tests.app.test_learning_quiz import _completions
from tests.app.test_learning_quiz import _pass
from tests.app.test_learning_quiz import app_config  # noqa: F401 (a fixture)
from tests.app.test_learning_quiz import everything
from tests.app.test_learning_quiz import finish_lessons
from tests.app.test_learning_quiz import open_quiz
from tests.app.test_learning_quiz import quiz_ready
from tests.app.test_learning_quiz import send_quiz


def _fail(client) -> str:
    attempt, _, _ = open_quiz(client)
    return client.get(send_quiz(client, attempt, everything("b")).headers["Location"]).get_data(as_text=True)


def test_a_failed_retake_says_the_earlier_certificate_still_counts(client, auth, app):
    from app.extensions import db
    from app.models.learning import CourseCompletion

    learner = auth.login()
    finish_lessons(client)
    _pass(client)
    with app.app_context():
        row = db.session.get(CourseCompletion, _completions(app, learner.id)[0].id)
        row.completed_on, row.valid_until = date(2026, 3, 2), date(2027, 3, 2)
        db.session.commit()
    html = _fail(client)
    assert "Ikke bestått." in html
    assert "Kursbeviset ditt fra 2. mars 2026 gjelder fortsatt til 2. mars 2027." in html
    assert f'href="{COURSE}/certificate"' in html


def test_a_failed_first_try_or_an_expired_certificate_promises_nothing(client, auth, app):
    from app.extensions import db
    from app.models.learning import CourseCompletion

    learner = auth.login()
    finish_lessons(client)
    assert "gjelder fortsatt" not in _fail(client)
    _pass(client)
    with app.app_context():
        row = db.session.get(CourseCompletion, _completions(app, learner.id)[0].id)
        row.completed_on, row.valid_until = date(2025, 11, 1), date(2026, 11, 1)
        db.session.commit()
    html = _fail(client)
    assert "gjelder fortsatt" not in html and f'href="{COURSE}/certificate"' not in html


def test_several_answers_are_a_list_on_the_result_page(client, auth):
    attempt = quiz_ready(client, auth)
    answers: dict[str, list[str] | str] = everything("a")
    answers["p3"] = ["a", "b"]
    html = client.get(send_quiz(client, attempt, answers).headers["Location"]).get_data(as_text=True)
    lists = re.findall(r'<ul class="quiz-review__answers">(.*?)</ul>', html, re.S)
    assert lists and all(item.count("<li>") >= 2 for item in lists)
    assert "; " not in re.sub(r"<div class=\"prose[^>]*>.*?</div>", "", html, flags=re.S)


def test_a_multiple_choice_question_left_empty_asks_for_at_least_one(client, auth):
    attempt = quiz_ready(client, auth)
    answers = everything("a")
    del answers["p3"]
    del answers["p1"]
    response = send_quiz(client, attempt, answers)
    assert response.status_code == 422
    error = re.search(r'id="q-p3-error">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)
    assert "Velg minst ett svar." in error
    single = re.search(r'id="q-p1-error">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)
    assert "Velg et svar." in single
