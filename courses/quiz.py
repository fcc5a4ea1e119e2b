"""Pure quiz scoring: per-question credit, the quiz result against a pass mark, and seeded shuffling."""

from __future__ import annotations

import random
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace

from courses.model import SINGLE
from courses.model import Question


@dataclass(frozen=True)
class QuizResult:
    """A scored quiz: the percentage, whether it passed and the credit per question id."""

    score_percent: float
    passed: bool
    per_question: dict[str, float]


def score_answer(question: Question, chosen_option_ids: Iterable[str]) -> float:
    """Score one answer in [0, 1]: single choice all or nothing, multiple choice with partial credit."""
    chosen = set(chosen_option_ids)
    correct = question.correct_ids
    if not correct:
        return 0.0
    if question.kind == SINGLE:
        return 1.0 if chosen == correct else 0.0
    known = {o.id for o in question.options}
    right = len(chosen & correct)
    wrong = len((chosen & known) - correct)
    return max(0.0, (right - wrong) / len(correct))


def score_quiz(
    questions: Sequence[Question], answers: Mapping[str, Iterable[str]], pass_mark: int = 80
) -> QuizResult:
    """Score every question (unanswered counts 0) and compare the percentage with the pass mark."""
    per_question = {q.id: score_answer(q, answers.get(q.id, ())) for q in questions}
    percent = 100.0 * sum(per_question.values()) / len(questions) if questions else 0.0
    percent = round(percent, 2)
    return QuizResult(percent, bool(questions) and percent >= pass_mark, per_question)


def shuffled(questions: Sequence[Question], seed: int | str) -> list[Question]:
    """Shuffle the questions and each question's options, the same way for the same seed."""
    rng = random.Random(str(seed))
    result = [replace(q, options=tuple(rng.sample(q.options, len(q.options)))) for q in questions]
    rng.shuffle(result)
    return result


def shuffled_options(question: Question, seed: int | str) -> Question:
    """The question with its options in an order fixed by the seed, so one learner always sees the same."""
    rng = random.Random(str(seed))
    return replace(question, options=tuple(rng.sample(question.options, len(question.options))))
