"""Saved versions: the list, one version with its verdict, its Markdown download, and two compared."""

from __future__ import annotations

from flask import Response
from flask import make_response
from flask import render_template
from flask_login import current_user

from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.authoring import access
from app.authoring import graphs
from app.authoring import scorecards
from app.authoring import screens
from app.authoring import services
from app.authoring.blueprint import bp
from app.authoring.loading import get_scenario
from app.authoring.loading import get_version
from app.authoring.loading import number_arg
from app.extensions import db
from app.models import Role


@bp.get("/<public_id>/versions")
@role_required(Role.AUTHOR)
def versions(public_id: str) -> str:
    """List every saved version, with a form to compare any two."""
    scenario = get_scenario(public_id)
    return render_template("authoring/versions.html", scenario=scenario, versions=scenario.versions())


@bp.get("/<public_id>/versions/<int:number>")
@role_required(Role.AUTHOR)
def version(public_id: str, number: int) -> str:
    """Show one saved version with line numbers, the checker's verdict, test play and its scores."""
    scenario = get_scenario(public_id)
    saved = get_version(scenario, number)
    readable = access.may_read_version(current_user, saved)
    context = screens.saved_version_context(saved, services.comments_for(scenario, saved), readable)
    return render_template(
        "authoring/version.html",
        scenario=scenario,
        scorecards=scorecards.version_scorecards(saved, readable and context["verdict"].ok),
        **context,
    )


@bp.get("/<public_id>/versions/<int:number>/export")
@role_required(Role.AUTHOR)
def export(public_id: str, number: int) -> Response:
    """Download a version as its exact Markdown text."""
    scenario = get_scenario(public_id)
    saved = get_version(scenario, number)
    record_audit("scenario_exported", scenario, detail={"version": number})
    db.session.commit()
    response = make_response(saved.source)
    response.mimetype = "text/markdown"
    response.charset = "utf-8"
    filename = screens.export_filename(saved.source, number)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<public_id>/diff")
@role_required(Role.AUTHOR)
def diff(public_id: str) -> str:
    """Compare two saved versions: changed lines and what changed in the scenario's structure."""
    scenario = get_scenario(public_id)
    old = get_version(scenario, number_arg("a") or 0)
    new = get_version(scenario, number_arg("b") or 0)
    return render_template(
        "authoring/diff.html",
        scenario=scenario,
        versions=scenario.versions(),
        old=old,
        new=new,
        comparison=graphs.comparison(old.source, new.source),
    )
