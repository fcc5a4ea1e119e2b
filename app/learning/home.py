"""The courses section of the learner's home page: what is due for renewal, and the way in."""

from __future__ import annotations

from typing import Any

from app.learning import overview
from app.learning import services
from app.learning.library import load_courses
from app.learning.screens import long_date
from app.models import User


def course_section(user: User) -> dict[str, Any]:
    """Template values for the home page: courses due (expiring, expired, never taken) and leader access."""
    due = services.due_courses(user, load_courses().values(), services.oslo_today())
    return {"due_courses": due, "course_leader": overview.may_see_overview(user), "long_date": long_date}
