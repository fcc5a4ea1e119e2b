"""The debrief pages: the facilitator's debrief, the projector, each participant's view, exports, cohorts.

Facilitator pages load drills through a query scoped to the facilitator's organisation, exactly like
the console: another municipality's drill is a 404, a participant or guest gets 403. A participant
reaches only ``/mine`` (and its PDF) of a drill they took part in: their own roles' choices and the team's
results, never another role's choices.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.debrief import screens
from app.debrief import services
from app.debrief import words
from app.debrief.forms import ActionPointForm
from app.drills import services as drill_services
from app.extensions import db
from app.i18n import gettext as _
from app.models import Drill
from app.models import DrillStatus
from app.models import Role
from app.observing import services as observing
from app.observing.screens import note_lines
from scoring import Report
from scoring import ScoringConfig
from scoring.storage import report_to_data

bp = Blueprint("debrief", __name__, url_prefix="/debrief")

# The participant's proof of membership, as the drills blueprint keeps it in the session.
SEATS_KEY = "drills"


def _get_drill(public_id: str) -> Drill:
    """Load one of the organisation's ended drills: 404 outside the organisation or before the end."""
    drill = db.first_or_404(
        select(Drill).where(
            Drill.public_id == public_id, Drill.organisation_id == current_user.organisation_id
        )
    )
    if drill.status != DrillStatus.ENDED:
        abort(404)
    return drill


def _can_control(drill: Drill) -> bool:
    """Whether the current user ran this drill, or administers its organisation."""
    return drill.facilitator_id == current_user.id or current_user.has_role(Role.ADMIN)


def _scored(public_id: str) -> tuple[Drill, Report]:
    """Load the drill and its report (scored and stored now if it has none), and commit that once."""
    drill = _get_drill(public_id)
    report = services.drill_report(drill)
    db.session.commit()
    return drill, report


def _chart_context(report: Report) -> dict[str, Any]:
    """The dimension chart's bars and geometry, as ``debrief/_chart.html`` reads them."""
    bars, height = screens.chart(report)
    return {
        "bars": bars,
        "chart_height": height,
        "chart_width": screens.CHART_WIDTH,
        "label_height": screens.LABEL_HEIGHT,
        "bar_height": screens.BAR_HEIGHT,
        "value_width": screens.VALUE_WIDTH,
    }


def _debrief(public_id: str) -> tuple[Drill, dict[str, Any]]:
    """Load the drill and its report, and build everything the debrief pages show."""
    drill, report = _scored(public_id)
    timeline = services.drill_timeline(drill)
    notes = note_lines(drill.scenario, observing.drill_notes(drill))
    context = {
        "drill": drill,
        "notices": screens.drill_notices(drill),
        "scenario": drill.scenario,
        "report": report,
        **_chart_context(report),
        "rows": screens.timeline_rows(drill.scenario, timeline, notes),
        "observer_notes": notes,
        "made": screens.choices_made(drill.scenario, timeline),
        "phases": screens.phases(report),
        "points": services.action_points(drill),
        "critical": screens.critical_findings(report),
        "rating_words": words.rating_words(),
        "cap": ScoringConfig().cap,
        "role_names": {role.id: role.name for role in drill.scenario.meta.roles},
        "progress": services.team_progress(drill),
        "dimension_labels": words.dimension_labels(),
    }
    return drill, context


@bp.get("/<public_id>")
@role_required(Role.FACILITATOR)
def show(public_id: str) -> str:
    """Show the facilitator's debrief: critical errors, scores, divergence, timeline, questions and plan."""
    drill, context = _debrief(public_id)
    form = ActionPointForm()
    return render_template("debrief/show.html", form=form, can_control=_can_control(drill), **context)


@bp.post("/<public_id>/actions")
@role_required(Role.FACILITATOR)
def add_action(public_id: str) -> Response | tuple[str, int]:
    """Add a point to the team's improvement plan."""
    drill = _get_drill(public_id)
    if not _can_control(drill):
        abort(403)
    form = ActionPointForm()
    if not form.validate_on_submit():
        context = _debrief(public_id)[1]
        return render_template("debrief/show.html", form=form, can_control=True, **context), 400
    services.add_action_point(
        drill, current_user._get_current_object(), form.what.data, form.who.data, form.due.data
    )
    db.session.commit()
    flash(_("Forbedringspunktet er lagret."), "success")
    return redirect(url_for("debrief.show", public_id=drill.public_id, _anchor="plan-heading"), 303)


@bp.get("/<public_id>/projector")
@role_required(Role.FACILITATOR)
def projector(public_id: str) -> str:
    """Show the chart and one phase's questions in large type, without anything about single people."""
    context = _debrief(public_id)[1]
    names = [phase.name for phase in context["phases"]]
    current = request.args.get("phase", names[0] if names else "")
    phase = next((p for p in context["phases"] if p.name == current), None)
    return render_template("debrief/projector.html", phase=phase, **context)


