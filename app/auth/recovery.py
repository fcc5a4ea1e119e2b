"""Changing one's password, and resetting a forgotten one through a single-use e-mailed link."""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import delete
from sqlalchemy import update

from app.extensions import db
from app.models import PasswordReset
from app.models import User
from app.models import hash_token
from app.models import utcnow


class WrongPassword(Exception):
    """The current password given to change it was not right."""


class ResetUnusable(Exception):
    """The reset link was used in the meantime."""


def start_reset(email: str) -> tuple[PasswordReset, str] | None:
    """Make a reset link for the active account with this address, or None if there is no such account.

    Earlier unused links of the account are withdrawn, so only the newest works. The token is
    returned once and stored only as a hash.
    """
    user = User.by_email(email)
    if user is None or not user.active:
        return None
    db.session.execute(
        delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
    )
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        token_hash=hash_token(token),
        user=user,
        expires_at=utcnow() + current_app.config["PASSWORD_RESET_LIFETIME"],
    )
    db.session.add(reset)
    db.session.flush()
    return reset, token


def finish_reset(reset: PasswordReset, password: str) -> User:
    """Set the new password and spend the link exactly once; every other session of the person ends.

    :raise ResetUnusable: if another request used the link first.
    """
    spent = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise ResetUnusable
    user = reset.user
    user.set_password(password)
    user.end_sessions()
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> User:
    """Replace the password after checking the current one; sessions on other devices end.

    :raise WrongPassword: when ``current`` is not the person's password.
    """
    if not user.check_password(current):
        raise WrongPassword
    user.set_password(new)
    user.end_sessions()
    db.session.flush()
    return user
