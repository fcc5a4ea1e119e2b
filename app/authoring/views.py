"""The authoring workspace: my scenarios, the editor with live preview and autosave, versions, review.

Scenarios are loaded through ``_get_scenario``, which answers 404 for anything the user may not see
(another organisation's drafts, other authors' drafts) and 403 when a reviewer tries an owner's
action such as editing the text.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy import select
from wtforms import SelectChoice

from app.auth.decorators import role_required
from app.authoring import access
from app.authoring import screens
from app.authoring import services
from app.authoring.forms import CoAuthorForm
from app.authoring.forms import CommentForm
from app.authoring.forms import CopyForm
from app.authoring.forms import DecisionForm
from app.authoring.forms import EditorForm
from app.authoring.forms import ImportForm
from app.authoring.forms import PreviewForm
from app.authoring.forms import RemoveCoAuthorForm
from app.authoring.forms import RetireForm
from app.authoring.forms import SharingForm
from app.authoring.forms import SubmitForm
from app.authoring.forms import TemplateForm
from app.extensions import db
from app.htmx import render
from app.library import library_versions
from app.models import Role
from app.models import ScenarioVersion
from app.models import User
from app.models.authoring import AuthoredScenario
from app.models.authoring import AuthoringState
from app.models.authoring import CoAuthor
from app.models.authoring import Sharing

bp = Blueprint("authoring", __name__, url_prefix="/authoring")

ERROR_TEXTS = {
    "too_large": lambda: _("Fila er for stor. Et scenario kan være høyst 5 MB."),
    "encoding": lambda: _(
        "Fila kan ikke leses som tekst. Lagre den som UTF-8-tekst (Markdown, .md) og prøv igjen."
    ),
    "unchanged": lambda: _("Teksten er lik den siste versjonen, så ingen ny versjon ble lagret."),
    "state": lambda: _("Det går ikke i scenariets nåværende tilstand."),
    "no_version": lambda: _("Den versjonen finnes ikke."),
    "errors": lambda: _("Versjonen har feil. Rett feilene, lagre en ny versjon og send den."),
    "reviewer": lambda: _("Velg en annen forfatter eller en administrator i organisasjonen din."),
    "forbidden": lambda: _("Du kan ikke gjøre dette med scenariet."),
    "co_author": lambda: _("Velg en annen forfatter i organisasjonen din, som ikke vurderer scenariet."),
}


def _error_text(error: services.AuthoringError) -> str:
    """The author-facing sentence for a refused action."""
    return ERROR_TEXTS.get(error.reason, ERROR_TEXTS["state"])()


def _me() -> User:
    """The logged-in user as a model object, for services."""
    return current_user._get_current_object()


def _get_scenario(public_id: str, edit: bool = False, own: bool = False) -> AuthoredScenario:
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


def _get_version(scenario: AuthoredScenario, number: int) -> ScenarioVersion:
    """One saved version of the scenario, or 404."""
    version = scenario.version(number)
    if version is None:
        abort(404)
    return version


def _back_to(scenario: AuthoredScenario) -> Response:
    """Go to the scenario's overview (303, so reloading never repeats the action)."""
    return redirect(url_for("authoring.show", public_id=scenario.public_id), 303)


# --- Workspace ---------------------------------------------------------------------------------


def _copy_choices() -> list[SelectChoice]:
    """Scenarios an author may start from: the library (built-in and published) and their own."""
    library = [SelectChoice(f"v{v.id}", v.title) for v in library_versions(current_user.organisation_id)]
    own = [SelectChoice(f"s{s.public_id}", _("%(title)s (mitt)", title=s.title)) for s in _my_scenarios()]
    return [SelectChoice("", _("Velg et scenario")), *library, *own]


def _my_scenarios() -> list[AuthoredScenario]:
    """The scenarios the user owns or writes along on, most recently changed first."""
    co_written = select(CoAuthor.authored_scenario_id).where(CoAuthor.user_id == current_user.id)
    query = select(AuthoredScenario).where(
        or_(AuthoredScenario.owner_id == current_user.id, AuthoredScenario.id.in_(co_written))
    )
    return list(db.session.scalars(query.order_by(AuthoredScenario.updated_at.desc(), AuthoredScenario.id)))


