"""The participant's side of a drill: join with a code, then play one's roles on a phone or laptop.

Guests need no account: joining stores the participant's id and a secret token in the signed session
cookie, and every drill URL checks that pair (or the logged-in user's place in the drill). A drill
that is not yours is answered with 404, exactly like a drill that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.drills import services
from app.drills import wording
from app.drills.forms import AnswerForm
from app.drills.forms import ChoiceForm
from app.drills.forms import JoinForm
from app.drills.screens import RoleScreen
from app.drills.screens import role_etag
from app.drills.screens import role_etag_for
from app.drills.screens import role_screen
from app.drills.wording import refusal_text
from app.extensions import db
from app.htmx import render
from app.models import Drill
from app.models import Participant
from app.models import User
from app.models import utcnow

bp = Blueprint("drills", __name__, url_prefix="/drills")

# session["drills"] maps a drill's public id to [participant id, token]; a day may hold several drills.
SESSION_KEY = "drills"
REMEMBERED_DRILLS = 8


def _user() -> User | None:
    """The logged-in user, or None for guests."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def _remember(drill: Drill, participant: Participant, token: str | None) -> None:
    """Keep the guest's proof of membership in their session, dropping the oldest drills beyond a few."""
    seats = dict(session.get(SESSION_KEY, {}))
    seats.pop(drill.public_id, None)
    if token is not None:
        seats[drill.public_id] = [participant.id, token]
    session[SESSION_KEY] = dict(list(seats.items())[-REMEMBERED_DRILLS:])


def _load(public_id: str) -> tuple[Drill, Participant]:
    """Load a drill the visitor takes part in, or 404 so others cannot tell whether it exists."""
    drill = db.first_or_404(select(Drill).where(Drill.public_id == public_id))
    participant_id, token = (session.get(SESSION_KEY, {}).get(public_id) or [None, None])[:2]
    participant = services.find_participant(drill, participant_id, token, _user())
    if participant is None:
        abort(404)
    return drill, participant


def _own_role(drill: Drill, participant: Participant, role_id: str | None) -> tuple[str | None, list[str]]:
    """Pick the role to show: the one asked for (403 if it is not theirs), else their first."""
    roles = drill.roles_of(participant)
    if role_id and role_id not in roles:
        abort(403)
    return (role_id or (roles[0] if roles else None)), roles


def _visit(public_id: str) -> tuple[Drill, str | None, list[str], datetime]:
    """Bring the drill's clock up to date, note the visit, and settle which role is shown."""
    drill, participant = _load(public_id)
    now = utcnow()
    services.tick(drill, now)
    services.mark_seen(participant, now)
    db.session.commit()
    role_id, roles = _own_role(drill, participant, request.args.get("role"))
    return drill, role_id, roles, now


def _screen(public_id: str) -> RoleScreen:
    """Build what this participant may see now."""
    drill, role_id, roles, now = _visit(public_id)
    return role_screen(drill, role_id, roles, now)


def _context(screen: RoleScreen, errors: dict[str, str] | None = None) -> dict:
    """Template values for the participant screen, with fresh one-time keys for its forms.

    ``errors`` marks a form sent without a pick: under ``choice`` for the choice, a checkpoint's id for it.
    """
    return {
        "screen": screen,
        "new_key": lambda: uuid.uuid4().hex,
        "etag": role_etag(screen),
        "errors": errors or {},
    }


def _unpicked(drill: Drill, participant: Participant, role_id: str, errors: dict[str, str]) -> Response:
    """The participant screen again with the message on the form sent without a pick (422)."""
    role, roles = _own_role(drill, participant, role_id)
    screen = role_screen(drill, role, roles, utcnow())
    response = render("drills/play.html", "drills/_play_state.html", **_context(screen, errors))
    response.status_code = 422
    return response


@bp.get("/join")
@bp.get("/join/<code>")
def join(code: str | None = None) -> str:
    """Show the join form, with the code filled in when the link or QR code carried one."""
    user = _user()
    form = JoinForm(
        code=services.normalise_join_code(code or ""), display_name=user.display_name if user else ""
    )
    return render_template("drills/join.html", form=form)


