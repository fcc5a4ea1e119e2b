"""xAPI: statements for the organisation's Learning Record Store, through an outbox (docs/xapi-profile.md).

Each ``record_*`` queues the statement of one thing a person did in the caller's transaction, and
does nothing when no LRS is configured. ``forget_email`` takes an erased person's e-mail address out
of the statements Laget still holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from flask import current_app
from sqlalchemy import Text
from sqlalchemy import cast
from sqlalchemy import select

from app.extensions import db
from app.models.xapi import XapiStatement
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


def forget_email(user_id: int, email: str) -> int:
    """Give every statement in the outbox whose actor is this e-mail address the account actor instead.

    Erasure calls it: statements not yet sent still reach the LRS, under ``user/<id>``, which then
    names only the pseudonym account, and the copies of those already sent keep no address either.
    Without a base IRI no account can be named and the statements are dropped. Return how many changed.
    """
    mbox = statements.mbox_agent(email)["mbox"].lower()
    base = current_app.config.get("XAPI_BASE_IRI")
    # Only statements with an mbox anywhere can hold it; the actor is checked exactly below.
    query = select(XapiStatement).where(cast(XapiStatement.statement, Text).like("%mailto:%"))
    changed = 0
    for row in db.session.scalars(query):
        if str(row.statement.get("actor", {}).get("mbox", "")).lower() != mbox:
            continue
        if base:
            row.statement = {**row.statement, "actor": Iris(base).account(f"user/{user_id}")}
        else:
            db.session.delete(row)
        changed += 1
    db.session.flush()
    return changed
