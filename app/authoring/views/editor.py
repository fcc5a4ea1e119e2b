"""The editor: the text with its checker's verdict, a role's live preview, autosave and saving a version."""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_time

from app.auth.decorators import role_required
from app.authoring import screens
from app.authoring import services
from app.authoring.blueprint import bp
from app.authoring.forms import EditorForm
from app.authoring.forms import PreviewForm
from app.authoring.loading import back_to
from app.authoring.loading import current_author
from app.authoring.loading import get_scenario
from app.authoring.refusals import refusal_text
from app.extensions import db
from app.htmx import render
from app.i18n import gettext as _
from app.models import Role
from app.models.authoring import AuthoredScenario


def _editor_context(scenario: AuthoredScenario, text: str, role: str | None, scene: str | None) -> dict:
    """Template values shared by the editor page and its preview fragment."""
    verdict = screens.verdict(text)
    model = verdict.scenario
    return {
        "scenario": scenario,
        "verdict": verdict,
        "view": screens.role_view(model, role, scene),
        "roles": list(model.meta.roles) if model else [],
        "scenes": list(model.scenes) if model else [],
        "line_count": text.count("\n") + 1,
    }


def _posted_revision(form: EditorForm) -> int | None:
    """The revision the tab loaded the text at, or None when the form is not valid."""
    if not form.validate_on_submit() or not (form.revision.data or "").isdigit():
        return None
    return int(form.revision.data)


@bp.get("/<public_id>/edit")
@role_required(Role.AUTHOR)
def edit(public_id: str) -> str:
    """Show the editor: the text with line numbers, the diagnostics beside it and a role's view."""
    scenario = get_scenario(public_id, edit=True)
    form = EditorForm(text=scenario.working_text, revision=str(scenario.revision))
    preview = PreviewForm()
    line = request.args.get("line", type=int)
    return render_template(
        "authoring/edit.html",
        form=form,
        preview_form=preview,
        goto_line=line,
        **_editor_context(scenario, scenario.working_text, None, None),
    )


@bp.post("/<public_id>/preview")
@role_required(Role.AUTHOR)
def preview(public_id: str) -> Response:
    """Check the posted text and show the chosen role's view of the chosen scene, without saving."""
    scenario = get_scenario(public_id, edit=True)
    form = PreviewForm()
    text = form.text.data if form.validate_on_submit() else scenario.working_text
    context = _editor_context(scenario, text or "", form.role.data, form.scene.data)
    editor = EditorForm(text=text, revision=str(scenario.revision))
    return render(
        "authoring/edit.html",
        "authoring/_preview.html",
        form=editor,
        preview_form=form,
        goto_line=None,
        **context,
    )


def _save_status(scenario: AuthoredScenario, conflict: bool = False) -> Response:
    """The autosave status line (and the new revision, swapped into the editor form)."""
    response = make_response(
        render_template(
            "authoring/_save_status.html",
            scenario=scenario,
            conflict=conflict,
            saved_at=format_time(scenario.updated_at, "HH:mm"),
        ),
        409 if conflict else 200,
    )
    response.vary.add("HX-Request")
    return response


@bp.post("/<public_id>/autosave")
@role_required(Role.AUTHOR)
def autosave(public_id: str) -> Response:
    """Store the working copy; a tab holding an older revision is refused (409) and told so."""
    scenario = get_scenario(public_id, edit=True)
    form = EditorForm()
    revision = _posted_revision(form)
    if revision is None:
        abort(400)
    try:
        scenario = services.save_working_copy(scenario, form.text.data or "", revision)
    except services.StaleRevision:
        db.session.rollback()
        return _save_status(scenario, conflict=True)
    db.session.commit()
    return _save_status(scenario)


@bp.post("/<public_id>/versions")
@role_required(Role.AUTHOR)
def save_version(public_id: str) -> Response | tuple[str, int]:
    """Save the editor's text and store it as the next immutable, numbered version."""
    scenario = get_scenario(public_id, edit=True)
    form = EditorForm()
    revision = _posted_revision(form)
    if revision is None:
        return _editor_again(scenario, form, 400)
    try:
        services.save_working_copy(scenario, form.text.data or "", revision)
        version = services.save_version(scenario, current_author(), form.note.data or "")
    except services.StaleRevision:
        db.session.rollback()
        flash(_("Teksten er endret i en annen fane etter at du åpnet den. Ingenting ble lagret."), "error")
        return _editor_again(scenario, form, 409)
    except services.AuthoringError as error:
        db.session.rollback()
        flash(refusal_text(error), "info")
        return redirect(url_for("authoring.edit", public_id=scenario.public_id), 303)
    db.session.commit()
    return back_to(scenario, _("Versjon %(n)d er lagret.", n=version.number))


def _editor_again(scenario: AuthoredScenario, form: EditorForm, status: int) -> tuple[str, int]:
    """Show the editor again with the text the author sent, so nothing typed is lost."""
    db.session.refresh(scenario)
    text = form.text.data or ""
    page = render_template(
        "authoring/edit.html",
        form=form,
        preview_form=PreviewForm(),
        goto_line=None,
        stale=status == 409,
        **_editor_context(scenario, text, None, None),
    )
    return page, status
