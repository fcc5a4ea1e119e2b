"""Routes of the learning blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("learning", __name__, url_prefix="/courses")