@bp.post("/join")
def join_post() -> Response | tuple[str, int] | str:
    """Join the drill with the given code and go to the participant screen."""
    form = JoinForm()
    if not form.validate_on_submit():
        return render_template("drills/join.html", form=form), 400
    ip = request.remote_addr or "?"
    if services.is_join_throttled(ip):
        form.code.errors.append(
            _("For mange feil koder fra denne adressen. Vent et kvarter, eller spør fasilitator.")
        )
        return render_template("drills/join.html", form=form), 429
    try:
        participant, token = services.join_drill(form.code.data, form.display_name.data, _user())
    except services.DrillNotJoinable:
        db.session.rollback()
        services.record_join_failure(ip)
        db.session.commit()
        form.code.errors.append(_("Ingen åpen øvelse har denne koden. Sjekk koden med fasilitator."))
        return render_template("drills/join.html", form=form), 404
    db.session.commit()
    _remember(participant.drill, participant, token)
    return redirect(url_for("drills.play", public_id=participant.drill.public_id), 303)


@bp.get("/<public_id>/play")
def play(public_id: str) -> Response:
    """Show the participant screen: the scene, this role's text, choices, knowledge and team log."""
    screen = _screen(public_id)
    return render("drills/play.html", "drills/_play_state.html", **_context(screen))


@bp.get("/<public_id>/play/state")
def play_state(public_id: str) -> Response:
    """The polled part of the participant screen; 304 Not Modified while nothing it shows has changed."""
    drill, role_id, roles, now = _visit(public_id)
    etag = role_etag_for(drill, role_id, roles, wording.time_left(drill.remaining_seconds(now)))
    if request.if_none_match.contains_weak(etag):
        # Most polls end here: nothing changed, so no screen is built or rendered.
        response = Response(status=304)
        response.vary.add("HX-Request")
    else:
        screen = role_screen(drill, role_id, roles, now)
        response = render("drills/play.html", "drills/_play_state.html", **_context(screen))
    response.set_etag(etag, weak=True)
    return response


def _back(drill: Drill, role: str | None) -> Response:
    """Return to the participant screen on the role that just acted (303, so a reload never resubmits)."""
    return redirect(url_for("drills.play", public_id=drill.public_id, role=role), 303)


def _event_target(public_id: str, form: ChoiceForm | AnswerForm) -> tuple[Drill, Participant]:
    """Load the drill for a participant's event and check the role is theirs (403 if it is not)."""
    drill, participant = _load(public_id)
    if form.role.data and form.role.data not in drill.roles_of(participant):
        abort(403)
    return drill, participant


def _record(
    drill: Drill, participant: Participant, form: ChoiceForm | AnswerForm, event: dict, done: str
) -> None:
    """Record the event, commit, and tell the participant in words whether it counted."""
    result = services.record_event(drill, event, services.Actor(participant=participant), form.key.data)
    db.session.commit()
    if result.ok:
        flash(done, "success")
    else:
        flash(refusal_text(result.rejection, str(get_locale())), "error")  # type: ignore[arg-type]


@bp.post("/<public_id>/choose")
def choose(public_id: str) -> Response:
    """Record a role's choice in the current scene, once, however often the button is pressed."""
    form = ChoiceForm()
    drill, participant = _event_target(public_id, form)
    if not form.validate_on_submit():
        if set(form.errors) != {"choice"} or form.choice.data:
            abort(400)
        return _unpicked(
            drill, participant, form.role.data, {"choice": _("Velg hva du vil gjøre før du bekrefter.")}
        )
    event = {"type": "choose", "role": form.role.data, "choice": form.choice.data, "scene": form.scene.data}
    _record(drill, participant, form, event, _("Valget ditt er registrert."))
    return _back(drill, form.role.data)


@bp.post("/<public_id>/answer")
def answer(public_id: str) -> Response:
    """Record a role's answer to a checkpoint question."""
    form = AnswerForm()
    drill, participant = _event_target(public_id, form)
    if not form.validate_on_submit():
        if set(form.errors) != {"option"} or form.option.data:
            abort(400)
        return _unpicked(
            drill, participant, form.role.data, {form.checkpoint.data: _("Velg et svar før du sender.")}
        )
    event = {
        "type": "answer",
        "role": form.role.data,
        "checkpoint": form.checkpoint.data,
        "option": form.option.data,
        "scene": form.scene.data,
    }
    _record(drill, participant, form, event, _("Svaret ditt er registrert."))
    return _back(drill, form.role.data)
