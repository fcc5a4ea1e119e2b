"""The facilitator's pages: the scenario library, creating drills, the live console and the projector view.

Drills are always loaded through a query scoped to the facilitator's organisation, so another
municipality's drill is a 404. Within the organisation any facilitator may watch a drill; only the
facilitator who created it, or an administrator, may control it (403 otherwise).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import segno
from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from wtforms import SelectChoice

from app.audit.record import record_audit
from app.audit.record import target_of
from app.auth.decorators import role_required
from app.debrief import services as debrief_services
from app.drills import services as drill_services
from app.drills.screens import ConsoleScreen
from app.drills.screens import console_etag
from app.drills.screens import console_screen
from app.drills.wording import refusal_text
from app.drills.wording import role_names
from app.extensions import db
from app.facilitate import services
from app.facilitate import sessions
from app.facilitate.forms import AdvanceForm
from app.facilitate.forms import CreateDrillForm
from app.facilitate.forms import DeleteDrillForm
from app.facilitate.forms import RolesOpenForm
from app.facilitate.forms import TestMarkForm
from app.facilitate.forms import TimerForm
from app.facilitate.forms import assignment_form
from app.facilitate.forms import role_field_name
from app.htmx import render
from app.i18n import gettext as _
from app.i18n import ngettext
from app.library import library_versions
from app.models import Drill
from app.models import DrillStatus
from app.models import Role
from app.models import ScenarioVersion
from app.models import TrainingSession
from app.models import utcnow
from app.observing import services as observing
from app.observing.forms import AddObserverForm

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")


def _organisation_drills() -> Select[tuple[Drill]]:
    """Drills of the facilitator's own organisation: the only ones any query here may reach."""
    return select(Drill).where(Drill.organisation_id == current_user.organisation_id)


def _can_control(drill: Drill) -> bool:
    """Whether the current user runs this drill: its facilitator, a co-facilitator of its session, or an
    administrator of its organisation."""
    return (
        drill.facilitator_id == current_user.id
        or current_user.has_role(Role.ADMIN)
        or (drill.session is not None and drill.session.is_run_by(current_user))
    )


def _get_drill(public_id: str) -> Drill:
    """Load one of the organisation's drills, or 404."""
    return db.first_or_404(_organisation_drills().where(Drill.public_id == public_id))


def _get_controlled_drill(public_id: str) -> Drill:
    """Load a drill the current user may control: 404 outside the organisation, 403 inside it."""
    drill = _get_drill(public_id)
    if not _can_control(drill):
        abort(403)
    return drill


def _log(event: str, drill: Drill, **extra: Any) -> None:
    """Record a facilitator's control action in the structured log."""
    current_app.logger.info(
        event.replace("_", " "),
        extra={"event": event, "actor_id": current_user.id, "drill": drill.public_id, **extra},
    )


@bp.get("/")
@role_required(Role.FACILITATOR)
def index() -> str:
    """List my drills (an administrator sees the whole organisation's), live ones first."""
    query = _organisation_drills()
    if not current_user.has_role(Role.ADMIN):
        query = query.where(Drill.facilitator_id == current_user.id)
    # A session's teams stay together in team order, so "Fagdag 2" never comes before "Fagdag 1".
    query = query.outerjoin(TrainingSession, TrainingSession.id == Drill.session_id).order_by(
        func.coalesce(TrainingSession.created_at, Drill.created_at).desc(),
        Drill.session_id,
        Drill.team_number,
        Drill.id.desc(),
    )
    drills = list(db.session.scalars(query))
    live = [d for d in drills if d.status != DrillStatus.ENDED]
    ended = [d for d in drills if d.status == DrillStatus.ENDED]
    return render_template(
        "facilitate/index.html", live=live, ended=ended, sessions=sessions.sessions_of(current_user)
    )


