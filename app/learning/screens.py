"""What the course pages show, worked out in Python so templates stay plain: wording, blocks, results."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.routing import BuildError

from app.i18n import gettext as _
from app.learning import services
from app.learning.services import CourseStatus
from app.markdown import render_markdown
from courses.model import Question
from courses.quiz import QuizResult
from courses.quiz import score_answer

STATE_WORDS = {
    services.NOT_STARTED: _l("Ikke startet"),
    services.IN_PROGRESS: _l("Påbegynt"),
    services.VALID: _l("Gyldig"),
    services.EXPIRING: _l("Utløper snart"),
    services.EXPIRED: _l("Utløpt"),
    services.MISSING: _l("Mangler"),
}


def long_date(day: date | None) -> str:
    """A date the Norwegian way, such as "1. desember 2026"."""
    return format_date(day, "long") if day else ""


def state_words() -> dict[str, str]:
    """The state names in the current language, for CSV cells."""
    return {key: str(value) for key, value in STATE_WORDS.items()}


def status_text(status: CourseStatus) -> str:
    """One line saying where the learner stands, with the date that matters."""
    if status.completion is not None:
        until = long_date(status.completion.valid_until)
        if status.state == services.EXPIRED:
            return _("Utløpt %(date)s", date=until)
        if status.state == services.EXPIRING:
            return _("Utløper snart – gyldig til %(date)s", date=until)
        return _("Fullført – gyldig til %(date)s", date=until)
    if status.state == services.IN_PROGRESS:
        return _(
            "Påbegynt – %(done)d av %(total)d leksjoner", done=status.done_count, total=status.lessons_total
        )
    return _("Ikke startet")


def cell_text(state: str, valid_until: date | None) -> str:
    """A short overview cell: the state in words and, when there is one, the date."""
    if valid_until is None:
        return str(STATE_WORDS[state])
    if state == services.EXPIRED:
        return _("Utløpt %(date)s", date=format_date(valid_until, "medium"))
    if state == services.EXPIRING:
        return _("Utløper %(date)s", date=format_date(valid_until, "medium"))
    return _("%(state)s til %(date)s", state=STATE_WORDS[state], date=format_date(valid_until, "medium"))


# `![alt](bilder/x.svg)` in a lesson: the course's own images, relative to its folder.
_IMAGE_SOURCE = re.compile(r"(!\[[^\]]*\]\(\s*<?)bilder/([A-Za-z0-9._-]+)")


def lesson_markdown(text: str, course_id: str) -> Markup:
    """Render lesson Markdown, pointing the course's own images at the route that serves them.

    The shared renderer shows only Laget's own images, so they get the image route's own path.
    """
    base = url_for("learning.image", course_id=course_id, name="")
    return render_markdown(_IMAGE_SOURCE.sub(lambda m: m.group(1) + base + m.group(2), text or ""))


def solo_start_url() -> str | None:
    """Where a practice block's form posts, or None while solo mode is not installed."""
    try:
        return url_for("solo.start")
    except BuildError:
        return None


@dataclass(frozen=True)
class AnswerView:
    """A lesson question after the learner answered: which options they chose, and their credit."""

    chosen: frozenset[str]
    credit: float

    @property
    def verdict(self) -> str:
        """Right, partly right or not right, in words."""
        if self.credit >= 1:
            return _("Riktig!")
        if self.credit > 0:
            return _("Delvis riktig.")
        return _("Ikke riktig.")


def answer_view(question: Question, chosen: list[str]) -> AnswerView:
    """Score a lesson question answer for its feedback."""
    known = {o.id for o in question.options}
    picked = frozenset(c for c in chosen if c in known)
    return AnswerView(picked, score_answer(question, picked))


def result_rows(questions: list[Question], answers: dict[str, list[str]], result: QuizResult) -> list[dict]:
    """Each quiz question with the learner's choices, the right ones, the credit and the explanation."""
    rows = []
    for number, question in enumerate(questions, 1):
        chosen = set(answers.get(question.id, ()))
        rows.append(
            {
                "number": number,
                "question": question,
                "chosen": [o for o in question.options if o.id in chosen],
                "correct": [o for o in question.options if o.correct],
                "credit": result.per_question.get(question.id, 0.0),
            }
        )
    return rows
