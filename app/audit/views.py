"""The admin's audit page: the organisation's trail with filters, and the same as CSV."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask_login import current_user

from app.audit.forms import AuditFilterForm
from app.audit.record import ACTION_LABELS
from app.audit.record import record_audit
from app.audit.trail import PAGE_LIMIT
from app.audit.trail import AuditFilter
from app.audit.trail import audit_csv
from app.audit.trail import audit_rows
from app.auth.decorators import role_required
from app.extensions import db
from app.i18n import gettext as _
from app.models import Role
from app.models import User

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _filter_form() -> tuple[AuditFilterForm, AuditFilter | None]:
    """Read the filter from the query string; None when it does not validate."""
    form = AuditFilterForm(formdata=request.args).fill_choices(User.members_of(current_user.organisation))
    if request.args and not form.validate():
        return form, None
    person = form.person.data
    wanted = AuditFilter(
        action=form.action.data or "",
        actor_id=int(person) if person else None,
        start=form.start.data,
        end=form.end.data,
    )
    return form, wanted


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> tuple[str, int]:
    """Show the newest records of the admin's organisation that match the filter."""
    form, wanted = _filter_form()
    rows = audit_rows(current_user.organisation, wanted) if wanted is not None else []
    return render_template(
        "admin/audit.html",
        form=form,
        rows=rows,
        limit=PAGE_LIMIT,
        labels=ACTION_LABELS,
        query=request.query_string.decode(),
    ), (200 if wanted is not None else 400)


@bp.get("/export.csv")
@role_required(Role.ADMIN)
def export_csv() -> Response | tuple[str, int]:
    """Download every matching record as CSV; the download itself is recorded."""
    form, wanted = _filter_form()
    if wanted is None:
        return index()
    rows = audit_rows(current_user.organisation, wanted, limit=None)
    body = audit_csv(rows, _("Slettet konto"))
    record_audit("audit_exported", detail={"rows": len(rows)})
    db.session.commit()
    response = Response(body.encode("utf-8-sig"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="revisjonslogg.csv"'
    return response