@bp.get("/library")
@role_required(Role.FACILITATOR)
def library() -> str:
    """Show the scenarios a facilitator can start: the built-in ones and published authored ones."""
    return render_template("facilitate/library.html", versions=library_versions(current_user.organisation_id))


def _create_form(versions: list[ScenarioVersion]) -> CreateDrillForm:
    """The create form with the library's scenarios as choices."""
    form = CreateDrillForm()
    form.scenario.choices = [SelectChoice(str(v.id), _library_label(v)) for v in versions]
    return form


def _library_label(version: ScenarioVersion) -> str:
    """A scenario's name in the create form with its source, so a copy never looks like the original."""
    authored = version.authored_scenario
    if authored is None:
        return _("%(title)s (Laget)", title=version.title)
    return _(
        "%(title)s (%(organisation)s, versjon %(number)d)",
        title=version.title,
        organisation=authored.organisation.name,
        number=version.number,
    )


@bp.route("/drills/new", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def create() -> Response | str | tuple[str, int]:
    """Create one drill, or one per team for a training day, on the chosen scenario."""
    versions = library_versions(current_user.organisation_id)
    form = _create_form(versions)
    if request.method == "GET":
        form.scenario.data = request.args.get("scenario") or (
            str(versions[0].id) if len(versions) == 1 else None
        )
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template(
            "facilitate/new.html", form=form, versions=versions, max_teams=services.MAX_TEAMS
        ), status
    version = next(v for v in versions if str(v.id) == form.scenario.data)
    user = current_user._get_current_object()
    session = None
    if form.teams.data > 1:
        session = sessions.create_session(user, form.session_name.data or form.team_name.data)
    drills = services.create_drills(user, version, form.team_name.data, form.teams.data, session)
    db.session.commit()
    for drill in drills:
        _log("drill_created", drill, scenario=version.scenario_key)
    if session is None:
        return redirect(url_for("facilitate.console", public_id=drills[0].public_id), 303)
    flash(_("%(count)d øvelser er opprettet. Hvert lag har sin egen kode.", count=len(drills)), "success")
    return redirect(url_for("sessions.overview", public_id=session.public_id), 303)


def _console_context(drill: Drill, screen: ConsoleScreen) -> dict[str, Any]:
    """Template values for the console: the screen, the control forms and whether they are usable."""
    own_seat = next((p for p in drill.participants if p.user_id == current_user.id), None)
    holders = {a.role_id: a.participant for a in drill.assignments}
    roles = list(drill.scenario.meta.roles)
    fingerprint = repr(
        ([(p.id, p.display_name) for p in drill.participants], sorted(holders.items(), key=str), drill.status)
    )
    return {
        "screen": screen,
        "can_control": _can_control(drill),
        "assign_form": assignment_form(roles, drill.participants, holders, own_seat.id if own_seat else None),
        "assign_form_id": "roles-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:12],
        "role_field_name": role_field_name,
        "timer_form": TimerForm(minutes=drill.timer_minutes),
        "own_roles": drill.roles_of(own_seat) if own_seat else [],
        "new_key": lambda: uuid.uuid4().hex,
        "join_url": url_for("drills.join", code=drill.join_code, _external=True) if drill.join_code else None,
        "etag": console_etag(screen),
    }


def _console(public_id: str) -> tuple[Drill, ConsoleScreen]:
    """Load the drill, bring its clock up to date, and build the console view."""
    drill = _get_drill(public_id)
    now = utcnow()
    drill_services.tick(drill, now)
    db.session.commit()
    return drill, console_screen(drill, now)


@bp.get("/drills/<public_id>")
@role_required(Role.FACILITATOR)
def console(public_id: str) -> Response:
    """Show the live console: every role side by side, injects, people and the whole team log."""
    drill, screen = _console(public_id)
    return render(
        "facilitate/console.html",
        "facilitate/_console_state.html",
        previous_points=debrief_services.previous_action_points(drill),
        observers=observing.drill_observers(drill),
        observer_form=AddObserverForm(),
        **_console_context(drill, screen),
    )


@bp.get("/drills/<public_id>/state")
@role_required(Role.FACILITATOR)
def console_state(public_id: str) -> Response:
    """The polled part of the console; 304 Not Modified while nothing on it has changed."""
    drill, screen = _console(public_id)
    etag = console_etag(screen)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        response.vary.add("HX-Request")
    else:
        response = render(
            "facilitate/console.html", "facilitate/_console_state.html", **_console_context(drill, screen)
        )
    response.set_etag(etag, weak=True)
    return response


def qr_svg(url: str) -> Markup:
    """The join link as an inline SVG QR code: no image request, no script, and sharp on any projector."""
    code = segno.make(url, error="m")
    return Markup(
        code.svg_inline(scale=8, border=4, dark="#1b1b1f", light="#ffffff", omitsize=True, svgclass="qr")
    )


@bp.get("/drills/<public_id>/projector")
@role_required(Role.FACILITATOR)
def projector(public_id: str) -> str:
    """Show the join code, link and QR code in letters large enough for the back of the room."""
    drill = _get_drill(public_id)
    join_url = url_for("drills.join", code=drill.join_code, _external=True) if drill.join_code else None
    qr = qr_svg(join_url) if join_url else None
    return render_template("facilitate/projector.html", drill=drill, join_url=join_url, qr=qr)


def _back(drill: Drill) -> Response:
    """Return to the console (303, so reloading never repeats a control)."""
    return redirect(url_for("facilitate.console", public_id=drill.public_id), 303)


@bp.post("/drills/<public_id>/roles")
@role_required(Role.FACILITATOR)
def assign(public_id: str) -> Response:
    """Save who plays which role, including roles the facilitator plays themself."""
    drill = _get_controlled_drill(public_id)
    holders = {a.role_id: a.participant for a in drill.assignments}
    roles = list(drill.scenario.meta.roles)
    own = next((p.id for p in drill.participants if p.user_id == current_user.id), None)
    form = assignment_form(roles, drill.participants, holders, own)
    if not form.validate_on_submit():
        flash(_("Rollene ble ikke lagret. Velg blant deltakerne som er med."), "error")
        return _back(drill)
    choices = {role.id: form[role_field_name(role.id)].data or None for role in roles}
    try:
        services.assign_roles(drill, choices, current_user._get_current_object())
    except services.WrongStatus:
        flash(_("Øvelsen er avsluttet, så rollene kan ikke endres."), "error")
        return _back(drill)
    db.session.commit()
    _log("roles_assigned", drill)
    flash(_("Rollene er lagret."), "success")
    return _back(drill)


@bp.post("/drills/<public_id>/start")
@role_required(Role.FACILITATOR)
def start(public_id: str) -> Response:
    """Start the drill once every role has someone."""
    drill = _get_controlled_drill(public_id)
    try:
        services.start_drill(drill)
    except services.DrillNotReady as error:
        db.session.rollback()
        missing = role_names(drill.scenario, error.missing)
        flash(
            _(
                "Ingen spiller %(roles)s ennå. Gi rollene til deltakere, eller velg «Spill selv».",
                roles=missing,
            ),
            "error",
        )
        return _back(drill)
    except services.WrongStatus:
        flash(_("Øvelsen er allerede startet."), "info")
        return _back(drill)
    db.session.commit()
    _log("drill_started", drill)
    flash(_("Øvelsen er i gang."), "success")
    return _back(drill)


def _control(public_id: str, action: Any, event: str, done: str, wrong: str) -> Response:
    """Run a clock control (pause, resume, end) and report it; a status that does not fit changes nothing."""
    drill = _get_controlled_drill(public_id)
    try:
        action(drill)
    except services.WrongStatus:
        flash(wrong, "info")
        return _back(drill)
    db.session.commit()
    _log(event, drill)
    flash(done, "success")
    return _back(drill)


@bp.post("/drills/<public_id>/pause")
@role_required(Role.FACILITATOR)
def pause(public_id: str) -> Response:
    """Pause the drill: the timer stops and choices wait."""
    return _control(
        public_id,
        services.pause_drill,
        "drill_paused",
        _("Øvelsen er satt på pause."),
        _("Øvelsen går ikke nå."),
    )


@bp.post("/drills/<public_id>/resume")
@role_required(Role.FACILITATOR)
def resume(public_id: str) -> Response:
    """Continue a paused drill with the time that was left."""
    return _control(
        public_id,
        services.resume_drill,
        "drill_resumed",
        _("Øvelsen fortsetter."),
        _("Øvelsen er ikke på pause."),
    )


def _end_and_score(drill: Drill) -> Drill:
    """End the drill and store its debrief report in the same transaction."""
    drill = services.end_drill(drill)
    try:
        debrief_services.store_report(drill)
    except Exception:
        # Ending must never fail because of scoring; the debrief page scores the drill again on demand.
        current_app.logger.exception("debrief scoring failed", extra={"drill": drill.public_id})
    return drill


@bp.post("/drills/<public_id>/end")
@role_required(Role.FACILITATOR)
def end(public_id: str) -> Response:
    """End the drill for everyone."""
    return _control(
        public_id,
        _end_and_score,
        "drill_ended",
        _("Øvelsen er avsluttet."),
        _("Øvelsen er allerede avsluttet."),
    )


@bp.post("/drills/<public_id>/timer")
@role_required(Role.FACILITATOR)
def timer(public_id: str) -> Response:
    """Give the current scene a number of minutes from now, or remove its timer."""
    drill = _get_controlled_drill(public_id)
    form = TimerForm()
    if not form.validate_on_submit():
        flash(" ".join(form.minutes.errors) or _("Skriv et helt antall minutter."), "error")
        return _back(drill)
    try:
        services.set_timer(drill, form.minutes.data)
    except services.WrongStatus:
        flash(_("Øvelsen er avsluttet."), "info")
        return _back(drill)
    db.session.commit()
    _log("timer_set", drill, minutes=form.minutes.data)
    if form.minutes.data:
        minutes = form.minutes.data
        flash(
            ngettext("Scenen har nå %(num)d minutt igjen.", "Scenen har nå %(num)d minutter igjen.", minutes),
            "success",
        )
    else:
        flash(_("Scenen har ingen tidsfrist nå."), "success")
    return _back(drill)


def _report(result: drill_services.Recorded, done: str) -> None:
    """Tell the facilitator whether a runtime event counted."""
    if result.ok:
        flash(done, "success")
    else:
        flash(refusal_text(result.rejection, str(get_locale())), "error")  # type: ignore[arg-type]


@bp.post("/drills/<public_id>/advance")
@role_required(Role.FACILITATOR)
def advance(public_id: str) -> Response:
    """Close the current scene and move on, recording the roles that did not act."""
    drill = _get_controlled_drill(public_id)
    form = AdvanceForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    result = services.advance_scene(drill, form.scene.data, user, form.key.data)
    db.session.commit()
    _log("scene_advanced", drill, ok=result.ok)
    _report(result, _("Teamet er videre i neste scene."))
    return _back(drill)


@bp.post("/drills/<public_id>/injects/<inject_id>")
@role_required(Role.FACILITATOR)
def fire(public_id: str, inject_id: str) -> Response:
    """Fire an inject now; firing it twice, or after it fired on its own, counts once."""
    drill = _get_controlled_drill(public_id)
    result = services.fire_inject(drill, inject_id, current_user._get_current_object())
    db.session.commit()
    _log("inject_fired", drill, inject=inject_id, ok=result.ok)
    _report(result, _("Hendelsen er sendt til teamet."))
    return _back(drill)


@bp.post("/drills/<public_id>/roles-open")
@role_required(Role.FACILITATOR)
def roles_open(public_id: str) -> Response:
    """Let participants take an open role themselves in the lobby, or leave casting to the facilitator."""
    drill = _get_controlled_drill(public_id)
    form = RolesOpenForm()
    if not form.validate_on_submit():
        abort(400)
    services.open_roles(drill, form.open.data == "1")
    db.session.commit()
    _log("drill_roles_open", drill, open=drill.roles_open)
    if drill.roles_open:
        flash(_("Deltakerne kan nå ta en ledig rolle selv. Du kan fortsatt endre rollene."), "success")
    else:
        flash(_("Nå er det bare du som fordeler rollene."), "success")
    return _back(drill)


@bp.post("/drills/<public_id>/observers")
@role_required(Role.FACILITATOR)
def add_observer(public_id: str) -> Response:
    """Add an observer by name and show their code once, for the facilitator to hand over."""
    drill = _get_controlled_drill(public_id)
    form = AddObserverForm()
    if not form.validate_on_submit():
        message = " ".join(map(str, form.name.errors)) or _("Observatøren ble ikke lagt til. Prøv igjen.")
        flash(message, "error")
        return _back(drill)
    try:
        observer, code = observing.add_observer(drill, form.name.data, current_user._get_current_object())
    except observing.ObserversClosed as closed:
        db.session.rollback()
        if closed.reason == "ended":
            flash(_("Øvelsen er avsluttet, så ingen flere kan observere den."), "error")
        else:
            flash(_("Øvelsen har så mange observatører som den kan ha."), "error")
        return _back(drill)
    db.session.commit()
    _log("observer_added", drill)
    # At the top of the console, where the messages are: the code is shown this once.
    flash(
        _(
            "%(name)s er lagt til som observatør med koden %(code)s. Koden vises bare nå: gi den til "
            "observatøren, som skriver den inn på %(url)s.",
            name=observer.display_name,
            code=code,
            url=url_for("observing.enter", _external=True),
        ),
        "success",
    )
    return _back(drill)


@bp.post("/drills/<public_id>/test")
@role_required(Role.FACILITATOR)
def mark_test(public_id: str) -> Response:
    """Mark the drill as a test (øvingsrunde) that counts in no comparison, or let it count again."""
    drill = _get_controlled_drill(public_id)
    form = TestMarkForm()
    if not form.validate_on_submit():
        abort(400)
    is_test = form.test.data == "1"
    services.mark_test(drill, is_test)
    db.session.commit()
    _log("drill_marked_test", drill, test=is_test)
    if is_test:
        flash(_("Øvelsen er merket som test. Den teller ikke med i sammenligninger."), "success")
    else:
        flash(_("Øvelsen er ikke lenger en test og teller med i sammenligninger."), "success")
    return _back(drill)


@bp.route("/drills/<public_id>/delete", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def delete(public_id: str) -> Response | tuple[str, int]:
    """Ask for confirmation, then delete a test drill and everything in it; other drills are refused."""
    drill = _get_controlled_drill(public_id)
    form = DeleteDrillForm()
    if not drill.is_test:
        status = 409 if request.method == "POST" else 200
        return render_template("facilitate/delete.html", drill=drill, form=None), status
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("facilitate/delete.html", drill=drill, form=form), status
    team, target = drill.team_name, target_of(drill)
    try:
        services.delete_test_drill(drill)
    except services.NotATestDrill:
        # Unmarked by someone else between loading the page and this request.
        db.session.rollback()
        return render_template("facilitate/delete.html", drill=_get_drill(public_id), form=None), 409
    # In the deleting transaction, so the record and the deletion are stored together or not at all.
    record_audit("drill_deleted", target, detail={"team": team})
    db.session.commit()
    flash(_("Testøvelsen for %(team)s er slettet.", team=team), "success")
    return redirect(url_for("facilitate.index"), 303)
