"""Login, logout and invitation pages."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from flask_login import logout_user

from app.auth import services
from app.auth.forms import PASSWORD_MIN_LENGTH
from app.auth.forms import AcceptInvitationForm
from app.auth.forms import LoginForm
from app.extensions import db
from app.extensions import login_manager
from app.htmx import is_htmx
from app.models import Invitation
from app.models import normalise_email
from app.models import utcnow
from app.redirects import safe_next_url

bp = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_MESSAGE = _l("Logg inn for å se denne siden.")


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    """Send anonymous visitors to the login page, telling htmx to leave the page rather than swap."""
    flash(str(LOGIN_MESSAGE), "info")
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    login_url = url_for("auth.login", next=next_url)
    if is_htmx():
        return Response(status=401, headers={"HX-Redirect": login_url})
    return redirect(login_url)


@bp.before_app_request
def _end_expired_session() -> None:
    """Log out sessions older than ``SESSION_ABSOLUTE_LIFETIME``, however active (ASVS 7.3.2)."""
    if "_user_id" not in session:
        return
    lifetime = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if utcnow().timestamp() - session.get("login_at", 0) > lifetime:
        logout_user()
        session.clear()
        flash(_("Økten din er utløpt. Logg inn på nytt."), "info")


def _client_ip() -> str:
    """The address login throttling counts against."""
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Show the login form, and start a session when the e-mail address and password match."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    email = normalise_email(form.email.data)
    if services.is_login_throttled(email, _client_ip()):
        current_app.logger.warning("login throttled", extra={"event": "login_throttled", "email": email})
        error = _("For mange mislykkede forsøk. Vent et kvarter og prøv igjen.")
        return render_template("auth/login.html", form=form, error=error), 429
    user = services.authenticate_user(email, form.password.data)
    if user is None:
        services.record_login_failure(email, _client_ip())
        db.session.commit()
        current_app.logger.info("login failed", extra={"event": "login_failed", "email": email})
        return render_template("auth/login.html", form=form, error=_("Feil e-postadresse eller passord."))
    services.log_in_user(user, _client_ip())
    db.session.commit()
    current_app.logger.info("login", extra={"event": "login_succeeded", "user_id": user.id})
    return redirect(safe_next_url(request.args.get("next"), url_for("main.index")))


@bp.post("/logout")
@login_required
def logout() -> Response:
    """End the session on this and every other device."""
    user_id = current_user.id
    services.log_out_user(current_user._get_current_object())
    db.session.commit()
    current_app.logger.info("logout", extra={"event": "logout", "user_id": user_id})
    flash(_("Du er logget ut."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Response | str | tuple[str, int]:
    """Let an invited person choose a name and password, then log them in."""
    invitation = Invitation.by_token(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    if not form.validate_on_submit():
        return render_template(
            "auth/accept_invitation.html",
            form=form,
            invitation=invitation,
            password_min_length=PASSWORD_MIN_LENGTH,
        )
    try:
        user = services.accept_invitation(invitation, form.display_name.data, form.password.data)
    except services.InvitationUnusable:
        db.session.rollback()
        return render_template("auth/invitation_invalid.html"), 404
    services.log_in_user(user, _client_ip())
    db.session.commit()
    current_app.logger.info("invitation accepted", extra={"event": "invitation_accepted", "user_id": user.id})
    flash(_("Velkommen til Laget, %(name)s!", name=user.display_name), "success")
    return redirect(url_for("main.index"))
