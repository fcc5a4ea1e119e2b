"""Pages for logging in through an OpenID Connect provider: the start, the callback and the refusals."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from app.audit.record import record_audit
from app.auth import services
from app.auth.mfa_pages import start_second_step
from app.extensions import db
from app.models import TotpSecret
from app.oidc import accounts
from app.oidc import login
from app.oidc import providers
from app.oidc.providers import Provider
from app.oidc.refusals import CANCELLED
from app.oidc.refusals import FAILED
from app.oidc.refusals import REFUSALS
from app.oidc.refusals import UNAVAILABLE
from app.redirects import safe_next_url

bp = Blueprint("oidc", __name__, url_prefix="/auth/oidc")


def _provider_or_404(key: str) -> Provider:
    """The configured provider named in the URL, or 404."""
    provider = providers.get(key)
    if provider is None:
        abort(404)
    return provider


def refusal_page(provider: Provider, reason: str) -> tuple[str, int]:
    """The page saying, in the person's language, why they are not logged in, and what to do."""
    title, message, status = REFUSALS[reason]
    text = str(message) % {"provider": provider.name}
    return render_template("auth/oidc_refused.html", title=title, message=text, provider=provider), status


@bp.get("/<key>/login")
def start(key: str) -> Response | tuple[str, int]:
    """Send the person to the provider's login page; the callback continues."""
    provider = _provider_or_404(key)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    session[login.NEXT_KEY] = safe_next_url(request.args.get("next"), "")
    try:
        return login.redirect_to_provider(provider, url_for("oidc.callback", key=key, _external=True))
    except providers.ProviderUnavailable as error:
        current_app.logger.warning("oidc provider unavailable", extra={"provider": key, "error": str(error)})
        return refusal_page(provider, UNAVAILABLE)


@bp.get("/<key>/callback")
def callback(key: str) -> Response | tuple[str, int]:
    """Check the provider's answer, find or make the account, and log the person in (or say why not)."""
    provider = _provider_or_404(key)
    if error := request.args.get("error"):
        reason = CANCELLED if error in ("access_denied", "login_required", "consent_required") else FAILED
        return _refused(provider, reason, {"error": error[:60]})
    try:
        result = login.finish(provider)
    except login.LoginFailed as failure:
        return _refused(provider, FAILED, {"reason": failure.reason[:60]})
    outcome = accounts.account_for(provider, result.claims)
    if outcome.user is None:
        return _refused(provider, outcome.refused, {"reason": outcome.refused}, outcome.organisation_id)
    user = outcome.user
    if outcome.how == "created":
        record_audit("oidc_account_created", user, actor=user, detail={"provider": key})
    elif outcome.how == "link":
        record_audit("oidc_account_linked", user, actor=user, detail={"provider": key})
    second_factor = login.counts_as_second_factor(provider, result.claims)
    next_url = session.pop(login.NEXT_KEY, None) or None
    if not second_factor and TotpSecret.of(user) is not None:
        # The provider's login alone is one factor: the person's own authenticator app comes next.
        db.session.commit()
        login.remember(provider, result, user, second_factor=False)
        return start_second_step(user, next_url)
    services.log_in_user(user, services.client_ip())
    login.remember(provider, result, user, second_factor)
    accounts.note_login(provider, user)
    record_audit("oidc_login_succeeded", user, actor=user, detail={"provider": key, "mfa": second_factor})
    db.session.commit()
    return redirect(safe_next_url(next_url, url_for("main.index")))


@bp.after_app_request
def _allow_logout_at_provider(response: Response) -> Response:
    """Let this session's logout form be redirected on to its provider, which CSP form-action would block."""
    policy = response.headers.get("Content-Security-Policy")
    origin = login.form_action_origin() if policy else None
    if origin:
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def _refused(
    provider: Provider, reason: str, detail: dict[str, str], organisation_id: int | None = None
) -> tuple[str, int]:
    """Record a refused or failed provider login, and show the person why."""
    action = "oidc_login_refused" if REFUSALS[reason][2] == 403 else "oidc_login_failed"
    session.pop(login.NEXT_KEY, None)
    detail = {"provider": provider.key, **detail}
    record_audit(action, f"oidc:{provider.key}", organisation_id=organisation_id, detail=detail)
    db.session.commit()
    return refusal_page(provider, reason)
