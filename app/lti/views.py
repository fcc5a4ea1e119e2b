"""The addresses a platform calls: login initiation, launch, our JWKS, and the teacher's content picker.

The platform posts from its own site, so login and launch carry no CSRF token of ours; the launch is
protected by the state and nonce of the login instead (``app.lti.launch``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from app import CONTENT_SECURITY_POLICY
from app.audit.record import record_audit
from app.auth.services import client_ip
from app.auth.services import log_in_user
from app.extensions import csrf
from app.extensions import db
from app.i18n import gettext as _
from app.lti import deep_linking
from app.lti import keys
from app.lti.accounts import account_for
from app.lti.accounts import remember_line_item
from app.lti.accounts import target_of
from app.lti.forms import PickForm
from app.lti.launch import LaunchRefused
from app.lti.launch import check_launch
from app.lti.login import UnknownPlatform
from app.lti.login import find_platform
from app.lti.login import start_login
from app.lti.login import state_cookie_name
from app.models import Role
from app.models import TotpSecret
from app.transactions import begin_write

bp = Blueprint("lti", __name__, url_prefix="/lti")

DEEP_LINK_KEY = "lti_deep_link"


def _refused(reason: str, status: int = 400) -> tuple[str, int]:
    """The page that says why the platform's launch was not accepted."""
    db.session.rollback()
    return render_template("lti/refused.html", reason=reason), status


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> Response | tuple[str, int]:
    """Third-party login initiation: send the browser to the platform's authorisation endpoint."""
    values = request.values
    issuer, login_hint = values.get("iss", ""), values.get("login_hint", "")
    if not issuer or not login_hint:
        return _refused(_("Læringsplattformen sendte ikke med hvem den er og hvem som logger inn."))
    begin_write()
    try:
        platform = find_platform(issuer, values.get("client_id"))
    except UnknownPlatform:
        return _refused(
            _("Denne læringsplattformen er ikke registrert i Laget. Be administratoren registrere den.")
        )
    start = start_login(
        platform, login_hint, values.get("lti_message_hint"), url_for("lti.launch", _external=True)
    )
    db.session.commit()
    response = redirect(start.redirect_url, 302)
    secure = bool(current_app.config["SESSION_COOKIE_SECURE"])
    # The launch comes back as a cross-site POST: only SameSite=None (which needs Secure) reaches it there.
    response.set_cookie(
        state_cookie_name(),
        start.state,
        max_age=int(current_app.config["LTI_LOGIN_LIFETIME"].total_seconds()),
        httponly=True,
        secure=secure,
        samesite="None" if secure else "Lax",
        path=url_for("lti.launch"),
    )
    return response


@bp.post("/launch")
@csrf.exempt
def launch() -> Response | tuple[str, int]:
    """Check the platform's id_token, log the person in, and open the course, scenario or picker."""
    try:
        checked = check_launch(
            request.form.get("id_token", ""),
            request.form.get("state", ""),
            request.cookies.get(state_cookie_name()),
        )
        picking = checked.message_type == deep_linking.REQUEST
        if picking and not checked.may_pick_content:
            raise LaunchRefused(_("Bare lærere og administratorer i læringsplattformen kan velge innhold."))
        settings = deep_linking.settings_of(checked) if picking else None
        user = account_for(checked)
    except LaunchRefused as refusal:
        return _refused(refusal.reason)
    if user.role != Role.PARTICIPANT or TotpSecret.of(user) is not None:
        return _refused(
            _("Denne kontoen har flere rettigheter i Laget og må logge inn med passord i Laget."), 403
        )
    log_in_user(user, client_ip())
    record_audit("login_succeeded", user, actor=user, detail={"via": "lti"})
    if settings is not None:
        session[DEEP_LINK_KEY] = settings
        destination = url_for("lti.pick")
    else:
        target = target_of(checked)
        remember_line_item(checked, user, target)
        destination = deep_linking.landing_url(target)
    db.session.commit()
    response = redirect(destination, 303)
    response.delete_cookie(
        state_cookie_name(),
        path=url_for("lti.launch"),
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )
    return response


@bp.get("/jwks.json")
def jwks() -> Response:
    """Our public keys, for platforms to check the deep linking responses and grade requests we sign."""
    body = keys.jwks()
    db.session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _deep_link() -> dict[str, Any]:
    """The platform's deep linking request this session answers, or 404 when there is none."""
    settings = session.get(DEEP_LINK_KEY)
    if not isinstance(settings, dict):
        abort(404)
    return settings


@bp.route("/pick", methods=["GET", "POST"])
@login_required
def pick() -> Response | str | tuple[str, int]:
    """Let a teacher pick a course or a solo scenario, then hand the signed choice back to the platform."""
    settings = _deep_link()
    form = PickForm()
    form.target.choices = deep_linking.choices(current_user._get_current_object())
    if not form.validate_on_submit():
        return render_template("lti/pick.html", form=form), 400 if form.is_submitted() else 200
    titles = {choice.value: str(choice.label) for choice in form.target.choices}
    try:
        token = deep_linking.response_token(settings, form.target.data, titles[form.target.data])
    except deep_linking.PlatformGone:
        return _refused(_("Plattformen er ikke lenger registrert i Laget."), 404)
    session.pop(DEEP_LINK_KEY, None)
    db.session.commit()
    page = render_template("lti/return.html", return_url=settings["return_url"], jwt=token)
    response = Response(page)
    # The answer's form goes to the platform: the page may post there too (the header's forms stay ours).
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {deep_linking.origin(settings['return_url'])}"
    )
    return response
