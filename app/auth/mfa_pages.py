"""Pages for the second login step, for setting up an authenticator app, and the rule that staff of an
organisation requiring MFA set one up before anything else."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from app.audit.record import record_audit
from app.auth import mfa
from app.auth import services
from app.auth import throttle
from app.extensions import db
from app.htmx import is_htmx
from app.i18n import gettext as _
from app.i18n import ngettext
from app.models import User
from app.models import email_digest
from app.models import utcnow
from app.models.mfa import TotpSecret
from app.oidc import login as oidc_login
from app.redirects import safe_next_url

bp = Blueprint("mfa", __name__, url_prefix="/auth/mfa")

PENDING_KEY = "mfa_pending"
SETUP_KEY = "mfa_setup_secret"
# The second step must follow the password within this many seconds.
PENDING_SECONDS = 300
# Pages a person who must set up MFA may still reach.
OPEN_WHILE_ENROLLING = frozenset({"mfa.setup", "auth.logout", "main.set_language", "static"})


class CodeForm(FlaskForm):
    """A six-digit code from the app, or a recovery code."""

    code = StringField(
        _l("Kode"),
        validators=[InputRequired(_l("Skriv inn koden.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class SetupForm(CodeForm):
    """The code from the new app, and, when it replaces one already set up, the current password."""

    password = PasswordField(_l("Nåværende passord"), render_kw={"autocomplete": "current-password"})


def start_second_step(user: User, next_url: str | None) -> Response:
    """After a right password: remember who is half logged in, and ask for the code."""
    session[PENDING_KEY] = [user.id, user.session_epoch, utcnow().timestamp()]
    return redirect(url_for("mfa.verify", next=next_url), 303)


def _pending_user() -> User | None:
    """The person who typed the right password in the last few minutes, if any."""
    pending = session.get(PENDING_KEY)
    if not (isinstance(pending, list) and len(pending) == 3):
        return None
    user_id, epoch, at = pending
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return user if utcnow().timestamp() - float(at) <= PENDING_SECONDS else None


@bp.route("/", methods=["GET", "POST"])
def verify() -> Response | str | tuple[str, int]:
    """The second step: a code from the app or a recovery code completes the login."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/mfa_verify.html", form=form)
    ip = services.client_ip()
    if wait := throttle.login_wait(email_digest(user.email), ip):
        form.code.errors = [
            ngettext(
                "For mange feil koder. Vent %(num)d sekund og prøv igjen.",
                "For mange feil koder. Vent %(num)d sekunder og prøv igjen.",
                wait,
            )
        ]
        response = Response(render_template("auth/mfa_verify.html", form=form), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    kind = mfa.verify(user, form.code.data)
    if kind is None:
        services.record_login_failure(user.email, ip)
        record_audit("mfa_failed", user, actor=user)
        db.session.commit()
        form.code.errors = [_("Koden stemmer ikke. Prøv den nyeste koden i appen.")]
        return render_template("auth/mfa_verify.html", form=form), 400
    provider_login = oidc_login.record()
    services.log_in_user(user, ip)
    if provider_login and provider_login.get("user_id") == user.id:
        # Half of this login was at a provider: keep what logging out there needs.
        session[oidc_login.SESSION_KEY] = provider_login
    record_audit("login_succeeded", user, actor=user, detail={"mfa": kind})
    db.session.commit()
    return redirect(safe_next_url(request.args.get("next"), url_for("main.index")))


@bp.route("/setup", methods=["GET", "POST"])
@login_required
def setup() -> Response | str | tuple[str, int]:
    """Set up an authenticator app: scan the QR code, type a code to confirm, keep the recovery codes."""
    user = current_user._get_current_object()
    secret = session.get(SETUP_KEY) or mfa.new_secret()
    session[SETUP_KEY] = secret
    form = SetupForm()
    uri = mfa.provisioning_uri(user, secret)
    # Replacing the app needs the password too, so a borrowed session cannot move the second factor.
    replacing = TotpSecret.of(user) is not None
    context = {
        "form": form,
        "secret": secret,
        "qr": mfa.qr_svg(uri),
        "required": mfa.must_enrol(user),
        "replacing": replacing,
    }
    if not form.validate_on_submit():
        return render_template("auth/mfa_setup.html", **context)
    if replacing and not user.check_password(form.password.data or ""):
        form.password.errors = [_("Passordet du har nå, er ikke riktig.")]
        return render_template("auth/mfa_setup.html", **context), 400
    codes = mfa.enrol(user, secret, form.code.data)
    if codes is None:
        form.code.errors = [_("Koden stemmer ikke. Sjekk at klokka på telefonen er riktig, og prøv igjen.")]
        return render_template("auth/mfa_setup.html", **context), 400
    session.pop(SETUP_KEY, None)
    record_audit("mfa_enrolled", user)
    db.session.commit()
    return render_template("auth/mfa_codes.html", codes=codes)


@bp.before_app_request
def _require_enrolment() -> Response | None:
    """Send staff of an organisation that requires MFA to set it up before they do anything else."""
    # Only a login puts a user id in the session (Laget has no remember-me cookie): guests, and the
    # polls and health checks they make, need no user loaded.
    if "_user_id" not in session:
        return None
    if not current_user.is_authenticated or request.endpoint in OPEN_WHILE_ENROLLING:
        return None
    if oidc_login.satisfied_mfa() or not mfa.must_enrol(current_user):
        return None
    target = url_for("mfa.setup")
    if is_htmx():
        return Response(status=401, headers={"HX-Redirect": target})
    return redirect(target)
