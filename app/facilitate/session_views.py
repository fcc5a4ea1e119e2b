"""The pages of a training session (økt): the live overview of every team, its controls and the projector.

Sessions are loaded through a query scoped to the facilitator's organisation, so another
municipality's session is a 404. Any facilitator of the organisation may watch; only the session's
facilitator, its co-facilitators and administrators may run it (403 otherwise).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from app.auth.decorators import role_required
from app.drills import services as drill_services
from app.extensions import db
from app.facilitate import session_comparison
from app.facilitate import sessions
from app.facilitate.forms import BroadcastForm
from app.facilitate.forms import CoFacilitatorForm
from app.facilitate.forms import SessionControlForm
from app.facilitate.session_screens import session_etag
from app.facilitate.session_screens import team_row
from app.facilitate.views import qr_svg
from app.htmx import render
from app.i18n import gettext as _
from app.i18n import ngettext
from app.models import Drill
from app.models import DrillStatus
from app.models import Role
from app.models import RoleAssignment
from app.models import TrainingSession
from app.models import User
from app.models import utcnow
from app.transactions import commit_if_written

bp = Blueprint("sessions", __name__, url_prefix="/facilitate/sessions")


def _get_session(public_id: str) -> TrainingSession:
    """Load one of the organisation's sessions, or 404."""
    query = select(TrainingSession).where(
        TrainingSession.organisation_id == current_user.organisation_id,
        TrainingSession.public_id == public_id,
    )
    return db.first_or_404(query)


def _can_run(session: TrainingSession) -> bool:
    """Whether the current user runs the session: its facilitator, a co-facilitator or an administrator."""
    return session.is_run_by(current_user) or current_user.has_role(Role.ADMIN)


def _get_run_session(public_id: str) -> TrainingSession:
    """Load a session the current user may run: 404 outside the organisation, 403 inside it."""
    session = _get_session(public_id)
    if not _can_run(session):
        abort(403)
    return session


def _drills(session: TrainingSession) -> list[Drill]:
    """The session's drills in team order with their people loaded, their clocks brought up to date."""
    query = (
        select(Drill)
        .where(Drill.session_id == session.id)
        .order_by(Drill.team_number, Drill.id)
        .options(
            selectinload(Drill.participants),
            selectinload(Drill.assignments).selectinload(RoleAssignment.participant),
        )
    )
    drills = list(db.session.scalars(query))
    now = utcnow()
    for drill in drills:
        drill_services.tick(drill, now)
    db.session.commit()
    return drills


def _broadcast_form(drills: list[Drill]) -> BroadcastForm:
    """The broadcast form with the session's teams and the roles of its scenarios as choices."""
    form = BroadcastForm()
    form.teams.choices = [SelectChoice(str(d.id), d.team_name) for d in drills]
    roles: dict[str, str] = {}
    for drill in drills[:1] + [
        d for d in drills[1:] if d.scenario_version_id != drills[0].scenario_version_id
    ]:
        roles.update({role.id: role.name for role in drill.scenario.meta.roles})
    form.roles.choices = [SelectChoice(role_id, name) for role_id, name in roles.items()]
    return form


def _colleagues(session: TrainingSession) -> list[User]:
    """The organisation's active facilitators who could become co-facilitators of the session."""
    taken = {session.facilitator_id} | {c.user_id for c in session.co_facilitators}
    people = User.members_of(current_user.organisation)
    return [u for u in people if u.active and u.has_role(Role.FACILITATOR) and u.id not in taken]


def _co_facilitator_form(session: TrainingSession) -> CoFacilitatorForm:
    """The form for adding a co-facilitator, offering the colleagues not yet in the session."""
    form = CoFacilitatorForm()
    form.user.choices = [SelectChoice(str(u.id), u.display_name) for u in _colleagues(session)]
    return form


def _overview_context(session: TrainingSession, drills: list[Drill]) -> dict[str, Any]:
    """Template values for the overview: a row per team, the controls and the ETag of what is shown."""
    now = utcnow()
    return {
        "session": session,
        "rows": [team_row(drill, now) for drill in drills],
        "can_run": _can_run(session),
        "control_form": SessionControlForm(),
        "broadcast_form": _broadcast_form(drills),
        "co_form": _co_facilitator_form(session),
        "new_key": uuid.uuid4().hex,
        "etag": session_etag(drills, now),
    }


