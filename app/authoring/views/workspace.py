"""The workspace: my scenarios, those waiting for my review, and new drafts from a template, copy or file."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.decorators import role_required
from app.authoring import queries
from app.authoring import screens
from app.authoring import services
from app.authoring.blueprint import bp
from app.authoring.forms import CopyForm
from app.authoring.forms import ImportForm
from app.authoring.forms import TemplateForm
from app.authoring.forms import copy_choices
from app.authoring.loading import current_author
from app.authoring.refusals import refusal_text
from app.errors import ERROR_TEXTS
from app.errors import render_error
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import ngettext
from app.models import Role
from app.models.authoring import AuthoredScenario


def _workspace(status: int = 200, **forms: Any) -> tuple[str, int]:
    """Render the workspace with fresh forms, or the ones given (carrying errors)."""
    me = current_author()
    copy_form = forms.get("copy_form") or CopyForm(formdata=None)
    copy_form.source.choices = copy_choices(me)
    page = render_template(
        "authoring/index.html",
        scenarios=queries.my_scenarios(me),
        waiting=queries.waiting_for(me),
        template_form=forms.get("template_form") or TemplateForm(formdata=None),
        copy_form=copy_form,
        import_form=forms.get("import_form") or ImportForm(formdata=None),
    )
    return page, status


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Response | tuple[str, int]:
    """An upload over the app's size limit: the import form again with the limit on its file field.

    The body is never read, so every form is built without posted data.
    """
    if request.endpoint != "authoring.import_file" or not current_user.is_authenticated:
        return render_error(413, str(ERROR_TEXTS[413][0]), str(ERROR_TEXTS[413][1]))
    form = ImportForm(formdata=None)
    form.file.errors = [_("Fila er for stor (høyst 5 MB).")]
    return _workspace(413, import_form=form)


def _created(scenario: AuthoredScenario) -> Response:
    """Open the editor on a scenario just created."""
    return redirect(url_for("authoring.edit", public_id=scenario.public_id), 303)


@bp.get("/")
@role_required(Role.AUTHOR)
def index() -> tuple[str, int]:
    """Show my scenarios with their state, the ones waiting for my review, and ways to start a new one."""
    return _workspace()


@bp.post("/new/template")
@role_required(Role.AUTHOR)
def create_from_template() -> Response | tuple[str, int]:
    """Start a new draft from the starter scenario."""
    form = TemplateForm()
    if not form.validate_on_submit():
        return _workspace(400, template_form=form)
    scenario = services.create_scenario(current_author(), services.starter_text())
    db.session.commit()
    flash(_("Et nytt utkast er laget fra malen. Skriv om casen til din egen."), "success")
    return _created(scenario)


@bp.post("/new/copy")
@role_required(Role.AUTHOR)
def create_copy() -> Response | tuple[str, int]:
    """Start a new draft from a copy of a library scenario or one of my own."""
    me = current_author()
    form = CopyForm()
    form.source.choices = copy_choices(me)
    text = queries.copy_source(me, form.source.data or "") if form.validate_on_submit() else None
    if text is None:
        if not form.source.errors:
            form.source.errors = [_("Velg et scenario fra lista.")]
        return _workspace(400, copy_form=form)
    scenario = services.create_scenario(me, services.renamed_as_copy(text))
    db.session.commit()
    flash(
        _(
            "Et nytt utkast er laget som kopi, med «-kopi» i id-en og «(kopi)» i tittelen. "
            "Gi det gjerne en egen id og tittel i toppteksten."
        ),
        "success",
    )
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
        form.file.errors = [refusal_text(error)]
        return _workspace(400, import_form=form)
    scenario = services.create_scenario(current_author(), text)
    db.session.commit()
    errors = screens.verdict(text).errors
    if errors:
        flash(
            ngettext(
                "Fila er lastet inn, men har %(num)d feil. Rett den i editoren; feilen viser linja.",
                "Fila er lastet inn, men har %(num)d feil. Rett dem i editoren; hver feil viser linja.",
                len(errors),
            ),
            "info",
        )
    else:
        flash(_("Fila er lastet inn uten feil."), "success")
    return _created(scenario)
