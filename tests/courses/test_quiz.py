"""Quiz scoring: single choice all or nothing, multiple choice with partial credit, pass mark, shuffling."""

from __future__ import annotations

import pytest

from courses.model import MULTIPLE
from courses.model import SINGLE
from courses.model import Option
from courses.model import Question
from courses.parse import parse_course
from courses.quiz import score_answer
from courses.quiz import score_quiz
from courses.quiz import shuffled
from tests.courses.conftest import MINI


def question(qid: str, kind: str, correct: str, ids: str = "abcd") -> Question:
    """A question with options named by the letters in `ids`, those in `correct` marked correct."""
    options = tuple(Option(i, i.upper(), i in correct, "", n) for n, i in enumerate(ids, 1))
    return Question(qid, kind, "Hva gjør du?", options, "Fordi.", 1)


SINGLE_Q = question("s", SINGLE, "b")
MULTI_Q = question("m", MULTIPLE, "ac")
MULTI3_Q = question("m3", MULTIPLE, "abc")


@pytest.mark.parametrize(
    ("q", "chosen", "expected"),
    [
        (SINGLE_Q, ["b"], 1.0),
        (SINGLE_Q, ["a"], 0.0),
        (SINGLE_Q, [], 0.0),
        (SINGLE_Q, ["a", "b"], 0.0),
        (MULTI_Q, ["a", "c"], 1.0),
        (MULTI_Q, ["a"], 0.5),
        (MULTI_Q, ["a", "b"], 0.0),
        (MULTI_Q, ["a", "c", "b"], 0.5),
        (MULTI_Q, ["b", "d"], 0.0),
        (MULTI_Q, [], 0.0),
        (MULTI_Q, ["a", "c", "zz"], 1.0),
        (MULTI3_Q, ["a", "b"], 2 / 3),
        (MULTI3_Q, ["a", "b", "d"], 1 / 3),
        (MULTI3_Q, ["a", "d"], 0.0),
    ],
)
def test_score_answer(q: Question, chosen: list[str], expected: float) -> None:
    assert score_answer(q, chosen) == pytest.approx(expected)


def test_score_answer_accepts_any_iterable() -> None:
    assert score_answer(MULTI_Q, iter(("c", "a"))) == 1.0
    assert score_answer(MULTI_Q, {"c"}) == 0.5


def test_question_without_correct_option_scores_zero() -> None:
    assert score_answer(question("x", MULTIPLE, ""), ["a"]) == 0.0


def test_score_quiz_percent_and_pass_mark() -> None:
    questions = [SINGLE_Q, MULTI_Q]
    result = score_quiz(questions, {"s": ["b"], "m": ["a"]}, pass_mark=75)
    assert result.score_percent == 75.0
    assert result.passed
    assert result.per_question == {"s": 1.0, "m": 0.5}
    assert not score_quiz(questions, {"s": ["b"], "m": ["a"]}, pass_mark=80).passed


def test_unanswered_questions_count_zero() -> None:
    result = score_quiz([SINGLE_Q, MULTI_Q, MULTI3_Q], {"s": ["b"]}, pass_mark=30)
    assert result.score_percent == pytest.approx(33.33)
    assert result.per_question == {"s": 1.0, "m": 0.0, "m3": 0.0}
    assert result.passed


def test_empty_quiz_never_passes() -> None:
    result = score_quiz([], {}, pass_mark=1)
    assert result.score_percent == 0.0 and not result.passed


def test_full_marks_on_the_fixture_final_quiz() -> None:
    course = parse_course(MINI).course
    assert course is not None and course.final_quiz is not None
    questions = course.final_quiz.questions
    answers = {q.id: sorted(q.correct_ids) for q in questions}
    result = score_quiz(questions, answers, course.meta.pass_mark or 80)
    assert result.score_percent == 100.0 and result.passed


def test_shuffled_is_deterministic_per_seed() -> None:
    course = parse_course(MINI).course
    assert course is not None
    questions = course.questions
    first = shuffled(questions, 7)
    assert first == shuffled(questions, 7)
    orders = {tuple(q.id for q in shuffled(questions, seed)) for seed in range(20)}
    assert len(orders) > 1
    option_orders = {tuple(o.id for o in shuffled(questions, seed)[0].options) for seed in range(20)}
    assert len(option_orders) > 1


def test_shuffled_keeps_content_and_scoring() -> None:
    course = parse_course(MINI).course
    assert course is not None
    questions = course.questions
    result = shuffled(questions, "forsøk-2")
    assert sorted(q.id for q in result) == sorted(q.id for q in questions)
    by_id = {q.id: q for q in questions}
    for q in result:
        assert sorted(q.options, key=lambda o: o.id) == sorted(by_id[q.id].options, key=lambda o: o.id)
        assert score_answer(q, q.correct_ids) == 1.0
    assert [q.id for q in questions] == [q.id for q in course.questions]
