"""The learning blueprint and its template helpers, apart from its routes, which register on it."""

from __future__ import annotations

import functools

from flask import Blueprint

from app.learning import screens
from courses.model import block_kind

bp = Blueprint("learning", __name__, url_prefix="/courses")


@bp.context_processor
def _helpers() -> dict:
    """Give the course templates their wording helpers."""
    return {
        "status_text": screens.status_text,
        # Memoised per render: the overview shows thousands of cells but only a few hundred distinct dates.
        "cell_text": functools.lru_cache(maxsize=None)(screens.cell_text),
        "long_date": screens.long_date,
        "block_kind": block_kind,
        "lesson_markdown": screens.lesson_markdown,
    }
