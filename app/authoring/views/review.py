"""Review and publishing: a version sent to a reviewer, comments on its lines, approving or sending back."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

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
from app.authoring.refusals import refused
from app.extensions import db
from app.models import Role
from app.models import User
from app.models.authoring import AuthoredScenario


@bp.post("/<public_id>/submit")
@role_required(Role.AUTHOR)
def submit(public_id: str) -> Response:
    """Send a saved, error-free version to a reviewer."""
    scenario = get_scenario(public_id, own=True)
    form = submit_form(scenario)
    if not form.validate_on_submit():
        return back_to(scenario, _("Velg en lagret versjon og hvem som skal vurdere den."), "error")
    reviewer = db.session.get(User, int(form.reviewer.data))
    try:
        services.submit_for_review(scenario, form.version.data, reviewer)
    except services.AuthoringError as error:
        return refused(scenario, error)
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


@bp.get("/<public_id>/review")
@role_required(Role.AUTHOR)
def review(public_id: str) -> str:
    """Show the version under review line by line, with comments beside their lines."""
    scenario = get_scenario(public_id)
    saved = get_version(scenario, scenario.review_number or 0)
    comments = services.comments_for(scenario, saved)
    return render_template(
        "authoring/review.html",
        scenario=scenario,
        general=[c for c in comments if c.line is None],
        may_comment=access.may_comment(current_user, scenario),
        may_review=access.may_review(current_user, scenario),
        comment_form=CommentForm(line=request.args.get("line", type=int)),
        decision_form=DecisionForm(),
        **screens.saved_version_context(saved, comments, access.may_read_version(current_user, saved)),
    )


@bp.post("/<public_id>/comments")
@role_required(Role.AUTHOR)
def comment(public_id: str) -> Response:
    """Add a comment on a line of the version under review."""
    scenario = get_scenario(public_id)
    if not access.may_comment(current_user, scenario):
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(" ".join(form.body.errors + form.line.errors) or _("Skriv kommentaren."), "error")
    else:
        services.add_comment(scenario, current_author(), form.line.data, form.body.data)
        db.session.commit()
        flash(_("Kommentaren er lagret."), "success")
    anchor = f"line-{form.line.data}" if form.line.data else "comments"
    return redirect(url_for("authoring.review", public_id=scenario.public_id, _anchor=anchor), 303)


Decide = Callable[[AuthoredScenario, User, str], AuthoredScenario]


def _decision(public_id: str, action: Decide, done: str) -> Response:
    """Approve or send back, for reviewers only (the owner gets 403)."""
    scenario = get_scenario(public_id)
    if not access.may_review(current_user, scenario):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    action(scenario, current_author(), form.body.data or "")
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
    """Send the scenario back to its owner as a draft, with the comments kept."""
    return _decision(public_id, services.send_back, _("Scenariet er sendt tilbake til forfatteren."))
