"""The authoring workspace: ``bp`` with every route, one module per area, for the app factory to register.

Each module registers its routes on the blueprint from ``app.authoring.blueprint`` when imported here.
"""

from __future__ import annotations

from app.authoring.blueprint import bp
from app.authoring.views import editor
from app.authoring.views import review
from app.authoring.views import scenario
from app.authoring.views import structure
from app.authoring.views import versions
from app.authoring.views import workspace

__all__ = ["bp", "editor", "review", "scenario", "structure", "versions", "workspace"]
