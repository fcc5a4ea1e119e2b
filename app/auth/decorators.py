"""The one access-control decorator: ``role_required``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort
from flask import session
from flask_login import current_user
from flask_login import login_required

from app.models import Role


def role_required(*roles: Role | str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let the view run only for logged-in users holding one of ``roles`` (or a higher role)."""
    wanted = [Role(role) for role in roles]

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        checked = login_required(_check(view, wanted))

        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            # A guest taking part in a drill is a known participant, not a stranger who should log in.
            if not current_user.is_authenticated and session.get("drills"):
                abort(403)
            return checked(*args, **kwargs)

        return wrapped

    return decorator


def _check(view: Callable[..., Any], wanted: list[Role]) -> Callable[..., Any]:
    """Wrap a view so that it runs only for users holding one of the wanted roles."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not any(current_user.has_role(role) for role in wanted):
            abort(403)
        return view(*args, **kwargs)

    return checked