def _waiting_for_me() -> list[AuthoredScenario]:
    """Scenarios in review that the user is asked, or as administrator allowed, to review."""
    query = select(AuthoredScenario).where(
        AuthoredScenario.state == AuthoringState.REVIEW,
        AuthoredScenario.organisation_id == current_user.organisation_id,
        AuthoredScenario.owner_id != current_user.id,
    )
    if not current_user.has_role(Role.ADMIN):
        query = query.where(AuthoredScenario.reviewer_id == current_user.id)
    return list(db.session.scalars(query.order_by(AuthoredScenario.updated_at)))


def _workspace(status: int = 200, **forms: Any) -> tuple[str, int]:
    """Render the workspace with fresh forms, or the ones given (carrying errors)."""
    copy_form = forms.get("copy_form") or CopyForm()
    copy_form.source.choices = _copy_choices()
    page = render_template(
        "authoring/index.html",
        scenarios=_my_scenarios(),
        waiting=_waiting_for_me(),
        template_form=forms.get("template_form") or TemplateForm(),
        copy_form=copy_form,
        import_form=forms.get("import_form") or ImportForm(),
    )
    return page, status


@bp.get("/")
@role_required(Role.AUTHOR)
def index() -> tuple[str, int]:
    """Show my scenarios with their state, the ones waiting for my review, and ways to start a new one."""
    return _workspace()


def _created(scenario: AuthoredScenario) -> Response:
    """Open the editor on a scenario just created."""
    return redirect(url_for("authoring.edit", public_id=scenario.public_id), 303)


@bp.post("/new/template")
@role_required(Role.AUTHOR)
def create_from_template() -> Response | tuple[str, int]:
    """Start a new draft from the starter scenario."""
    form = TemplateForm()
    if not form.validate_on_submit():
        return _workspace(400, template_form=form)
    scenario = services.create_scenario(_me(), services.starter_text())
    db.session.commit()
    flash(_("Et nytt utkast er laget fra malen. Skriv om casen til din egen."), "success")
    return _created(scenario)


def _copy_source(value: str) -> str | None:
    """The text of the chosen scenario, if the user may read it."""
    if value.startswith("v") and value[1:].isdigit():
        version = db.session.get(ScenarioVersion, int(value[1:]))
        allowed = {v.id for v in library_versions(current_user.organisation_id)}
        return version.source if version is not None and version.id in allowed else None
    if value.startswith("s"):
        own = db.session.scalar(
            select(AuthoredScenario).where(
                AuthoredScenario.public_id == value[1:], AuthoredScenario.owner_id == current_user.id
            )
        )
        return own.working_text if own is not None else None
    return None


@bp.post("/new/copy")
@role_required(Role.AUTHOR)
def create_copy() -> Response | tuple[str, int]:
    """Start a new draft from a copy of a library scenario or one of my own."""
    form = CopyForm()
    form.source.choices = _copy_choices()
    text = _copy_source(form.source.data or "") if form.validate_on_submit() else None
    if text is None:
        if not form.source.errors:
            form.source.errors = [_("Velg et scenario fra lista.")]
        return _workspace(400, copy_form=form)
    scenario = services.create_scenario(_me(), text)
    db.session.commit()
    flash(_("Et nytt utkast er laget som kopi. Gi det en egen id og tittel i toppteksten."), "success")
    return _created(scenario)


@bp.post("/import")
@role_required(Role.AUTHOR)
def import_file() -> Response | tuple[str, int]:
    """Import a .md file as a new draft; a file with errors is kept so the author can fix it."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _workspace(400, import_form=form)
    upload = form.file.data
    try:
        data = upload.read(services.MAX_UPLOAD_BYTES + 1)
    finally:
        # Large uploads are spooled to a temporary file; close it now rather than at garbage collection.
        upload.close()
    try:
        text = services.decode_upload(data)
    except services.AuthoringError as error:
        form.file.errors = [_error_text(error)]
        return _workspace(400, import_form=form)
    scenario = services.create_scenario(_me(), text)
    db.session.commit()
    errors = screens.verdict(text).errors
    if errors:
        flash(
            _(
                "Fila er lastet inn, men har %(count)d feil. Rett dem i editoren; hver feil viser linja.",
                count=len(errors),
            ),
            "info",
        )
    else:
        flash(_("Fila er lastet inn uten feil."), "success")
    return _created(scenario)


# --- Overview ----------------------------------------------------------------------------------


def _co_author_form(scenario: AuthoredScenario) -> CoAuthorForm:
    """The invite form with the organisation's other authors as choices."""
    form = CoAuthorForm()
    form.user.choices = [SelectChoice("", _("Velg"))] + [
        SelectChoice(str(u.id), u.display_name) for u in services.co_author_candidates(scenario)
    ]
    return form


