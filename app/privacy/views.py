"""The person's own data ("Mine data"), clearing reflections, deleting one's account, and the
organisation's public privacy and accessibility statements."""

from __future__ import annotations

import json

from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import PasswordField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired

from app.admin.forms import ConfirmForm
from app.audit.record import record_audit
from app.auth import services as auth_services
from app.extensions import db
from app.i18n import gettext as _
from app.models import Organisation
from app.models import User
from app.privacy.erase import clear_reflections
from app.privacy.erase import erase_person
from app.privacy.export import personal_data
from app.privacy.export import summary
from app.xapi import outbox as xapi_outbox

bp = Blueprint("privacy", __name__)

KIND_LABELS = {
    "audit_event": _l("Hendelser i revisjonsloggen (innlogginger, endringer, eksporter)"),
    "authored_scenario": _l("Scenarioer du eier eller har vurdert"),
    "scenario_version": _l("Scenarioversjoner du har lagret"),
    "review_comment": _l("Kommentarer i vurderinger"),
    "co_author": _l("Scenarioer du skriver sammen med andre"),
    "invitation": _l("Invitasjoner du har sendt"),
    "drill": _l("Øvelser du har ledet"),
    "participant": _l("Plasser i øvelser"),
    "drill_event": _l("Valg og hendelser du har gjort i øvelser"),
    "drill_events_as_participant": _l("Valg og svar i øvelser du var med i"),
    "action_point": _l("Forbedringspunkter du har skrevet"),
    "course_progress": _l("Framdrift i kurs"),
    "lesson_completion": _l("Fullførte leksjoner"),
    "reflection_note": _l("Refleksjoner"),
    "quiz_attempt": _l("Forsøk på avsluttende quiz"),
    "course_completion": _l("Kursbevis"),
    "unit_leader": _l("Enheter du leder"),
    "solo_run": _l("Øving alene"),
    "solo_events": _l("Valg i øving alene"),
    "password_reset": _l("Lenker for nytt passord"),
    "totp_secret": _l("Tofaktorinnlogging"),
    "recovery_code": _l("Gjenopprettingskoder"),
    "oidc_identity": _l("Innlogging med Feide, ID-porten eller lignende"),
    "invitations_to_me": _l("Invitasjoner sendt til deg"),
    "audit_events_about_me": _l("Hendelser i revisjonsloggen som gjelder kontoen din"),
    "recent_failed_logins": _l("Mislykkede innlogginger siste kvarter"),
}


class ConfirmDeleteForm(FlaskForm):
    """The password and a tick, so an account is never deleted by a slip."""

    password = PasswordField(
        _l("Passordet ditt"),
        validators=[InputRequired(_l("Skriv inn passordet ditt."))],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("Jeg forstår at kontoen og dataene mine slettes, og at det ikke kan angres."),
        validators=[DataRequired(_l("Kryss av for at du forstår hva som skjer."))],
    )


def json_download(data: dict, filename: str) -> Response:
    """A JSON file the browser saves."""
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = Response(body.encode("utf-8"), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/account/data")
@login_required
def mine() -> str:
    """List what Laget holds about the logged-in person, with the download and the deleting."""
    user = current_user._get_current_object()
    # Where the data goes: the organisation's LRS, by e-mail address if the organisation chose that.
    lrs = None
    if xapi_outbox.enabled():
        lrs = "email" if user.organisation.xapi_actor_email else "account"
    return render_template(
        "privacy/mine.html", counts=summary(user), labels=KIND_LABELS, form=ConfirmForm(), lrs=lrs
    )


@bp.get("/account/data.json")
@login_required
def download() -> Response:
    """Download everything Laget holds about the logged-in person as JSON."""
    user = current_user._get_current_object()
    data = personal_data(user)
    record_audit("data_exported", user)
    db.session.commit()
    return json_download(data, "mine-data-laget.json")


@bp.post("/account/reflections/clear")
@login_required
def clear() -> Response:
    """Delete all of the person's reflections in the courses."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("privacy.mine"), 303)
    user = current_user._get_current_object()
    count = clear_reflections(user)
    record_audit("reflections_cleared", user, detail={"count": count})
    db.session.commit()
    flash(_("Refleksjonene dine er slettet."), "success")
    return redirect(url_for("privacy.mine"), 303)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> Response | str | tuple[str, int]:
    """Delete one's own account after the password and a tick; drills keep a pseudonym."""
    user = current_user._get_current_object()
    form = ConfirmDeleteForm()
    if not form.validate_on_submit():
        return render_template("privacy/delete.html", form=form), 400 if form.is_submitted() else 200
    if not user.check_password(form.password.data):
        form.password.errors = [_("Passordet er ikke riktig.")]
        return render_template("privacy/delete.html", form=form), 400
    record_audit("account_erased", user, actor=user)
    erase_person(user)
    auth_services.log_out_user(user)
    db.session.commit()
    flash(_("Kontoen din er slettet."), "success")
    return redirect(url_for("auth.login"), 303)


def _organisation(slug: str) -> Organisation:
    """An organisation by its slug, or 404."""
    return db.first_or_404(select(Organisation).where(Organisation.slug == slug))


@bp.get("/about/<slug>/privacy")
def privacy_statement(slug: str) -> str:
    """The organisation's privacy statement, open to everyone."""
    organisation = _organisation(slug)
    return render_template(
        "privacy/statement.html",
        organisation=organisation,
        title=_("Personvernerklæring"),
        text=organisation.privacy_statement,
    )


@bp.get("/about/<slug>/accessibility")
def accessibility_statement(slug: str) -> str:
    """The organisation's accessibility statement (tilgjengelighetserklæring), open to everyone."""
    organisation = _organisation(slug)
    return render_template(
        "privacy/statement.html",
        organisation=organisation,
        title=_("Tilgjengelighetserklæring"),
        text=organisation.accessibility_statement,
    )


def admin_download(user: User) -> Response:
    """An admin's download of one person's data (the admin view loads the person in its organisation)."""
    data = personal_data(user)
    record_audit("data_exported", user)
    db.session.commit()
    return json_download(data, f"data-person-{user.id}.json")
