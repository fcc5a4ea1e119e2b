"""Pages for changing one's password and for resetting a forgotten one by e-mail."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from app.audit.record import record_audit
from app.auth import recovery
from app.auth import services
from app.auth.forms import ChangePasswordForm
from app.auth.forms import NewPasswordForm
from app.auth.forms import ResetRequestForm
from app.extensions import db
from app.i18n import gettext as _
from app.mail import mail_configured
from app.mail import send_mail
from app.models import PasswordReset
from app.models import normalise_email

bp = Blueprint("passwords", __name__, url_prefix="/auth")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change() -> Response | str | tuple[str, int]:
    """Let a logged-in person choose a new password, after typing the current one."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.person_name, form.person_email = user.display_name, user.email
    if not form.validate_on_submit():
        return render_template("auth/change_password.html", form=form)
    try:
        recovery.change_password(user, form.current_password.data, form.password.data)
    except recovery.WrongPassword:
        form.current_password.errors = [_("Passordet du har nå, er ikke riktig.")]
        return render_template("auth/change_password.html", form=form), 400
    # The epoch moved on, which ends every other session; this one starts afresh.
    services.log_in_user(user, services.client_ip())
    record_audit("password_changed", user, actor=user)
    db.session.commit()
    flash(_("Passordet er endret. Du er logget ut på andre enheter."), "success")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
def request_reset() -> Response | str:
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ResetRequestForm()
    if not mail_configured() or not form.validate_on_submit():
        return render_template("auth/reset_request.html", form=form, mail=mail_configured())
    started = recovery.start_reset(normalise_email(form.email.data))
    if started is not None:
        reset, token = started
        record_audit("password_reset_requested", reset.user, actor=reset.user)
        db.session.commit()
        link = url_for("passwords.reset", token=token, _external=True)
        send_mail(
            reset.user.email, _("Nytt passord i Laget"), render_template("auth/reset_mail.txt", link=link)
        )
    minutes = int(current_app.config["PASSWORD_RESET_LIFETIME"].total_seconds() // 60)
    message = _(
        "Hvis adressen hører til en konto i Laget, har vi sendt en lenke dit. Den virker én gang "
        "og i %(minutes)d minutter.",
        minutes=minutes,
    )
    flash(message, "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Response | str | tuple[str, int]:
    """Let the holder of a valid reset link choose a new password, then log in with it."""
    found = PasswordReset.by_token(token)
    if found is None:
        return render_template("auth/reset_invalid.html"), 404
    form = NewPasswordForm()
    form.person_name, form.person_email = found.user.display_name, found.user.email
    if not form.validate_on_submit():
        return render_template("auth/reset_password.html", form=form)
    try:
        user = recovery.finish_reset(found, form.password.data)
    except recovery.ResetUnusable:
        db.session.rollback()
        return render_template("auth/reset_invalid.html"), 404
    record_audit("password_reset", user, actor=user)
    db.session.commit()
    flash(_("Passordet er endret. Logg inn med det nye passordet."), "success")
    return redirect(url_for("auth.login"), 303)
