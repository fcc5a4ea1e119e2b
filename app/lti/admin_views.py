"""The admin's LTI page: the addresses to give the platform, the platforms registered, and key rotation."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from app.admin.forms import ConfirmForm
from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.extensions import db
from app.i18n import gettext as _
from app.lti import keys
from app.lti import registration
from app.lti.forms import PlatformForm
from app.models import Role
from app.models.lti import LtiPlatform
from app.transactions import begin_write

bp = Blueprint("lti_admin", __name__, url_prefix="/admin/lti")


def _own_platform(platform_id: int) -> LtiPlatform:
    """A platform of the admin's own organisation, or 404."""
    query = select(LtiPlatform).where(
        LtiPlatform.id == platform_id, LtiPlatform.organisation_id == current_user.organisation_id
    )
    return db.first_or_404(query)


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> str:
    """The tool's addresses for the platform's registration form, and the platforms registered here."""
    platforms = registration.platforms_of(current_user.organisation_id)
    signing_key = keys.current_key()
    db.session.commit()
    return render_template(
        "lti/admin.html",
        platforms=platforms,
        confirm=ConfirmForm(),
        signing_key=signing_key,
        overlap_days=current_app.config["LTI_KEY_OVERLAP"].days,
    )


def _taken(form: PlatformForm, platform: LtiPlatform | None) -> tuple[str, int]:
    """The form again, with the client id marked as registered already."""
    db.session.rollback()
    form.client_id.errors = [_("Denne plattformen og klient-ID-en er allerede registrert.")]
    return render_template("lti/register.html", form=form, platform=platform), 409


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def register() -> Response | str | tuple[str, int]:
    """Register a platform with the addresses and ids its administrator gave."""
    form = PlatformForm()
    if not form.validate_on_submit():
        return render_template("lti/register.html", form=form), 400 if form.is_submitted() else 200
    begin_write()
    try:
        platform = registration.register_platform(current_user.organisation_id, **form.fields())
    except registration.AlreadyRegistered:
        return _taken(form, None)
    record_audit("lti_platform_registered", f"lti_platform:{platform.id}", detail={"issuer": platform.issuer})
    db.session.commit()
    flash(_("Læringsplattformen %(name)s er registrert.", name=platform.name), "success")
    return redirect(url_for("lti_admin.index"), 303)


@bp.route("/<int:platform_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(platform_id: int) -> Response | str | tuple[str, int]:
    """Change a platform's registration (a new deployment, a moved address) without losing its accounts."""
    platform = _own_platform(platform_id)
    form = PlatformForm(obj=platform)
    if not form.is_submitted():
        form.deployment_ids.data = "\n".join(platform.deployment_ids)
    if not form.validate_on_submit():
        page = render_template("lti/register.html", form=form, platform=platform)
        return page, 400 if form.is_submitted() else 200
    begin_write()
    platform = _own_platform(platform_id)
    try:
        changed = registration.update_platform(platform, **form.fields())
    except registration.AlreadyRegistered:
        return _taken(form, platform)
    if changed:
        record_audit(
            "lti_platform_changed", f"lti_platform:{platform.id}", detail={"changed": ",".join(changed)}
        )
    db.session.commit()
    flash(_("Endringene i %(name)s er lagret.", name=platform.name), "success")
    return redirect(url_for("lti_admin.index"), 303)


@bp.post("/<int:platform_id>/remove")
@role_required(Role.ADMIN)
def remove(platform_id: int) -> Response:
    """Remove a platform: it can launch Laget no more; the accounts it made stay."""
    platform = _own_platform(platform_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    record_audit("lti_platform_removed", f"lti_platform:{platform.id}", detail={"issuer": platform.issuer})
    name = platform.name
    db.session.delete(platform)
    db.session.commit()
    flash(_("Læringsplattformen %(name)s er fjernet.", name=name), "success")
    return redirect(url_for("lti_admin.index"), 303)


@bp.post("/keys/rotate")
@role_required(Role.ADMIN)
def rotate() -> Response:
    """Make a new signing key; the old one stays published for a while so platforms can catch up."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    begin_write()
    key = keys.rotate_key()
    record_audit("lti_key_rotated", f"lti_key:{key.kid}")
    db.session.commit()
    flash(_("Laget signerer nå med en ny nøkkel. Den gamle er publisert en stund til."), "success")
    return redirect(url_for("lti_admin.index"), 303)
