"""Choices any visitor makes about their own experience."""

from __future__ import annotations

from flask import session

from app.extensions import db
from app.models import User


def choose_locale(locale: str, user: User | None) -> str:
    """Remember the chosen language in the session, and on the account when someone is logged in."""
    session["locale"] = locale
    if user is not None:
        user.preferred_locale = locale
        db.session.flush()
    return locale
