"""One scenario's overview, and what its owner decides there: co-authors, sharing and retiring."""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import role_required
from app.authoring import access
from app.authoring import queries
from app.authoring import screens
from app.authoring import services
from app.authoring.blueprint import bp
from app.authoring.forms import RemoveCoAuthorForm
from app.authoring.forms import RetireForm
from app.authoring.forms import SharingForm
from app.authoring.forms import co_author_form
from app.authoring.forms import submit_form
from app.authoring.loading import back_to
from app.authoring.loading import get_scenario
from app.authoring.refusals import refused
from app.extensions import db
from app.models import Role
from app.models import User
from app.models.authoring import Sharing


@bp.get("/<public_id>")
@role_required(Role.AUTHOR)
def show(public_id: str) -> str:
    """Show one scenario: its state, versions, test play, review, sharing and retiring."""
    scenario = get_scenario(public_id)
    latest = queries.version_to_try(current_user, scenario)
    return render_template(
        "authoring/show.html",
        scenario=scenario,
        versions=scenario.versions(),
        latest=latest,
        latest_verdict=screens.verdict(latest.source) if latest else None,
        is_owner=access.is_owner(current_user, scenario),
        may_edit=access.may_edit(current_user, scenario),
        co_author_form=co_author_form(scenario),
        may_review=access.may_review(current_user, scenario),
        submit_form=submit_form(scenario),
        sharing_form=SharingForm(sharing=scenario.sharing.value),
        retire_form=RetireForm(),
        remove_form=RemoveCoAuthorForm(),
        solo_ready=screens.solo_ready(),
    )


@bp.post("/<public_id>/sharing")
@role_required(Role.AUTHOR)
def sharing(public_id: str) -> Response:
    """Choose whether the published scenario goes to our organisation only or to all organisations."""
    scenario = get_scenario(public_id, own=True)
    form = SharingForm()
    if not form.validate_on_submit():
        return back_to(scenario, _("Velg hvem som skal få scenariet."), "error")
    services.set_sharing(scenario, Sharing(form.sharing.data))
    db.session.commit()
    return back_to(scenario, _("Delingen er lagret."))


@bp.post("/<public_id>/co-authors")
@role_required(Role.AUTHOR)
def add_co_author(public_id: str) -> Response:
    """Invite another author of the organisation to write the scenario along with the owner."""
    scenario = get_scenario(public_id, own=True)
    form = co_author_form(scenario)
    if not form.validate_on_submit():
        return back_to(scenario, _("Velg hvem som skal skrive med deg."), "error")
    user = db.session.get(User, int(form.user.data))
    try:
        services.add_co_author(scenario, user)
    except services.AuthoringError as error:
        return refused(scenario, error)
    db.session.commit()
    return back_to(scenario, _("%(name)s kan nå skrive i scenariet.", name=user.display_name))


@bp.post("/<public_id>/co-authors/<int:user_id>/remove")
@role_required(Role.AUTHOR)
def remove_co_author(public_id: str, user_id: int) -> Response:
    """Stop a co-author's access to the scenario."""
    scenario = get_scenario(public_id, own=True)
    if not RemoveCoAuthorForm().validate_on_submit():
        abort(400)
    services.remove_co_author(scenario, user_id)
    db.session.commit()
    return back_to(scenario, _("Medforfatteren er fjernet."))


@bp.post("/<public_id>/retire")
@role_required(Role.AUTHOR)
def retire(public_id: str) -> Response:
    """Take the scenario out of the library; drills already made keep their version."""
    scenario = get_scenario(public_id, own=True)
    if not RetireForm().validate_on_submit():
        abort(400)
    try:
        services.retire(scenario)
    except services.AuthoringError as error:
        return refused(scenario, error)
    db.session.commit()
    done = _("Scenariet er trukket tilbake fra biblioteket. Øvelser som er laget, beholder sin versjon.")
    return back_to(scenario, done)