@bp.get("/<public_id>/export.csv")
@role_required(Role.FACILITATOR)
def export_csv(public_id: str) -> Response:
    """Download the drill's events and scores as CSV."""
    drill, report = _scored(public_id)
    body = screens.report_csv(
        report, services.drill_events(drill), screens.drill_notices(drill), drill.scenario
    )
    _record_export(drill, "csv")
    # utf-8-sig: the byte-order mark makes Excel read æ, ø and å correctly.
    return _download(body.encode("utf-8-sig"), "text/csv; charset=utf-8", f"debrief-{drill.public_id}.csv")


@bp.get("/<public_id>/export.json")
@role_required(Role.FACILITATOR)
def export_json(public_id: str) -> Response:
    """Download the drill's report and events as JSON."""
    drill, report = _scored(public_id)
    notices = [{"code": n.code, "text": n.text} for n in screens.drill_notices(drill)]
    data = {
        "drill": {"complete": not drill.incomplete, "test": drill.is_test, "notices": notices},
        "report": report_to_data(report),
        # The report keeps message ids and parameters; the findings are also given in the reader's words.
        "findings": screens.findings_in_words(report),
        "events": services.drill_events(drill),
        "observer_notes": [
            {
                "at": note.created_at.isoformat(),
                "drill_seconds": note.drill_seconds,
                "scene": note.scene_id,
                "round": note.round,
                "observer": note.observer.display_name,
                "text": note.text,
            }
            for note in observing.drill_notes(drill)
        ],
    }
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    _record_export(drill, "json")
    return _download(body.encode("utf-8"), "application/json", f"debrief-{drill.public_id}.json")


@bp.get("/<public_id>/report.pdf")
@role_required(Role.FACILITATOR)
def export_pdf(public_id: str) -> Response:
    """Download the debrief as a printable PDF report."""
    # Imported here: WeasyPrint loads pango at import, which only this view needs.
    from weasyprint import HTML

    drill, context = _debrief(public_id)
    html = render_template("debrief/print.html", **context)
    # PDF/UA: a tagged PDF with headings and tables that screen readers can navigate.
    pdf = HTML(string=html, base_url=request.host_url).write_pdf(pdf_variant="pdf/ua-1")
    _record_export(drill, "pdf")
    return _download(pdf, "application/pdf", f"debrief-{drill.public_id}.pdf")


def _record_export(drill: Drill, kind: str) -> None:
    """Put the export in the audit trail; a GET view commits its own record."""
    record_audit("debrief_exported", drill, detail={"format": kind})
    db.session.commit()


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    """A response the browser saves as ``filename``."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _own_debrief(public_id: str) -> dict[str, Any]:
    """What a participant may see of an ended drill: their own roles' choices and the team's results.

    404 unless the visitor's session seat or account is in the drill and the drill has ended. Nothing
    here names another role's choice: the team-level part is what the projector shows the whole room.
    """
    drill = db.first_or_404(select(Drill).where(Drill.public_id == public_id))
    participant_id, token = (session.get(SEATS_KEY, {}).get(public_id) or [None, None])[:2]
    user = current_user._get_current_object() if current_user.is_authenticated else None
    participant = drill_services.find_participant(drill, participant_id, token, user)
    if participant is None or drill.status != DrillStatus.ENDED:
        abort(404)
    report = services.drill_report(drill)
    db.session.commit()
    roles = drill.roles_of(participant)
    return {
        "drill": drill,
        "participant": participant,
        "made": screens.choices_made(drill.scenario, services.drill_timeline(drill), roles),
        "role_names": [role.name for role in drill.scenario.meta.roles if role.id in roles],
        "notices": screens.drill_notices(drill),
        "report": report,
        **_chart_context(report),
        "phases": screens.phases(report),
        "points": services.action_points(drill),
        "rating_words": words.rating_words(),
        "cap": ScoringConfig().cap,
    }


@bp.get("/<public_id>/mine")
def mine(public_id: str) -> str:
    """Show a participant their own roles' choices against the expert's, and the team's results."""
    return render_template("debrief/mine.html", **_own_debrief(public_id))


@bp.get("/<public_id>/mine.pdf")
def mine_pdf(public_id: str) -> Response:
    """Download the participant's own debrief as a PDF: their choices and the team's results only."""
    from weasyprint import HTML

    context = _own_debrief(public_id)
    html = render_template("debrief/print_mine.html", **context)
    pdf = HTML(string=html, base_url=request.host_url).write_pdf(pdf_variant="pdf/ua-1")
    return _download(pdf, "application/pdf", f"min-debrief-{public_id}.pdf")


@bp.get("/cohort")
@role_required(Role.FACILITATOR)
def cohort() -> str:
    """Show the organisation's dimension averages per scenario and month, and its weakest interfaces."""
    organisation = current_user.organisation
    result, titles = services.organisation_cohort(organisation)
    interfaces = services.weakest_interfaces(organisation)
    scenario_ids = list(dict.fromkeys(row.scenario_id for row in result.rows))
    charts = {
        key: screens.cohort_chart(result.for_scenario(key), result.columns, _("Totalt"))
        for key in scenario_ids
    }
    return render_template(
        "debrief/cohort.html",
        cohort=result,
        titles=titles,
        scenario_ids=list(charts),
        interfaces=interfaces,
        dimension_labels=words.dimension_labels(),
        charts=charts,
        trend=(screens.TREND_WIDTH, screens.TREND_HEIGHT, screens.TREND_PAD),
    )
