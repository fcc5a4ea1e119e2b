"""Course work for learners: progress, private reflections, the final quiz, completions and their validity.

Every date a learner sees ("valid until", "expiring soon") is a calendar date in Europe/Oslo; the
functions take ``today`` as a parameter, so tests set the day instead of freezing clocks.
"""

from __future__ import annotations

import calendar
import random
import secrets
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy import select

from app import xapi
from app.extensions import db
from app.learning.library import LoadedCourse
from app.lti import grades as lti_grades
from app.models import User
from app.models import utcnow
from app.models.learning import CourseCompletion
from app.models.learning import CourseProgress
from app.models.learning import LessonCompletion
from app.models.learning import QuizAttempt
from app.models.learning import ReflectionNote
from app.transactions import begin_write
from courses.model import Lesson
from courses.model import Practice
from courses.model import Question
from courses.quiz import QuizResult
from courses.quiz import score_quiz
from courses.quiz import shuffled
from courses.quiz import shuffled_options

OSLO = ZoneInfo("Europe/Oslo")
# A completion this close to its end date is "expiring soon" and shows up for renewal.
EXPIRING_DAYS = 30
REFLECTION_MAX = 5000

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
MISSING = "missing"


def oslo_today(now: datetime | None = None) -> date:
    """Today's date in Norway, the day on which certificates start and end."""
    return (now or utcnow()).astimezone(OSLO).date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (29 Feb -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity(valid_until: date, today: date) -> str:
    """Whether a completion ending on ``valid_until`` is valid, expiring within 30 days, or expired."""
    if today > valid_until:
        return EXPIRED
    if (valid_until - today).days <= EXPIRING_DAYS:
        return EXPIRING
    return VALID


@dataclass(frozen=True)
class CourseStatus:
    """Where one learner stands in one course today."""

    state: str
    lessons_done: frozenset[str]
    lessons_total: int
    completion: CourseCompletion | None
    resume_lesson_id: str | None

    @property
    def done_count(self) -> int:
        """How many lessons the learner has marked as done."""
        return len(self.lessons_done)


def latest_completion(user: User, course_id: str) -> CourseCompletion | None:
    """The learner's newest completion of a course, the one that counts."""
    query = (
        select(CourseCompletion)
        .where(CourseCompletion.user_id == user.id, CourseCompletion.course_id == course_id)
        .order_by(CourseCompletion.completed_on.desc(), CourseCompletion.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def _progress(user: User, course_id: str) -> CourseProgress | None:
    """The learner's progress row for a course, if they have opened it."""
    return db.session.scalar(
        select(CourseProgress).where(CourseProgress.user_id == user.id, CourseProgress.course_id == course_id)
    )


def done_lessons(user: User, loaded: LoadedCourse) -> frozenset[str]:
    """The ids of the course's current lessons the learner has marked as done."""
    done = db.session.scalars(
        select(LessonCompletion.lesson_id).where(
            LessonCompletion.user_id == user.id, LessonCompletion.course_id == loaded.id
        )
    )
    current = {lesson.id for lesson in loaded.lessons}
    return frozenset(lesson_id for lesson_id in done if lesson_id in current)


def course_status(user: User, loaded: LoadedCourse, today: date) -> CourseStatus:
    """The learner's status in a course: not started, in progress, or completed and how valid it is."""
    done = done_lessons(user, loaded)
    completion = latest_completion(user, loaded.id)
    progress = _progress(user, loaded.id)
    if completion is not None:
        state = validity(completion.valid_until, today)
    elif progress is not None or done:
        state = IN_PROGRESS
    else:
        state = NOT_STARTED
    return CourseStatus(state, done, len(loaded.lessons), completion, resume_lesson(loaded, progress, done))


def resume_lesson(loaded: LoadedCourse, progress: CourseProgress | None, done: frozenset[str]) -> str | None:
    """The lesson to resume: the last one visited, else the first not yet done, else the first."""
    if progress is not None and progress.last_lesson_id and loaded.lesson(progress.last_lesson_id):
        return progress.last_lesson_id
    for lesson in loaded.lessons:
        if lesson.id not in done:
            return lesson.id
    return loaded.lessons[0].id if loaded.lessons else None


def visit_lesson(user: User, loaded: LoadedCourse, lesson_id: str) -> CourseProgress:
    """Remember the lesson the learner opened, so "resume" brings them back to it."""
    progress = _own_progress(user, loaded)
    progress.last_lesson_id = lesson_id
    progress.course_version = loaded.version
    progress.updated_at = utcnow()
    db.session.flush()
    return progress


def question_answers(user: User, course_id: str) -> dict[str, list[str]]:
    """The learner's own latest answers to the course's lesson questions, by question id."""
    progress = _progress(user, course_id)
    return dict(progress.question_answers or {}) if progress else {}


def save_question_answer(user: User, loaded: LoadedCourse, question_id: str, chosen: frozenset[str]) -> None:
    """Keep the learner's answer to a lesson question, replacing an earlier one, for the reopened lesson."""
    progress = _own_progress(user, loaded)
    # A new dict, so the JSON column sees the change.
    progress.question_answers = {**(progress.question_answers or {}), question_id: sorted(chosen)}
    db.session.flush()


def _own_progress(user: User, loaded: LoadedCourse) -> CourseProgress:
    """The learner's progress row for the course, made now if they have none yet."""
    begin_write()
    progress = _progress(user, loaded.id)
    if progress is None:
        progress = CourseProgress(user_id=user.id, course_id=loaded.id, course_version=loaded.version)
        db.session.add(progress)
    return progress


def for_learner(user: User, course_id: str, question: Question) -> Question:
    """A lesson question with its options in this learner's own order, the same every time they look."""
    return shuffled_options(question, f"{user.id}:{course_id}:{question.id}")


def unanswered_in_lesson(user: User, loaded: LoadedCourse, lesson: Lesson) -> list[str]:
    """The ids of the lesson's questions the learner has not answered yet."""
    answers = question_answers(user, loaded.id)
    return unanswered(lesson.questions, answers)


def complete_lesson(user: User, loaded: LoadedCourse, lesson_id: str) -> LessonCompletion | None:
    """Mark a lesson as done (once) and move on; None while some of its questions are unanswered."""
    lesson = loaded.lesson(lesson_id)
    if lesson is not None and unanswered_in_lesson(user, loaded, lesson):
        return None
    begin_write()
    row = db.session.scalar(
        select(LessonCompletion).where(
            LessonCompletion.user_id == user.id,
            LessonCompletion.course_id == loaded.id,
            LessonCompletion.lesson_id == lesson_id,
        )
    )
    if row is None:
        row = LessonCompletion(
            user_id=user.id, course_id=loaded.id, lesson_id=lesson_id, course_version=loaded.version
        )
        db.session.add(row)
        xapi.record_lesson_completed(user.id, loaded, lesson_id, utcnow())
    following = loaded.next_lesson(lesson_id)
    visit_lesson(user, loaded, following.id if following else lesson_id)
    return row


def reflections(user: User, course_id: str) -> dict[str, str]:
    """The learner's own reflection texts in a course, by reflection id; nobody else's, ever."""
    rows = db.session.scalars(
        select(ReflectionNote).where(ReflectionNote.user_id == user.id, ReflectionNote.course_id == course_id)
    )
    return {row.reflection_id: row.text for row in rows}


def save_reflection(user: User, course_id: str, reflection_id: str, text: str) -> ReflectionNote:
    """Keep the learner's private answer to a reflection prompt, replacing an earlier one."""
    begin_write()
    note = db.session.scalar(
        select(ReflectionNote).where(
            ReflectionNote.user_id == user.id,
            ReflectionNote.course_id == course_id,
            ReflectionNote.reflection_id == reflection_id,
        )
    )
    if note is None:
        note = ReflectionNote(user_id=user.id, course_id=course_id, reflection_id=reflection_id, text="")
        db.session.add(note)
    note.text = text.strip()[:REFLECTION_MAX]
    note.updated_at = utcnow()
    db.session.flush()
    return note


def delete_reflection(user: User, course_id: str, reflection_id: str) -> bool:
    """Delete the learner's answer to one reflection prompt; tell whether there was one."""
    begin_write()
    result = db.session.execute(
        delete(ReflectionNote).where(
            ReflectionNote.user_id == user.id,
            ReflectionNote.course_id == course_id,
            ReflectionNote.reflection_id == reflection_id,
        )
    )
    return bool(result.rowcount)


def may_take_quiz(user: User, loaded: LoadedCourse) -> bool:
    """First-timers take the quiz after every lesson; someone renewing a completion may go straight to it."""
    if latest_completion(user, loaded.id) is not None:
        return True
    return len(done_lessons(user, loaded)) >= len(loaded.lessons)


def last_sent_attempt(user: User, course_id: str) -> QuizAttempt | None:
    """The learner's most recently sent quiz attempt in a course, for the course page's quiz status."""
    query = (
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_id == course_id,
            QuizAttempt.submitted_at.is_not(None),
        )
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def own_attempt(user: User, course_id: str, public_id: str) -> QuizAttempt | None:
    """One of the learner's own attempts at the course, or None (another person's attempt included)."""
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.public_id == public_id,
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_id == course_id,
        )
    )


def quiz_questions(loaded: LoadedCourse, attempt: QuizAttempt) -> list[Question]:
    """The final quiz's questions and options in this attempt's own order."""
    questions = loaded.course.final_quiz.questions if loaded.course.final_quiz else ()
    return shuffled(questions, attempt.seed)


def _order(loaded: LoadedCourse, seed: int) -> list[tuple[str, tuple[str, ...]]]:
    """The question and option order a seed gives, to compare two attempts."""
    questions = loaded.course.final_quiz.questions if loaded.course.final_quiz else ()
    return [(q.id, tuple(o.id for o in q.options)) for q in shuffled(questions, seed)]


def open_attempt(user: User, loaded: LoadedCourse) -> QuizAttempt:
    """The learner's unsent attempt on this course version, or a new one whose order differs from the last."""
    begin_write()
    attempts = list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == loaded.id)
            .order_by(QuizAttempt.id.desc())
            .limit(1)
        )
    )
    last = attempts[0] if attempts else None
    if last is not None and not last.is_submitted and last.course_version == loaded.version:
        return last
    rng = random.SystemRandom()
    seed = rng.randrange(1, 2**31)
    # A retry must look different; with ten questions a repeat is unlikely, but it is cheap to rule out.
    while last is not None and _order(loaded, seed) == _order(loaded, last.seed):
        seed = rng.randrange(1, 2**31)
    attempt = QuizAttempt(user_id=user.id, course_id=loaded.id, course_version=loaded.version, seed=seed)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def unanswered(questions: Iterable[Question], answers: Mapping[str, list[str]]) -> list[str]:
    """The ids of questions with no known option chosen."""
    missing = []
    for question in questions:
        known = {o.id for o in question.options}
        if not known.intersection(answers.get(question.id, ())):
            missing.append(question.id)
    return missing


