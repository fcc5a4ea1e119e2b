"""Authentication: checking passwords, sessions, and turning invitations into accounts.

Failed logins are stored as ``LoginFailure`` rows, keyed by a keyed hash of the typed address and
by IP address; ``app.auth.throttle`` turns them into growing delays (never a lock-out). Keeping the
counter in the database makes it hold across several worker processes without Redis. A
successful login clears that account's failures from that address.
"""

from __future__ import annotations

from flask import current_app
from flask import request
from flask import session
from flask_login import login_user
from flask_login import logout_user
from sqlalchemy import delete
from sqlalchemy import update

from app.extensions import db
from app.models import Invitation
from app.models import LoginFailure
from app.models import User
from app.models import email_digest
from app.models import utcnow
from app.models import verify_unknown_password


class InvitationUnusable(Exception):
    """The invitation was used in the meantime, or its e-mail address already has an account."""


def client_ip() -> str:
    """The address login throttling and the audit trail count against."""
    return request.remote_addr or "unknown"


def record_login_failure(email: str, ip: str) -> LoginFailure:
    """Count one failed login, and drop failures too old to matter so the table stays small."""
    since = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < since))
    failure = LoginFailure(email=email_digest(email), ip=ip)
    db.session.add(failure)
    db.session.flush()
    return failure


def authenticate_user(email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password, or None without saying which part was wrong."""
    user = User.by_email(email)
    if user is None:
        verify_unknown_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def log_in_user(user: User, ip: str) -> User:
    """Start a brand-new session for ``user`` and forget their failed logins from this address."""
    mine = LoginFailure.email == email_digest(user.email)
    db.session.execute(delete(LoginFailure).where(mine, LoginFailure.ip == ip))
    locale = session.get("locale")
    # A fresh session on every login defeats session fixation (ASVS 7.2.4).
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user)
    session["login_at"] = utcnow().timestamp()
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def log_out_user(user: User) -> User:
    """End the session and void copies of its cookie, keeping only the chosen language."""
    locale = user.preferred_locale or session.get("locale")
    # Cookie sessions live in the browser; bumping the epoch is what makes a copied cookie useless.
    user.end_sessions()
    db.session.flush()
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    return user


def accept_invitation(invitation: Invitation, display_name: str, password: str) -> User:
    """Create the invited person's account and spend the invitation, exactly once.

    :raise InvitationUnusable: if another request used the invitation first, or the address has an account.
    """
    if User.by_email(invitation.email) is not None:
        raise InvitationUnusable
    # A conditional update is atomic, so two simultaneous submissions cannot both succeed.
    spent = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise InvitationUnusable
    user = User(
        email=invitation.email,
        display_name=display_name.strip(),
        role=invitation.role,
        organisation_id=invitation.organisation_id,
        unit_id=invitation.unit_id,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    db.session.refresh(invitation)
    return user
