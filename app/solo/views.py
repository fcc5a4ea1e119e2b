"""Routes of the solo blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("solo", __name__, url_prefix="/solo")