def _solo_ready() -> bool:
    """Whether the solo player is installed, so test play can be offered."""
    return "solo.start" in current_app.view_functions


@bp.get("/<public_id>")
@role_required(Role.AUTHOR)
def show(public_id: str) -> str:
    """Show one scenario: its state, versions, test play, review, sharing and retiring."""
    scenario = _get_scenario(public_id)
    versions = scenario.versions()
    submit_form = SubmitForm()
    submit_form.version.choices = [SelectChoice(v.number, _("Versjon %(n)d", n=v.number)) for v in versions]
    submit_form.reviewer.choices = [SelectChoice("", _("Velg"))] + [
        SelectChoice(str(u.id), u.display_name) for u in services.reviewers_for(scenario)
    ]
    # Writers try their newest version; a reviewer the one they review (the one they may play).
    if access.may_edit(current_user, scenario):
        latest = versions[0] if versions else None
    else:
        latest = scenario.version(scenario.review_number or scenario.published_number)
    return render_template(
        "authoring/show.html",
        scenario=scenario,
        versions=versions,
        latest=latest,
        latest_verdict=screens.verdict(latest.source) if latest else None,
        is_owner=access.is_owner(current_user, scenario),
        may_edit=access.may_edit(current_user, scenario),
        co_author_form=_co_author_form(scenario),
        may_review=access.may_review(current_user, scenario),
        submit_form=submit_form,
        sharing_form=SharingForm(sharing=scenario.sharing.value),
        retire_form=RetireForm(),
        remove_form=RemoveCoAuthorForm(),
        solo_ready=_solo_ready(),
    )


# --- Editor ------------------------------------------------------------------------------------


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


@bp.get("/<public_id>/edit")
@role_required(Role.AUTHOR)
def edit(public_id: str) -> str:
    """Show the editor: the text with line numbers, the diagnostics beside it and a role's view."""
    scenario = _get_scenario(public_id, edit=True)
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
    scenario = _get_scenario(public_id, edit=True)
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
    scenario = _get_scenario(public_id, edit=True)
    form = EditorForm()
    if not form.validate_on_submit() or not (form.revision.data or "").isdigit():
        abort(400)
    try:
        scenario = services.save_working_copy(scenario, form.text.data or "", int(form.revision.data))
    except services.StaleRevision:
        db.session.rollback()
        return _save_status(scenario, conflict=True)
    db.session.commit()
    return _save_status(scenario)


@bp.post("/<public_id>/versions")
@role_required(Role.AUTHOR)
def save_version(public_id: str) -> Response | tuple[str, int]:
    """Save the editor's text and store it as the next immutable, numbered version."""
    scenario = _get_scenario(public_id, edit=True)
    form = EditorForm()
    if not form.validate_on_submit() or not (form.revision.data or "").isdigit():
        return _editor_again(scenario, form, 400)
    try:
        services.save_working_copy(scenario, form.text.data or "", int(form.revision.data))
        version = services.save_version(scenario, _me(), form.note.data or "")
    except services.StaleRevision:
        db.session.rollback()
        flash(_("Teksten er endret i en annen fane etter at du åpnet den. Ingenting ble lagret."), "error")
        return _editor_again(scenario, form, 409)
    except services.AuthoringError as error:
        db.session.rollback()
        flash(_error_text(error), "info")
        return redirect(url_for("authoring.edit", public_id=scenario.public_id), 303)
    db.session.commit()
    flash(_("Versjon %(n)d er lagret.", n=version.number), "success")
    return _back_to(scenario)


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


# --- Versions, export, graph and explorer --------------------------------------------------------


@bp.get("/<public_id>/versions")
@role_required(Role.AUTHOR)
def versions(public_id: str) -> str:
    """List every saved version, with a form to compare any two."""
    scenario = _get_scenario(public_id)
    return render_template("authoring/versions.html", scenario=scenario, versions=scenario.versions())