def clean_answers(questions: Iterable[Question], answers: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Keep only known options of known questions (one for single choice), so tampering scores nothing."""
    cleaned: dict[str, list[str]] = {}
    for question in questions:
        known = [o.id for o in question.options]
        chosen = [option for option in known if option in set(answers.get(question.id, ()))]
        cleaned[question.id] = chosen[:1] if question.kind == "single" else chosen
    return cleaned


def submit_attempt(
    attempt: QuizAttempt, loaded: LoadedCourse, answers: Mapping[str, list[str]], today: date
) -> tuple[QuizResult, CourseCompletion | None]:
    """Score an attempt against the pass mark; a pass creates a new completion, the one that counts."""
    begin_write()
    questions = quiz_questions(loaded, attempt)
    cleaned = clean_answers(questions, answers)
    result = score_quiz(questions, cleaned, loaded.pass_mark)
    attempt.answers = cleaned
    attempt.score_percent = result.score_percent
    attempt.passed = result.passed
    attempt.submitted_at = utcnow()
    xapi.record_quiz_attempt(attempt, loaded)
    lti_grades.record_quiz_attempt(attempt)
    completion = None
    if result.passed:
        completion = CourseCompletion(
            user_id=attempt.user_id,
            course_id=loaded.id,
            course_title=loaded.course.meta.title[:200],
            course_version=loaded.version,
            attempt_id=attempt.id,
            completed_on=today,
            valid_until=add_months(today, loaded.validity_months),
            certificate_number=certificate_number(today),
            score_percent=result.score_percent,
        )
        db.session.add(completion)
    db.session.flush()
    return result, completion


def attempt_result(attempt: QuizAttempt, loaded: LoadedCourse) -> QuizResult:
    """Score a sent attempt again from its stored answers, for its result page."""
    questions = quiz_questions(loaded, attempt)
    return score_quiz(questions, attempt.answers or {}, loaded.pass_mark)


def certificate_number(today: date) -> str:
    """A short, unguessable certificate number that names its year, such as ``LAG-2026-7F3K9Q``."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"LAG-{today.year}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def completion_for_certificate(user: User, course_id: str, today: date) -> CourseCompletion | None:
    """The completion a certificate is printed from: the learner's latest one, while it is still valid."""
    completion = latest_completion(user, course_id)
    if completion is None or validity(completion.valid_until, today) == EXPIRED:
        return None
    return completion


@dataclass(frozen=True)
class DueCourse:
    """A required course the learner should take or renew, with why."""

    loaded: LoadedCourse
    state: str
    valid_until: date | None
    started: bool = False


def due_courses(user: User, courses: Iterable[LoadedCourse], today: date) -> list[DueCourse]:
    """Required courses that are expiring within 30 days, expired, or never completed, most urgent first."""
    due = []
    for loaded in courses:
        completion = latest_completion(user, loaded.id)
        if completion is None:
            due.append(DueCourse(loaded, MISSING, None, _progress(user, loaded.id) is not None))
            continue
        state = validity(completion.valid_until, today)
        if state != VALID:
            due.append(DueCourse(loaded, state, completion.valid_until))
    rank = {EXPIRED: 0, EXPIRING: 1, MISSING: 2}
    return sorted(due, key=lambda item: (rank[item.state], item.valid_until or date.max))


def practice_origin(course_id: str, practice_id: str) -> str:
    """The origin a solo run started from a course's practice block carries back."""
    return f"course:{course_id}:{practice_id}"


def finished_practice(user: User, origin: str) -> Any | None:
    """The learner's latest finished solo run from this practice block, once solo mode exists."""
    try:
        from app.solo import services as solo_services
    except ImportError:
        return None
    latest = getattr(solo_services, "latest_finished_run", None)
    return latest(user, origin) if latest is not None else None


def lesson_practices(user: User, course_id: str, lesson: Lesson) -> dict[str, Any | None]:
    """The learner's latest finished solo run of each practice block in the lesson (None if not yet)."""
    return {
        block.id: finished_practice(user, practice_origin(course_id, block.id))
        for block in lesson.blocks
        if isinstance(block, Practice)
    }
