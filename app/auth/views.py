"""Login, logout and invitation pages."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from flask_login import logout_user

from app.audit.record import record_audit
from app.auth import idle
from app.auth import services
from app.auth import throttle
from app.auth.forms import AcceptInvitationForm
from app.auth.forms import LoginForm
from app.auth.mfa_pages import start_second_step
from app.extensions import db
from app.extensions import login_manager
from app.htmx import is_htmx
from app.i18n import gettext as _
from app.i18n import ngettext
from app.models import Invitation
from app.models import TotpSecret
from app.models import User
from app.models import email_digest
from app.models import normalise_email
from app.models import utcnow
from app.oidc import login as oidc_login
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
    """Log out sessions past their absolute lifetime (ASVS 7.3.2), and idle staff sessions (7.3.1)."""
    if "_user_id" not in session:
        return
    now = utcnow().timestamp()
    lifetime = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if now - session.get("login_at", 0) > lifetime:
        _end_session(_("Økten din er utløpt. Logg inn på nytt."))
        return
    if not current_user.is_authenticated or not idle.applies_to(current_user, request.endpoint):
        return
    if idle.timed_out(session, now) and not idle.in_live_drill(current_user):
        _end_session(_("Du var inaktiv for lenge og er logget ut. Logg inn på nytt."))
        return
    if request.endpoint not in idle.POLL_ENDPOINTS:
        idle.touch(session, now)


def _end_session(message: str) -> None:
    """End the login of this browser, keeping nothing but the notice why."""
    logout_user()
    session.clear()
    flash(message, "info")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Show the login form, and start a session when the e-mail address and password match."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    email = normalise_email(form.email.data)
    if wait := throttle.login_wait(email_digest(email), services.client_ip()):
        _audit_failure("login_throttled", email)
        db.session.commit()
        return _wait_page(form, wait)
    user = services.authenticate_user(email, form.password.data)
    if user is None:
        services.record_login_failure(email, services.client_ip())
        _audit_failure("login_failed", email)
        db.session.commit()
        return render_template("auth/login.html", form=form, error=_("Feil e-postadresse eller passord."))
    if TotpSecret.of(user) is not None:
        return start_second_step(user, request.args.get("next"))
    services.log_in_user(user, services.client_ip())
    record_audit("login_succeeded", user, actor=user)
    db.session.commit()
    return redirect(safe_next_url(request.args.get("next"), url_for("main.index")))


def _wait_page(form: LoginForm, seconds: int) -> Response:
    """Ask the person to wait before the next try (429 with Retry-After); the password was not checked."""
    error = ngettext(
        "For mange mislykkede forsøk. Vent %(num)d sekund og prøv igjen.",
        "For mange mislykkede forsøk. Vent %(num)d sekunder og prøv igjen.",
        seconds,
    )
    response = make_response(render_template("auth/login.html", form=form, error=error), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def _audit_failure(action: str, email: str) -> None:
    """Record a refused login against the account if it exists (for its admin), else a hash of the text."""
    account = User.by_email(email)
    if account is None:
        record_audit(action, email_digest(email))
    else:
        record_audit(action, account, organisation_id=account.organisation_id)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """End the session on this and every other device, and at the provider when it began with one."""
    provider_login = oidc_login.record()
    user = services.log_out_user(current_user._get_current_object())
    record_audit("logout", user, actor=user)
    db.session.commit()
    flash(_("Du er logget ut."), "success")
    login_url = url_for("auth.login", _external=provider_login is not None)
    return redirect(oidc_login.end_session_url(provider_login, login_url) or login_url)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Response | str | tuple[str, int]:
    """Let an invited person choose a name and password, then log them in."""
    invitation = Invitation.by_token(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    form.person_email = invitation.email
    if not form.validate_on_submit():
        return render_template(
            "auth/accept_invitation.html",
            form=form,
            invitation=invitation,
        )
    try:
        user = services.accept_invitation(invitation, form.display_name.data, form.password.data)
    except services.InvitationUnusable:
        db.session.rollback()
        return render_template("auth/invitation_invalid.html"), 404
    services.log_in_user(user, services.client_ip())
    record_audit("invitation_accepted", invitation, actor=user)
    db.session.commit()
    flash(_("Velkommen til Laget, %(name)s!", name=user.display_name), "success")
    return redirect(url_for("main.index"))
