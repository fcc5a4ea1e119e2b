"""The admin's page for who may log in through Feide, ID-porten or another configured provider.

A child of the admin blueprint (``admin.sign_in.*``), so it shares its URL prefix and access checks.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.extensions import db
from app.i18n import gettext as _
from app.models import OidcAdmission
from app.models import Role
from app.oidc import admission
from app.oidc import providers
from app.oidc.forms import AdmissionForm

bp = Blueprint("sign_in", __name__, url_prefix="/sign-in")


def _page(form: AdmissionForm, status: int = 200) -> tuple[str, int]:
    """The organisation's rules, grouped under the provider they are for, with the form to add one."""
    rules = OidcAdmission.of_organisation(current_user.organisation)
    return (
        render_template(
            "admin/sign_in.html",
            form=form,
            rules=rules,
            providers=providers.all_providers(),
            provider_of=providers.by_issuer,
        ),
        status,
    )


def _form() -> AdmissionForm:
    """The rule form, offering the configured providers."""
    form = AdmissionForm()
    form.provider.choices = [SelectChoice(p.key, p.name) for p in providers.all_providers()]
    return form


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> tuple[str, int]:
    """Show the rules and the form."""
    return _page(_form())


@bp.post("/")
@role_required(Role.ADMIN)
def add() -> Response | tuple[str, int]:
    """Add a rule for the admin's own organisation."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 400)
    provider = providers.get(form.provider.data)
    if provider is None:
        return _page(form, 400)
    organisation = current_user.organisation
    try:
        rule = admission.add_rule(organisation, provider.issuer, form.claim.data, form.value.data)
    except admission.AdmissionTaken:
        form.value.errors = [_("Denne regelen finnes allerede, for denne eller en annen organisasjon.")]
        return _page(form, 400)
    record_audit(
        "oidc_admission_added",
        f"organisation:{organisation.id}",
        detail={"provider": provider.key, "claim": rule.claim, "value": rule.value},
    )
    db.session.commit()
    flash(_("Regelen er lagt til."), "success")
    return redirect(url_for("admin.sign_in.index"), 303)


@bp.post("/<int:rule_id>/remove")
@role_required(Role.ADMIN)
def remove(rule_id: int) -> Response:
    """Remove one of the organisation's own rules; another organisation's is a 404."""
    query = select(OidcAdmission).where(
        OidcAdmission.id == rule_id, OidcAdmission.organisation_id == current_user.organisation_id
    )
    rule = db.first_or_404(query)
    record_audit(
        "oidc_admission_removed",
        f"organisation:{rule.organisation_id}",
        detail={"claim": rule.claim, "value": rule.value},
    )
    admission.remove_rule(rule)
    db.session.commit()
    flash(_("Regelen er fjernet."), "success")
    return redirect(url_for("admin.sign_in.index"), 303)
