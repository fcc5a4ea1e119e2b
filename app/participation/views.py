"""The participant's home: the drills they took part in, each with their own debrief and its PDF.

With an account, the list is every drill the account played in. A guest sees only the drills their
browser session still proves a seat in (see ``history``), and can forget them on a shared computer.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_login import current_user

from app.drills.views import SESSION_KEY
from app.drills.views import device_cookie_name
from app.i18n import gettext as _
from app.participation import history

bp = Blueprint("participation", __name__, url_prefix="/my-drills")


@bp.get("/")
def index() -> str:
    """List the visitor's drills, newest first, with a calm word when there are none yet."""
    if current_user.is_authenticated:
        drills = history.drills_of_user(current_user._get_current_object())
    else:
        drills = history.drills_of_seats(session.get(SESSION_KEY, {}))
    guest = not current_user.is_authenticated
    # A guest's footer links the statements of the municipality whose drill they were in last.
    slug = drills[0].drill.organisation.slug if guest and drills else None
    return render_template(
        "participation/index.html",
        drills=drills,
        can_forget=guest and bool(session.get(SESSION_KEY)),
        statement_slug=slug,
    )


@bp.post("/forget")
def forget() -> Response:
    """Forget this browser's seats and device cookie, so the next person on it cannot open those drills."""
    session.pop(SESSION_KEY, None)
    flash(_("Øvelsene er glemt på denne enheten."), "success")
    response = redirect(url_for("participation.index"), 303)
    response.delete_cookie(
        device_cookie_name(),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
