"""What a course request names, loaded for the logged-in learner: a course, lesson, block or attempt, or 404.

A learner's attempts are loaded through the logged-in user only, so another person's attempt is a 404.
"""

from __future__ import annotations

from flask_login import current_user

from app.errors import or_404
from app.learning import services
from app.learning.library import LoadedCourse
from app.learning.library import load_courses
from app.models import User
from app.models.learning import QuizAttempt
from courses.model import Lesson


def current_learner() -> User:
    """The logged-in user as a model object."""
    return current_user._get_current_object()


def get_course(course_id: str) -> LoadedCourse:
    """A course of the library that checks clean, or 404."""
    return or_404(load_courses().get(course_id))


def get_lesson(loaded: LoadedCourse, lesson_id: str) -> Lesson:
    """A lesson of the course, or 404."""
    return or_404(loaded.lesson(lesson_id))


def get_block(lesson: Lesson, block_id: str, kind: type) -> object:
    """A question or reflection of the lesson by id, or 404."""
    return or_404(next((b for b in lesson.blocks if isinstance(b, kind) and b.id == block_id), None))


def get_attempt(loaded: LoadedCourse, public_id: str) -> QuizAttempt:
    """One of the learner's own attempts at this course, or 404."""
    return or_404(services.own_attempt(current_learner(), loaded.id, public_id))
