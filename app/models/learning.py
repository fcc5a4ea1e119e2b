"""Tables of the learning part of Laget: progress, private reflections, quiz attempts, completions, leaders.

Courses themselves are files (``COURSE_LIBRARY``), not rows: these tables refer to a course by its
``id`` from ``course.md`` and record the course version (``meta.version`` plus the content hash)
a learner worked on, so a certificate always says which text it was earned on.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import Unit
from app.models.accounts import User
from app.models.base import UtcDateTime
from app.models.base import new_public_id
from app.models.base import utcnow


class LearnerCourseRow:
    """The columns every learner's row shares: whose it is and which course (by its id from course.md)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))


class CourseProgress(LearnerCourseRow, db.Model):
    """One learner's place in one course: when they started and the lesson they last opened."""

    __tablename__ = "course_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    last_lesson_id: Mapped[str | None] = mapped_column(String(100))
    course_version: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The learner's latest answer to each lesson question (question id -> chosen option ids); private.
    question_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LessonCompletion(LearnerCourseRow, db.Model):
    """A lesson the learner marked as done."""

    __tablename__ = "lesson_completion"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_id"),)

    lesson_id: Mapped[str] = mapped_column(String(100))
    course_version: Mapped[str] = mapped_column(String(120))
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReflectionNote(LearnerCourseRow, db.Model):
    """A learner's free-text answer to a reflection prompt; private: only its author ever reads it."""

    __tablename__ = "reflection_note"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "reflection_id"),)

    reflection_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class QuizAttempt(LearnerCourseRow, db.Model):
    """One try at a course's final quiz, with the seed that fixed its order and, once sent, its score."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (Index("ix_quiz_attempt_user_course", "user_id", "course_id"),)

    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    course_version: Mapped[str] = mapped_column(String(120))
    seed: Mapped[int] = mapped_column()
    # question id -> chosen option ids, as sent.
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    score_percent: Mapped[float | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def is_submitted(self) -> bool:
        """Tell whether the learner has sent their answers."""
        return self.submitted_at is not None


class CourseCompletion(LearnerCourseRow, db.Model):
    """A passed final quiz, valid from ``completed_on`` until ``valid_until``; the latest one counts."""

    __tablename__ = "course_completion"
    __table_args__ = (Index("ix_course_completion_user_course", "user_id", "course_id"),)

    course_title: Mapped[str] = mapped_column(String(200))
    course_version: Mapped[str] = mapped_column(String(120))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="SET NULL"))
    # Calendar dates in Europe/Oslo: the day printed on the certificate, not a moment in time.
    completed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    score_percent: Mapped[float] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class UnitLeader(db.Model):
    """A person who leads a unit and therefore sees its people's course status in the overview."""

    __tablename__ = "unit_leader"
    __table_args__ = (UniqueConstraint("user_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
