"""What an authoring request names, loaded with its access checks, and the way back to it.

Scenarios are loaded through ``get_scenario``, which answers 404 for anything the user may not see
(another organisation's drafts, other authors' drafts) and 403 when a reviewer tries an owner's
action such as editing the text.
"""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from app.authoring import access
from app.errors import or_404
from app.extensions import db
from app.models import ScenarioVersion
from app.models import User
from app.models.authoring import AuthoredScenario


def current_author() -> User:
    """The logged-in user as a model object, for services."""
    return current_user._get_current_object()


def get_scenario(public_id: str, edit: bool = False, own: bool = False) -> AuthoredScenario:
    """Load a scenario the user may see (404 otherwise); 403 when ``edit`` or ``own`` asks for more.

    ``edit`` is for its writers (the owner and the co-authors), ``own`` for the owner alone.
    """
    scenario = db.first_or_404(select(AuthoredScenario).where(AuthoredScenario.public_id == public_id))
    if not access.may_view(current_user, scenario):
        abort(404)
    if edit and not access.may_edit(current_user, scenario):
        abort(403)
    if own and not access.is_owner(current_user, scenario):
        abort(403)
    return scenario


def get_version(scenario: AuthoredScenario, number: int) -> ScenarioVersion:
    """One saved version of the scenario, or 404."""
    return or_404(scenario.version(number))


# The largest number a version (or line) column holds on every database; a bigger query value is no version.
MAX_NUMBER = 2**31 - 1


def number_arg(name: str) -> int | None:
    """A whole number from the query string, None when absent or not a number; 404 beyond any version."""
    number = request.args.get(name, type=int)
    if number is not None and not 0 <= number <= MAX_NUMBER:
        abort(404)
    return number


def source_for(scenario: AuthoredScenario) -> tuple[str, ScenarioVersion | None]:
    """The text a read-only page shows: ``?version=n`` if given, else the working copy (owner) or latest."""
    number = number_arg("version")
    if number is not None:
        saved = get_version(scenario, number)
        return saved.source, saved
    if access.may_edit(current_user, scenario):
        return scenario.working_text, None
    saved = get_version(scenario, scenario.review_number or scenario.latest_number)
    return saved.source, saved


def back_to(scenario: AuthoredScenario, message: str | None = None, category: str = "success") -> Response:
    """Go to the scenario's overview with ``message`` (303, so reloading never repeats the action)."""
    if message is not None:
        flash(message, category)
    return redirect(url_for("authoring.show", public_id=scenario.public_id), 303)
