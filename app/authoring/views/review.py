"""Review and publishing: a version sent to a reviewer, comments on its lines, approving or sending back."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.authoring import access
from app.authoring import screens
from app.authoring import services
from app.authoring.blueprint import bp
from app.authoring.forms import CommentForm
from app.authoring.forms import DecisionForm
from app.authoring.forms import submit_form
from app.authoring.loading import back_to
from app.authoring.loading import current_author
from app.authoring.loading import get_scenario
from app.authoring.loading import get_version
from app.authoring.loading import number_arg
from app.authoring.refusals import refusal_text
from app.authoring.refusals import refused
from app.authoring.views.scenario import overview
from app.extensions import db
from app.i18n import gettext as _
from app.models import Role
from app.models import User
from app.models.authoring import AuthoredScenario


@bp.post("/<public_id>/submit")
@role_required(Role.AUTHOR)
def submit(public_id: str) -> Response | tuple[str, int]:
    """Send a saved, error-free version to a reviewer; a refusal comes back marked on the form."""
    scenario = get_scenario(public_id, own=True)
    form = submit_form(scenario)
    if not form.validate_on_submit():
        return overview(scenario, 422, submit_form=form)
    reviewer = db.session.get(User, int(form.reviewer.data))
    try:
        services.submit_for_review(scenario, form.version.data, reviewer)
    except services.AuthoringError as error:
        db.session.rollback()
        field = form.reviewer if error.reason == "reviewer" else form.version
        field.errors = [refusal_text(error)]
        return overview(scenario, 422, submit_form=form)
    db.session.commit()
    flash(
        _(
            "Versjon %(n)d er sendt til %(name)s for vurdering.",
            n=form.version.data,
            name=reviewer.display_name,
        ),
        "success",
    )
    if screens.verdict(scenario.version(form.version.data).source).personal_data:
        flash(
            _(
                "Advarsel: teksten ser ut til å inneholde ekte personopplysninger. "
                "Scenarier skal være fiktive."
            ),
            "error",
        )
    return back_to(scenario)


def _review_page(
    scenario: AuthoredScenario,
    comment_form: CommentForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The review page; forms given carry the author's input and the errors marked on their fields."""
    saved = get_version(scenario, scenario.review_number or 0)
    comments = services.comments_for(scenario, saved)
    page = render_template(
        "authoring/review.html",
        scenario=scenario,
        general=[c for c in comments if c.line is None],
        may_comment=access.may_comment(current_user, scenario),
        may_review=access.may_review(current_user, scenario),
        comment_form=comment_form or CommentForm(formdata=None, line=number_arg("line")),
        decision_form=decision_form or DecisionForm(formdata=None),
        **screens.saved_version_context(saved, comments, access.may_read_version(current_user, saved)),
    )
    return page, status


@bp.get("/<public_id>/review")
@role_required(Role.AUTHOR)
def review(public_id: str) -> tuple[str, int]:
    """Show the version under review line by line, with comments beside their lines."""
    return _review_page(get_scenario(public_id))


@bp.post("/<public_id>/comments")
@role_required(Role.AUTHOR)
def comment(public_id: str) -> Response | tuple[str, int]:
    """Add a comment on a line of the version under review; a bad comment comes back marked."""
    scenario = get_scenario(public_id)
    if not access.may_comment(current_user, scenario):
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        return _review_page(scenario, comment_form=form, status=422)
    try:
        services.add_comment(scenario, current_author(), form.line.data, form.body.data)
    except services.AuthoringError as error:
        if error.reason != "no_line":
            return refused(scenario, error)
        db.session.rollback()
        form.line.errors = [_("Linja finnes ikke i denne versjonen.")]
        return _review_page(scenario, comment_form=form, status=422)
    db.session.commit()
    flash(_("Kommentaren er lagret."), "success")
    anchor = f"line-{form.line.data}" if form.line.data else "comments"
    return redirect(url_for("authoring.review", public_id=scenario.public_id, _anchor=anchor), 303)


Decide = Callable[[AuthoredScenario, User, str], AuthoredScenario]


def _decision(public_id: str, action: Decide, done: str, reason_required: bool = False) -> Response:
    """Approve or send back, for reviewers only (the owner gets 403); sending back needs a reason."""
    scenario = get_scenario(public_id)
    if not access.may_review(current_user, scenario):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _review_page(scenario, decision_form=form, status=422)
    if reason_required and not (form.body.data or "").strip():
        form.body.errors = [_("Skriv kort hva forfatteren bør endre før du sender scenariet tilbake.")]
        return _review_page(scenario, decision_form=form, status=422)
    action(scenario, current_author(), form.body.data or "")
    if scenario.published_number is not None and action is services.approve:
        record_audit("scenario_published", scenario, detail={"version": scenario.published_number})
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("authoring.index"), 303)


@bp.post("/<public_id>/approve")
@role_required(Role.AUTHOR)
def approve(public_id: str) -> Response:
    """Approve the version under review: it is published to the library."""
    return _decision(public_id, services.approve, _("Scenariet er godkjent og publisert i biblioteket."))


@bp.post("/<public_id>/send-back")
@role_required(Role.AUTHOR)
def send_back(public_id: str) -> Response:
    """Send the scenario back to its owner as a draft, with the comments and the reason kept."""
    done = _("Scenariet er sendt tilbake til forfatteren.")
    return _decision(public_id, services.send_back, done, reason_required=True)
