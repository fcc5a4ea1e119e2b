"""The leaders' overview of completions (page and CSV), and the admin's choice of who leads which unit."""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from app.admin.forms import RoleForm
from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.extensions import db
from app.learning import leaders
from app.learning import overview as overview_service
from app.learning import screens
from app.learning import services
from app.learning.blueprint import bp
from app.learning.library import load_courses
from app.learning.loading import current_learner
from app.models import Role
from app.models import User
from app.models import utcnow


def _overview() -> overview_service.Overview:
    """The overview for the logged-in leader, filtered by the chosen unit; 403 for those who lead nothing."""
    user = current_learner()
    if not overview_service.may_see_overview(user):
        abort(403)
    return overview_service.build_overview(
        user, load_courses().values(), services.oslo_today(), utcnow(), request.args.get("unit")
    )


@bp.get("/overview")
@role_required(Role.PARTICIPANT)
def overview() -> str:
    """Show leaders who holds a valid, expiring, expired or missing completion, and their recent drills."""
    return render_template("learning/overview.html", overview=_overview())


@bp.get("/overview.csv")
@role_required(Role.PARTICIPANT)
def overview_csv() -> Response:
    """Download the overview as a CSV file that Excel opens with Norwegian letters intact."""
    body = overview_service.overview_csv(_overview(), screens.state_words())
    record_audit("course_overview_exported", detail={"unit": request.args.get("unit", "")[:40]})
    db.session.commit()
    response = Response(body.encode("utf-8-sig"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="kursoversikt.csv"'
    return response


@bp.post("/leaders/<int:user_id>")
@role_required(Role.ADMIN)
def set_led_units(user_id: int) -> Response | tuple[str, int]:
    """Save the units a person leads (from the admin's page about them), so they see those units here."""
    user = db.first_or_404(
        select(User).where(User.id == user_id, User.organisation_id == current_user.organisation_id)
    )
    form = leaders.unit_leader_form(user, formdata=True)
    if not form.validate_on_submit():
        role_form = RoleForm(role=user.role.value)
        return render_template("admin/show.html", user=user, role_form=role_form, unit_form=form), 400
    chosen = set(form.units.data or [])
    units = [unit for unit in user.organisation.units if str(unit.id) in chosen]
    leaders.set_led_units(user, units)
    record_audit("unit_leader_changed", user, detail={"units": len(units)})
    db.session.commit()
    flash(leaders.saved_message(user, units), "success")
    return redirect(url_for("admin.show", user_id=user.id), 303)