@bp.get("/<public_id>")
@role_required(Role.FACILITATOR)
def overview(public_id: str) -> Response:
    """Show every team of the session on one page, refreshed by polling."""
    session = _get_session(public_id)
    drills = _drills(session)
    return render(
        "sessions/overview.html", "sessions/_overview_state.html", **_overview_context(session, drills)
    )


def _fragment(etag: str, page: str, partial: str, context: dict[str, Any]) -> Response:
    """Answer a poll with the fresh fragment, carrying the ETag the next poll sends back."""
    response = render(page, partial, **context)
    response.set_etag(etag, weak=True)
    return response


@bp.get("/<public_id>/state")
@role_required(Role.FACILITATOR)
def overview_state(public_id: str) -> Response:
    """The polled part of the overview; 304 Not Modified while no team has changed."""
    session = _get_session(public_id)
    drills = _drills(session)
    etag = session_etag(drills, utcnow())
    if request.if_none_match.contains_weak(etag):
        return _not_modified(etag)
    context = _overview_context(session, drills)
    return _fragment(etag, "sessions/overview.html", "sessions/_overview_state.html", context)


def _not_modified(etag: str) -> Response:
    """A 304 for a poll whose fragment has not changed, before any row is built."""
    response = Response(status=304)
    response.vary.add("HX-Request")
    response.set_etag(etag, weak=True)
    return response


def _log(event: str, session: TrainingSession, **extra: Any) -> None:
    """Record a session-wide control in the structured log."""
    current_app.logger.info(
        event.replace("_", " "),
        extra={"event": event, "actor_id": current_user.id, "session": session.public_id, **extra},
    )


def _back(session: TrainingSession) -> Response:
    """Return to the overview (303, so reloading never repeats a control)."""
    return redirect(url_for("sessions.overview", public_id=session.public_id), 303)


def _run_all(public_id: str, action: Any, event: str) -> tuple[TrainingSession, sessions.Outcome]:
    """Check the CSRF token and run a session-wide control over every team."""
    session = _get_run_session(public_id)
    if not SessionControlForm().validate_on_submit():
        abort(400)
    outcome = action(session)
    db.session.commit()
    _log(event, session, done=len(outcome.done), skipped=len(outcome.skipped))
    return session, outcome


@bp.post("/<public_id>/start")
@role_required(Role.FACILITATOR)
def start_all(public_id: str) -> Response:
    """Start every team whose roles are all cast."""
    session, outcome = _run_all(public_id, sessions.start_all, "session_started")
    flash(ngettext("%(num)d lag er i gang.", "%(num)d lag er i gang.", len(outcome.done)), "success")
    if outcome.skipped:
        names = ", ".join(d.team_name for d in outcome.skipped)
        flash(_("Ikke startet (mangler roller, eller går allerede): %(teams)s.", teams=names), "info")
    return _back(session)


@bp.post("/<public_id>/pause")
@role_required(Role.FACILITATOR)
def pause_all(public_id: str) -> Response:
    """Pause every running team."""
    session, outcome = _run_all(public_id, sessions.pause_all, "session_paused")
    flash(
        ngettext("%(num)d lag er satt på pause.", "%(num)d lag er satt på pause.", len(outcome.done)),
        "success",
    )
    return _back(session)


@bp.post("/<public_id>/resume")
@role_required(Role.FACILITATOR)
def resume_all(public_id: str) -> Response:
    """Let every paused team continue."""
    session, outcome = _run_all(public_id, sessions.resume_all, "session_resumed")
    flash(ngettext("%(num)d lag fortsetter.", "%(num)d lag fortsetter.", len(outcome.done)), "success")
    return _back(session)


