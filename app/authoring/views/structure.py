"""A version's structure, read-only: the scene graph and the explorer's reachable scenes and endings."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.auth.decorators import role_required
from app.authoring import access
from app.authoring import graphs
from app.authoring import screens
from app.authoring.blueprint import bp
from app.authoring.loading import get_scenario
from app.authoring.loading import source_for
from app.models import Role
from app.models import ScenarioVersion
from app.models.authoring import AuthoredScenario


def _read(public_id: str) -> tuple[AuthoredScenario, ScenarioVersion | None, screens.Verdict]:
    """The scenario, the version a read-only page shows (None for the working copy) and its verdict."""
    scenario = get_scenario(public_id)
    text, saved = source_for(scenario)
    return scenario, saved, screens.verdict(text)


@bp.get("/<public_id>/explore")
@role_required(Role.AUTHOR)
def explore(public_id: str) -> str | tuple[str, int]:
    """Run the explorer on a version and show which scenes and endings a team can reach."""
    scenario, saved, verdict = _read(public_id)
    page = screens.explorer_page(verdict.scenario) if verdict.scenario is not None else None
    return render_template(
        "authoring/explore.html", scenario=scenario, version=saved, verdict=verdict, page=page
    )


@bp.get("/<public_id>/graph")
@role_required(Role.AUTHOR)
def graph(public_id: str) -> str:
    """Draw the scene graph of a version, each node linked to its line in the editor."""
    scenario, saved, verdict = _read(public_id)
    drawing = graphs.drawing(scenario, verdict.scenario, access.may_edit(current_user, scenario), saved)
    return render_template(
        "authoring/graph.html", scenario=scenario, version=saved, verdict=verdict, drawing=drawing
    )
