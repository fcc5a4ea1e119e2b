"""Routes of the authoring blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