@bp.post("/<public_id>/broadcast")
@role_required(Role.FACILITATOR)
def broadcast(public_id: str) -> Response | tuple[str, int]:
    """Send the facilitator's own message to all or the chosen teams and roles, recorded in each drill."""
    session = _get_run_session(public_id)
    drills = _drills(session)
    form = _broadcast_form(drills)
    if not form.validate_on_submit():
        context = _overview_context(session, drills)
        context["broadcast_form"] = form
        return render_template("sessions/overview.html", **context), 400
    teams = [int(team) for team in form.teams.data]
    outcome = sessions.broadcast(
        session, form.text.data, teams, form.roles.data, current_user._get_current_object(), form.key.data
    )
    db.session.commit()
    _log("session_broadcast", session, done=len(outcome.done), skipped=len(outcome.skipped))
    flash(
        ngettext(
            "Meldingen er sendt til %(num)d lag.", "Meldingen er sendt til %(num)d lag.", len(outcome.done)
        ),
        "success",
    )
    if outcome.skipped:
        names = ", ".join(d.team_name for d in outcome.skipped)
        flash(
            _("Ikke sendt (laget spiller ikke nå, eller har ingen av rollene): %(teams)s.", teams=names),
            "info",
        )
    return _back(session)


@bp.post("/<public_id>/facilitators")
@role_required(Role.FACILITATOR)
def add_co_facilitator(public_id: str) -> Response:
    """Let a colleague of the same organisation share the console of the session's drills."""
    session = _get_run_session(public_id)
    form = _co_facilitator_form(session)
    if not form.validate_on_submit():
        flash(_("Velg en fasilitator fra din egen organisasjon."), "error")
        return _back(session)
    user = db.session.get(User, int(form.user.data))
    try:
        sessions.add_co_facilitator(session, user)
    except sessions.NotColleague:
        db.session.rollback()
        flash(_("Velg en fasilitator fra din egen organisasjon."), "error")
        return _back(session)
    db.session.commit()
    _log("co_facilitator_added", session, user_id=user.id)
    flash(_("%(name)s kan nå styre øvelsene i økten.", name=user.display_name), "success")
    return _back(session)


@bp.get("/<public_id>/projector")
@role_required(Role.FACILITATOR)
def projector(public_id: str) -> Response:
    """Show every team's code and QR code, then who has joined, then each team's progress."""
    session = _get_session(public_id)
    drills = _drills(session)
    return render(
        "sessions/projector.html", "sessions/_projector_state.html", **_projector_context(session, drills)
    )


def _projector_context(session: TrainingSession, drills: list[Drill]) -> dict[str, Any]:
    """Template values for the projector: rows without flags (the hall sees no one's errors), QR codes."""
    now = utcnow()
    seating = session.join_code and any(d.status != DrillStatus.ENDED for d in drills)
    return {
        "session": session,
        "session_qr": qr_svg(url_for("drills.join", code=session.join_code, _external=True))
        if seating
        else None,
        "rows": [team_row(drill, now, with_flags=False) for drill in drills],
        "qr": {
            d.id: qr_svg(url_for("drills.join", code=d.join_code, _external=True))
            for d in drills
            if d.join_code
        },
        "etag": session_etag(drills, now, "projector"),
    }


@bp.get("/<public_id>/projector/state")
@role_required(Role.FACILITATOR)
def projector_state(public_id: str) -> Response:
    """The polled part of the projector; 304 Not Modified while no team has changed."""
    session = _get_session(public_id)
    drills = _drills(session)
    etag = session_etag(drills, utcnow(), "projector")
    if request.if_none_match.contains_weak(etag):
        return _not_modified(etag)
    context = _projector_context(session, drills)
    return _fragment(etag, "sessions/projector.html", "sessions/_projector_state.html", context)


@bp.get("/<public_id>/comparison")
@role_required(Role.FACILITATOR)
def comparison(public_id: str) -> str:
    """Compare the session's ended teams side by side, with the session average, for its facilitators."""
    session = _get_run_session(public_id)
    result = session_comparison.compare_teams(session)
    commit_if_written()
    by_total = request.args.get("sort") == "total"
    rows = session_comparison.best_first(result.rows) if by_total else result.rows
    return render_template(
        "sessions/comparison.html", session=session, comparison=result, rows=rows, by_total=by_total
    )
