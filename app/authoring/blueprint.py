"""The authoring blueprint, apart from its routes, so that every route module can register on it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