@bp.get("/<public_id>/versions/<int:number>")
@role_required(Role.AUTHOR)
def version(public_id: str, number: int) -> str:
    """Show one saved version with line numbers and the checker's verdict."""
    scenario = _get_scenario(public_id)
    saved = _get_version(scenario, number)
    return render_template(
        "authoring/version.html",
        scenario=scenario,
        version=saved,
        verdict=screens.verdict(saved.source),
        lines=screens.numbered_lines(saved.source, services.comments_for(scenario, saved)),
        solo_ready=_solo_ready() and access.may_read_version(current_user, saved),
    )


@bp.get("/<public_id>/versions/<int:number>/export")
@role_required(Role.AUTHOR)
def export(public_id: str, number: int) -> Response:
    """Download a version as its exact Markdown text."""
    scenario = _get_scenario(public_id)
    saved = _get_version(scenario, number)
    model = screens.verdict(saved.source).scenario
    stem = (model.meta.id if model and model.meta.id else "scenario").replace('"', "")
    response = make_response(saved.source)
    response.mimetype = "text/markdown"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}-v{number}.md"'
    return response


def _source_for(scenario: AuthoredScenario) -> tuple[str, ScenarioVersion | None]:
    """The text a read-only page shows: ``?version=n`` if given, else the working copy (owner) or latest."""
    number = request.args.get("version", type=int)
    if number is not None:
        saved = _get_version(scenario, number)
        return saved.source, saved
    if access.may_edit(current_user, scenario):
        return scenario.working_text, None
    saved = _get_version(scenario, scenario.review_number or scenario.latest_number)
    return saved.source, saved


@bp.get("/<public_id>/explore")
@role_required(Role.AUTHOR)
def explore(public_id: str) -> str | tuple[str, int]:
    """Run the explorer on a version and show which scenes and endings a team can reach."""
    scenario = _get_scenario(public_id)
    text, saved = _source_for(scenario)
    verdict = screens.verdict(text)
    page = screens.explorer_page(verdict.scenario) if verdict.scenario is not None else None
    return render_template(
        "authoring/explore.html", scenario=scenario, version=saved, verdict=verdict, page=page
    )


@bp.get("/<public_id>/graph")
@role_required(Role.AUTHOR)
def graph(public_id: str) -> str:
    """Draw the scene graph of a version, each node linked to its line in the editor."""
    from app.authoring import graphs

    scenario = _get_scenario(public_id)
    text, saved = _source_for(scenario)
    verdict = screens.verdict(text)
    drawing = graphs.drawing(scenario, verdict.scenario, access.may_edit(current_user, scenario), saved)
    return render_template(
        "authoring/graph.html", scenario=scenario, version=saved, verdict=verdict, drawing=drawing
    )


@bp.get("/<public_id>/diff")
@role_required(Role.AUTHOR)
def diff(public_id: str) -> str:
    """Compare two saved versions: changed lines and what changed in the scenario's structure."""
    from app.authoring import graphs

    scenario = _get_scenario(public_id)
    old = _get_version(scenario, request.args.get("a", type=int) or 0)
    new = _get_version(scenario, request.args.get("b", type=int) or 0)
    return render_template(
        "authoring/diff.html",
        scenario=scenario,
        versions=scenario.versions(),
        old=old,
        new=new,
        comparison=graphs.comparison(old.source, new.source),
    )


# --- Review and publishing -----------------------------------------------------------------------


@bp.post("/<public_id>/submit")
@role_required(Role.AUTHOR)
def submit(public_id: str) -> Response:
    """Send a saved, error-free version to a reviewer."""
    scenario = _get_scenario(public_id, own=True)
    form = SubmitForm()
    form.version.choices = [SelectChoice(v.number, str(v.number)) for v in scenario.versions()]
    form.reviewer.choices = [
        SelectChoice(str(u.id), u.display_name) for u in services.reviewers_for(scenario)
    ]
    if not form.validate_on_submit():
        flash(_("Velg en lagret versjon og hvem som skal vurdere den."), "error")
        return _back_to(scenario)
    reviewer = db.session.get(User, int(form.reviewer.data))
    try:
        services.submit_for_review(scenario, form.version.data, reviewer)
    except services.AuthoringError as error:
        db.session.rollback()
        flash(_error_text(error), "error")
        return _back_to(scenario)
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
    return _back_to(scenario)


