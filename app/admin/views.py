"""Pages where an administrator manages the people in their own organisation."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.admin import services
from app.admin.forms import ConfirmForm
from app.admin.forms import InvitationForm
from app.admin.forms import RoleForm
from app.admin.forms import SettingsForm
from app.audit.record import record_audit
from app.auth import mfa
from app.auth.decorators import role_required
from app.extensions import db
from app.htmx import render
from app.i18n import gettext as _
from app.learning.leaders import unit_leader_form
from app.models import Invitation
from app.models import Role
from app.models import TotpSecret
from app.models import Unit
from app.models import User
from app.oidc.admin_views import bp as sign_in_bp
from app.privacy.erase import erase_person
from app.privacy.views import admin_download

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.register_blueprint(sign_in_bp)


def _get_member(user_id: int, *, allow_self: bool = True) -> User:
    """Load a person in the admin's own organisation, or 404, so other tenants' people stay invisible."""
    query = select(User).where(User.id == user_id, User.organisation_id == current_user.organisation_id)
    user = db.first_or_404(query)
    if not allow_self and user.id == current_user.id:
        # Admins may not demote or lock out themselves; that could leave a municipality without an admin.
        abort(403)
    return user


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> Response:
    """List the organisation's people, filtered by the search box, and its open invitations."""
    search = request.args.get("q", "")
    organisation = current_user.organisation
    users = User.members_of(organisation, search)
    invitations = Invitation.pending_for(organisation)
    return render("admin/index.html", "admin/_users.html", users=users, invitations=invitations, q=search)


@bp.route("/invitations/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite() -> str:
    """Create a one-time invitation link and show it once, since Laget sends no e-mail."""
    organisation = current_user.organisation
    form = InvitationForm()
    form.unit_id.choices = [SelectChoice("", _("Ingen enhet"))]
    form.unit_id.choices += [SelectChoice(str(unit.id), unit.name) for unit in organisation.units]
    if not form.validate_on_submit():
        return render_template("admin/invite.html", form=form)
    unit = Unit.find_in(organisation, form.unit_id.data)
    try:
        invitation, token = services.invite_user(
            organisation, form.email.data, Role(form.role.data), unit, current_user._get_current_object()
        )
    except services.EmailTaken:
        form.email.errors.append(_("Det finnes allerede en konto med denne e-postadressen."))
        return render_template("admin/invite.html", form=form)
    record_audit("invitation_created", invitation, detail={"role": invitation.role.value})
    db.session.commit()
    link = url_for("auth.accept_invitation", token=token, _external=True)
    return render_template("admin/invitation_created.html", invitation=invitation, link=link)


@bp.post("/invitations/<int:invitation_id>/revoke")
@role_required(Role.ADMIN)
def revoke(invitation_id: int) -> Response:
    """Withdraw an open invitation of the admin's own organisation."""
    invitation = db.first_or_404(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.organisation_id == current_user.organisation_id
        )
    )
    email = invitation.email
    record_audit("invitation_revoked", invitation)
    services.revoke_invitation(invitation)
    db.session.commit()
    flash(_("Invitasjonen til %(email)s er trukket tilbake.", email=email), "success")
    return redirect(url_for("admin.index"))


@bp.get("/users/<int:user_id>")
@role_required(Role.ADMIN)
def show(user_id: int) -> str:
    """Show one person with the actions an admin can take on them."""
    user = _get_member(user_id)
    unit_form = unit_leader_form(user)
    return render_template(
        "admin/show.html",
        user=user,
        role_form=RoleForm(role=user.role.value),
        unit_form=unit_form,
        has_mfa=TotpSecret.of(user) is not None,
    )


@bp.post("/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def change_role(user_id: int) -> Response | str:
    """Give a person a new role."""
    user = _get_member(user_id, allow_self=False)
    form = RoleForm()
    if not form.validate_on_submit():
        unit_form = unit_leader_form(user)
        return render_template("admin/show.html", user=user, role_form=form, unit_form=unit_form)
    old_role = user.role
    services.change_role(user, Role(form.role.data))
    record_audit("role_changed", user, detail={"from": old_role.value, "to": user.role.value})
    db.session.commit()
    flash(
        _("%(name)s har nå rollen %(role)s.", name=user.display_name, role=user.role.label.lower()), "success"
    )
    return redirect(url_for("admin.show", user_id=user.id))


def _act_on_member(user_id: int, act: Callable[[User], object], action: str, done: str) -> Response:
    """Apply one admin action to another member, audit it, commit once and say what was done."""
    user = _get_member(user_id, allow_self=False)
    act(user)
    record_audit(action, user)
    db.session.commit()
    flash(done % {"name": user.display_name}, "success")
    return redirect(url_for("admin.show", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate(user_id: int) -> Response:
    """Stop a person from logging in and end their open sessions."""
    done = _("%(name)s er deaktivert og logget ut.")
    return _act_on_member(user_id, services.deactivate_user, "user_deactivated", done)


@bp.post("/users/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def reactivate(user_id: int) -> Response:
    """Let a deactivated person log in again."""
    done = _("%(name)s kan logge inn igjen.")
    return _act_on_member(user_id, services.reactivate_user, "user_reactivated", done)


@bp.post("/users/<int:user_id>/sessions/end")
@role_required(Role.ADMIN)
def end_sessions(user_id: int) -> Response:
    """Log a person out on every device."""
    done = _("%(name)s er logget ut på alle enheter.")
    return _act_on_member(user_id, services.end_user_sessions, "sessions_ended", done)


@bp.post("/users/<int:user_id>/mfa/reset")
@role_required(Role.ADMIN)
def reset_mfa(user_id: int) -> Response:
    """Remove a person's authenticator and recovery codes after a lost phone; they set it up again."""
    done = _("Tofaktorinnloggingen til %(name)s er nullstilt.")
    return _act_on_member(user_id, mfa.reset, "mfa_reset", done)


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings() -> Response | str | tuple[str, int]:
    """The organisation's settings: MFA for staff, the xAPI actor, the privacy and accessibility texts."""
    organisation = current_user.organisation
    form = SettingsForm(obj=organisation)
    if not form.validate_on_submit():
        return render_template("admin/settings.html", form=form), 400 if form.is_submitted() else 200
    changed = services.update_settings(
        organisation,
        mfa_required=form.mfa_required.data,
        xapi_actor_email=form.xapi_actor_email.data,
        privacy_statement=form.privacy_statement.data,
        accessibility_statement=form.accessibility_statement.data,
    )
    if changed:
        record_audit(
            "settings_changed", f"organisation:{organisation.id}", detail={"changed": ",".join(changed)}
        )
    db.session.commit()
    flash(_("Innstillingene er lagret."), "success")
    return redirect(url_for("admin.settings"), 303)


@bp.get("/users/<int:user_id>/data.json")
@role_required(Role.ADMIN)
def export_person(user_id: int) -> Response:
    """Download everything Laget holds about a person in the organisation (their right of access)."""
    return admin_download(_get_member(user_id))


@bp.post("/users/<int:user_id>/erase")
@role_required(Role.ADMIN)
def erase(user_id: int) -> Response:
    """Erase a person on their request: own data deleted, drill seats pseudonymised, account a pseudonym."""
    user = _get_member(user_id, allow_self=False)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    record_audit("account_erased", user)
    erase_person(user)
    db.session.commit()
    flash(_("Personen er slettet. Øvelsene står igjen med et pseudonym."), "success")
    return redirect(url_for("admin.index"))
