"""The start page, the language switcher and the health check."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from app.extensions import db
from app.learning.home import course_section
from app.main import services
from app.main.forms import LanguageForm
from app.redirects import safe_next_url

# The start page lives at the site root, so this one blueprint has no URL prefix.
bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> Response | str:
    """Show who is logged in and the parts of Laget their role opens."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("main/index.html", **course_section(current_user._get_current_object()))


@bp.get("/healthz")
def healthz() -> Response:
    """Answer "ok" cheaply, for load balancers, monitoring and benchmarks."""
    return Response("ok", mimetype="text/plain")


@bp.post("/language")
def set_language() -> Response:
    """Switch the interface language and return to the page the switcher was on."""
    form = LanguageForm()
    if form.validate_on_submit():
        user = current_user._get_current_object() if current_user.is_authenticated else None
        services.choose_locale(form.locale.data, user)
        db.session.commit()
    return redirect(safe_next_url(form.next.data, url_for("main.index")))