@bp.get("/<public_id>/review")
@role_required(Role.AUTHOR)
def review(public_id: str) -> str:
    """Show the version under review line by line, with comments beside their lines."""
    scenario = _get_scenario(public_id)
    saved = _get_version(scenario, scenario.review_number or 0)
    comments = services.comments_for(scenario, saved)
    return render_template(
        "authoring/review.html",
        scenario=scenario,
        version=saved,
        verdict=screens.verdict(saved.source),
        lines=screens.numbered_lines(saved.source, comments),
        general=[c for c in comments if c.line is None],
        may_comment=access.may_comment(current_user, scenario),
        may_review=access.may_review(current_user, scenario),
        comment_form=CommentForm(line=request.args.get("line", type=int)),
        decision_form=DecisionForm(),
        solo_ready=_solo_ready() and access.may_read_version(current_user, saved),
    )


@bp.post("/<public_id>/comments")
@role_required(Role.AUTHOR)
def comment(public_id: str) -> Response:
    """Add a comment on a line of the version under review."""
    scenario = _get_scenario(public_id)
    if not access.may_comment(current_user, scenario):
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(" ".join(form.body.errors + form.line.errors) or _("Skriv kommentaren."), "error")
    else:
        services.add_comment(scenario, _me(), form.line.data, form.body.data)
        db.session.commit()
        flash(_("Kommentaren er lagret."), "success")
    anchor = f"line-{form.line.data}" if form.line.data else "comments"
    return redirect(url_for("authoring.review", public_id=scenario.public_id, _anchor=anchor), 303)


def _decision(public_id: str, action: Any, done: str) -> Response:
    """Approve or send back, for reviewers only (the owner gets 403)."""
    scenario = _get_scenario(public_id)
    if not access.may_review(current_user, scenario):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    action(scenario, _me(), form.body.data or "")
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


@bp.post("/<public_id>/sharing")
@role_required(Role.AUTHOR)
def sharing(public_id: str) -> Response:
    """Choose whether the published scenario goes to our organisation only or to all organisations."""
    scenario = _get_scenario(public_id, own=True)
    form = SharingForm()
    if not form.validate_on_submit():
        flash(_("Velg hvem som skal få scenariet."), "error")
        return _back_to(scenario)
    services.set_sharing(scenario, Sharing(form.sharing.data))
    db.session.commit()
    flash(_("Delingen er lagret."), "success")
    return _back_to(scenario)


@bp.post("/<public_id>/co-authors")
@role_required(Role.AUTHOR)
def add_co_author(public_id: str) -> Response:
    """Invite another author of the organisation to write the scenario along with the owner."""
    scenario = _get_scenario(public_id, own=True)
    form = _co_author_form(scenario)
    if not form.validate_on_submit():
        flash(_("Velg hvem som skal skrive med deg."), "error")
        return _back_to(scenario)
    user = db.session.get(User, int(form.user.data))
    try:
        services.add_co_author(scenario, user)
    except services.AuthoringError as error:
        db.session.rollback()
        flash(_error_text(error), "error")
        return _back_to(scenario)
    db.session.commit()
    flash(_("%(name)s kan nå skrive i scenariet.", name=user.display_name), "success")
    return _back_to(scenario)


@bp.post("/<public_id>/co-authors/<int:user_id>/remove")
@role_required(Role.AUTHOR)
def remove_co_author(public_id: str, user_id: int) -> Response:
    """Stop a co-author's access to the scenario."""
    scenario = _get_scenario(public_id, own=True)
    if not RemoveCoAuthorForm().validate_on_submit():
        abort(400)
    services.remove_co_author(scenario, user_id)
    db.session.commit()
    flash(_("Medforfatteren er fjernet."), "success")
    return _back_to(scenario)


@bp.post("/<public_id>/retire")
@role_required(Role.AUTHOR)
def retire(public_id: str) -> Response:
    """Take the scenario out of the library; drills already made keep their version."""
    scenario = _get_scenario(public_id, own=True)
    if not RetireForm().validate_on_submit():
        abort(400)
    try:
        services.retire(scenario)
    except services.AuthoringError as error:
        db.session.rollback()
        flash(_error_text(error), "error")
        return _back_to(scenario)
    db.session.commit()
    flash(
        _("Scenariet er trukket tilbake fra biblioteket. Øvelser som er laget, beholder sin versjon."),
        "success",
    )
    return _back_to(scenario)
