"""xAPI: statements for the organisation's Learning Record Store, through an outbox (docs/xapi-profile.md).

Each ``record_*`` queues the statement of one thing a person did in the caller's transaction, and
does nothing when no LRS is configured.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from flask import current_app

from app.xapi import outbox
from app.xapi import statements
from app.xapi.statements import Iris

if TYPE_CHECKING:
    from app.learning.library import LoadedCourse
    from app.models import Drill
    from app.models import DrillEvent
    from app.models.learning import QuizAttempt
    from app.models.solo import SoloRun


def _iris() -> Iris | None:
    """The installation's IRIs, or None when statements are off."""
    return Iris(current_app.config["XAPI_BASE_IRI"]) if outbox.enabled() else None


def record_drill_event(drill: Drill, event: DrillEvent) -> None:
    """Queue the statement of a participant's choice or checkpoint answer in a drill."""
    if (iris := _iris()) and (statement := statements.drill_statement(iris, drill, event)):
        outbox.enqueue(statement)


def record_solo_event(run: SoloRun, seq: int, payload: dict[str, Any], at: datetime) -> None:
    """Queue the statement of the person's own choice or checkpoint answer in a solo run."""
    if (iris := _iris()) and (statement := statements.solo_statement(iris, run, seq, payload, at)):
        outbox.enqueue(statement)


def record_lesson_completed(user_id: int, loaded: LoadedCourse, lesson_id: str, at: datetime) -> None:
    """Queue the statement of a lesson completed for the first time."""
    lesson = loaded.lesson(lesson_id)
    if (iris := _iris()) and lesson is not None:
        outbox.enqueue(statements.lesson_statement(iris, user_id, loaded.course, loaded.version, lesson, at))


def record_quiz_attempt(attempt: QuizAttempt, loaded: LoadedCourse) -> None:
    """Queue the statement of a sent final quiz: passed or failed, and the score."""
    if iris := _iris():
        outbox.enqueue(statements.quiz_statement(iris, attempt, loaded.course, loaded.pass_mark))
