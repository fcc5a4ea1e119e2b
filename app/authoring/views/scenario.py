"""One scenario's overview, and what its owner decides there: co-authors, sharing and retiring."""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import render_template
from flask_login import current_user
from flask_wtf import FlaskForm

from app.audit.record import record_audit
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
from app.authoring.loading import current_author
from app.authoring.loading import get_scenario
from app.authoring.refusals import refusal_text
from app.authoring.refusals import refused
from app.extensions import db
from app.i18n import gettext as _
from app.models import Role
from app.models import User
from app.models.authoring import AuthoredScenario
from app.models.authoring import Sharing


def overview(scenario: AuthoredScenario, status: int = 200, **forms: FlaskForm) -> tuple[str, int]:
    """The scenario's overview; forms given carry what was posted, with the errors marked on their fields."""
    latest = queries.version_to_try(current_user, scenario)
    page = render_template(
        "authoring/show.html",
        scenario=scenario,
        versions=scenario.versions(),
        latest=latest,
        latest_verdict=screens.verdict(latest.source) if latest else None,
        is_owner=access.is_owner(current_user, scenario),
        may_edit=access.may_edit(current_user, scenario),
        may_share=access.may_share(current_user, scenario),
        may_share_all=access.is_admin_of(current_user, scenario),
        co_author_form=forms.get("co_author_form") or co_author_form(scenario, fresh=True),
        may_review=access.may_review(current_user, scenario),
        submit_form=forms.get("submit_form") or submit_form(scenario, fresh=True),
        sharing_form=forms.get("sharing_form") or SharingForm(formdata=None, sharing=scenario.sharing.value),
        retire_form=forms.get("retire_form") or RetireForm(formdata=None),
        remove_form=RemoveCoAuthorForm(formdata=None),
        solo_ready=screens.solo_ready(),
    )
    return page, status


@bp.get("/<public_id>")
@role_required(Role.AUTHOR)
def show(public_id: str) -> tuple[str, int]:
    """Show one scenario: its state, versions, test play, review, sharing and retiring."""
    return overview(get_scenario(public_id))


@bp.post("/<public_id>/sharing")
@role_required(Role.AUTHOR)
def sharing(public_id: str) -> Response | tuple[str, int]:
    """Choose whether the published scenario goes to our organisation only or to all organisations."""
    scenario = get_scenario(public_id)
    if not access.may_share(current_user, scenario):
        abort(403)
    form = SharingForm()
    if not form.validate_on_submit():
        return overview(scenario, 422, sharing_form=form)
    try:
        services.set_sharing(scenario, Sharing(form.sharing.data), current_author())
    except services.AuthoringError as error:
        db.session.rollback()
        form.sharing.errors = [refusal_text(error)]
        return overview(scenario, 403 if error.reason == "share_all" else 422, sharing_form=form)
    record_audit("scenario_sharing_changed", scenario, detail={"sharing": scenario.sharing.value})
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
def retire(public_id: str) -> Response | tuple[str, int]:
    """Take the scenario out of the library; drills already made keep their version."""
    scenario = get_scenario(public_id, own=True)
    form = RetireForm()
    if not form.validate_on_submit():
        return overview(scenario, 422, retire_form=form)
    try:
        services.retire(scenario)
    except services.AuthoringError as error:
        return refused(scenario, error)
    record_audit("scenario_retired", scenario)
    db.session.commit()
    done = _("Scenariet er trukket tilbake fra biblioteket. Øvelser som er laget, beholder sin versjon.")
    return back_to(scenario, done)
