"""The participant's side of a drill: join with a code, then play one's roles on a phone or laptop.

Guests need no account: joining stores the participant's id and a secret token in the signed session
cookie, and every drill URL checks that pair (or the logged-in user's place in the drill). A drill
that is not yours is answered with 404, exactly like a drill that does not exist.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.auth.throttle import record_join
from app.code_entry import too_many_tries
from app.drills import polling
from app.drills import services
from app.drills import session_seating
from app.drills import wording
from app.drills.forms import AnswerForm
from app.drills.forms import ChoiceForm
from app.drills.forms import JoinForm
from app.drills.forms import TakeRoleForm
from app.drills.screens import RoleScreen
from app.drills.screens import role_etag
from app.drills.screens import role_etag_for
from app.drills.screens import role_screen
from app.drills.wording import refusal_text
from app.errors import busy_response
from app.extensions import db
from app.htmx import is_htmx
from app.htmx import render
from app.i18n import gettext as _
from app.models import Drill
from app.models import Organisation
from app.models import Participant
from app.models import TrainingSession
from app.models import User
from app.models import utcnow
from app.transactions import DatabaseBusy
from app.transactions import commit_if_written

bp = Blueprint("drills", __name__, url_prefix="/drills")

# session["drills"] maps a drill's public id to [participant id, token]; a day may hold several drills.
SESSION_KEY = "drills"
REMEMBERED_DRILLS = 8
# A device secret as secrets.token_urlsafe(32) makes it.
DEVICE_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def _user() -> User | None:
    """The logged-in user, or None for guests."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def device_cookie_name() -> str:
    """The device cookie's name: with the __Host- prefix when cookies are Secure, like the session's."""
    return "__Host-laget_device" if current_app.config["SESSION_COOKIE_SECURE"] else "laget_device"


def _device() -> str:
    """This browser's device secret, kept across lost sessions for a training day; a new one if it has none.

    It only lets a guest who joins a drill again under the same name have their seat back.
    """
    device = request.cookies.get(device_cookie_name(), "")
    return device if DEVICE_PATTERN.fullmatch(device) else secrets.token_urlsafe(32)


def _remember(
    drill: Drill, participant: Participant, token: str | None, seat_code: str | None = None
) -> None:
    """Keep the guest's proof of membership, and the seat code their screen shows, in their session,
    dropping the oldest drills beyond a few."""
    seats = dict(session.get(SESSION_KEY, {}))
    seats.pop(drill.public_id, None)
    if token is not None:
        seats[drill.public_id] = [participant.id, token, seat_code]
    session[SESSION_KEY] = dict(list(seats.items())[-REMEMBERED_DRILLS:])


def _seat_proof(public_id: str) -> tuple[object, object]:
    """The participant id and token a guest's session holds for this drill (unchecked), or Nones."""
    participant_id, token = (session.get(SESSION_KEY, {}).get(public_id) or [None, None])[:2]
    return participant_id, token


def _load(public_id: str) -> tuple[Drill, Participant]:
    """Load a drill the visitor takes part in, or 404 so others cannot tell whether it exists."""
    # The screen reads the scenario and who plays what on every visit: load them with the drill.
    query = select(Drill).where(Drill.public_id == public_id)
    drill = db.first_or_404(
        query.options(joinedload(Drill.scenario_version), selectinload(Drill.assignments))
    )
    participant_id, token = _seat_proof(public_id)
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
    commit_if_written()
    role_id, roles = _own_role(drill, participant, request.args.get("role"))
    return drill, role_id, roles, now


def _screen(public_id: str) -> RoleScreen:
    """Build what this participant may see now."""
    drill, role_id, roles, now = _visit(public_id)
    return role_screen(drill, role_id, roles, now, services.answers_open_after_end(drill))


def _context(
    screen: RoleScreen, errors: dict[str, str] | None = None, resend: ChoiceForm | None = None
) -> dict:
    """Template values for the participant screen, with fresh one-time keys for its forms.

    ``errors`` marks a form sent without a pick: under ``choice`` for the choice, a checkpoint's id for it.
    ``resend`` is a choice that could not be stored yet: its form keeps the pick and the key, so sending
    it again stores it once.
    """
    return {
        "screen": screen,
        "new_key": lambda: uuid.uuid4().hex,
        "etag": role_etag(screen),
        "errors": errors or {},
        "picked": resend.choice.data if resend else None,
        "choice_key": resend.key.data if resend else None,
    }


def _again(
    drill: Drill,
    participant: Participant,
    role_id: str,
    errors: dict[str, str],
    resend: ChoiceForm | None = None,
) -> Response:
    """The participant screen again with the message on the form that was sent (422 unless told otherwise)."""
    role, roles = _own_role(drill, participant, role_id)
    screen = role_screen(drill, role, roles, utcnow(), services.answers_open_after_end(drill))
    response = render("drills/play.html", "drills/_play_state.html", **_context(screen, errors, resend))
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
    # A guest gives their name here: the drill's municipality's privacy statement is linked in the footer.
    slug = None
    if form.code.data:
        query = select(Organisation.slug).join(Drill).where(Drill.join_code == form.code.data)
        slug = db.session.scalar(query) or db.session.scalar(
            select(Organisation.slug).join(TrainingSession).where(TrainingSession.join_code == form.code.data)
        )
    return render_template("drills/join.html", form=form, statement_slug=slug)


@bp.post("/join")
def join_post() -> Response | tuple[str, int] | str:
    """Join the drill with the given code and go to the participant screen."""
    form = JoinForm()
    if not form.validate_on_submit():
        return render_template("drills/join.html", form=form), 400
    if refused := too_many_tries(form, "drills/join.html"):
        return refused
    ip = request.remote_addr or "?"
    device = _device()
    try:
        (participant, token, rejoined, seat_code), team = session_seating.join_with_code(
            form.code.data, form.display_name.data, _user(), device, form.seat_code.data or None
        )
    except (session_seating.SessionOver, session_seating.SessionFull, session_seating.TeamEnded) as closed:
        db.session.rollback()
        form.code.errors.append(_session_closed_text(closed))
        return render_template("drills/join.html", form=form), 409
    except services.WrongSeatCode:
        db.session.rollback()
        services.record_join_failure(ip)  # a seat code is a secret too: guessing it is throttled
        db.session.commit()
        form.seat_code.errors.append(
            _(
                "Ingen i øvelsen har denne plasskoden. "
                "Sjekk koden, eller la feltet stå tomt for å bli med som ny."
            )
        )
        return render_template("drills/join.html", form=form), 404
    except services.DrillNotJoinable:
        db.session.rollback()
        if services.ended_drill_with_code(form.code.data) is not None:
            ended = _("Øvelsen med denne koden er avsluttet. Spør fasilitator om koden til en ny.")
            form.code.errors.append(ended)
            return render_template("drills/join.html", form=form), 410
        services.record_join_failure(ip)
        db.session.commit()
        form.code.errors.append(_("Ingen åpen øvelse har denne koden. Sjekk koden med fasilitator."))
        return render_template("drills/join.html", form=form), 404
    except services.SeatRefused as refusal:
        db.session.rollback()
        if refusal.reason == "full":
            form.code.errors.append(_("Øvelsen er full. Spør fasilitator om et annet lag."))
        else:
            form.display_name.errors.append(
                _(
                    "Noen i øvelsen bruker allerede dette navnet. "
                    "Skriv navnet ditt slik at det skiller seg ut."
                )
            )
        return render_template("drills/join.html", form=form), 409
    record_join(ip)
    db.session.commit()
    _remember(participant.drill, participant, token, seat_code)
    if rejoined:
        flash(_("Velkommen tilbake. Du har samme plass og de samme rollene som før."), "success")
    elif team is not None:
        flash(_("Du er med på %(team)s.", team=team.team_name), "success")
    response = redirect(url_for("drills.play", public_id=participant.drill.public_id), 303)
    if _user() is None:
        response.set_cookie(
            device_cookie_name(),
            device,
            max_age=int(current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()),
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def _session_closed_text(closed: Exception) -> str:
    """Why a session's code found no team for the person, in words they can act on."""
    if isinstance(closed, session_seating.TeamEnded):
        return _("Laget ditt er ferdig med øvelsen. Spør fasilitator hva som skjer nå.")
    if isinstance(closed, session_seating.SessionOver):
        return _("Alle lagene i økten er ferdige med øvelsen. Spør fasilitator hva som skjer nå.")
    return _("Alle lagene i økten er fulle. Spør fasilitator om hjelp til å finne en plass.")


@bp.get("/<public_id>/play")
def play(public_id: str) -> Response:
    """Show the participant screen: the scene, this role's text, choices, knowledge and team log."""
    now = utcnow()
    # As the poll: from its one query when nothing is due, so the screen after a choice costs little.
    seat = polling.find_seat(public_id, *_seat_proof(public_id), _user_id())
    drill = polling.live_drill(seat, request.args.get("role"), now) if seat else None
    commit_if_written()
    if seat is not None and drill is not None and drill.stored_state is not None:
        role_id = request.args.get("role") or (seat.roles[0] if seat.roles else None)
        screen = role_screen(drill, role_id, seat.roles, now, services.answers_open_after_end(drill))
        slug = drill.organisation_slug
    else:
        screen = _screen(public_id)
        slug = screen.drill.organisation.slug
    seat = session.get(SESSION_KEY, {}).get(public_id) or []
    seat_code = seat[2] if len(seat) > 2 else None
    return render(
        "drills/play.html",
        "drills/_play_state.html",
        **_context(screen),
        statement_slug=slug,
        seat_code=seat_code,
    )


def _not_modified(etag: str) -> Response:
    """The answer to a poll whose screen has not changed."""
    response = Response(status=304)
    response.vary.add("HX-Request")
    response.set_etag(etag, weak=True)
    return response


def _user_id() -> int | None:
    """The logged-in user's id; a guest's session carries none, so no user is loaded from the database."""
    if "_user_id" not in session:
        return None
    return current_user.id if current_user.is_authenticated else None


@bp.get("/<public_id>/play/state")
def play_state(public_id: str) -> Response:
    """The polled part of the participant screen; 304 Not Modified while nothing it shows has changed."""
    now = utcnow()
    # Most polls end here: one query, no Drill object loaded, and no screen built unless it changed.
    seat = polling.find_seat(public_id, *_seat_proof(public_id), _user_id())
    etag = polling.unchanged_etag(seat, request.args.get("role"), now) if seat else None
    commit_if_written()
    if etag is not None and request.if_none_match.contains_weak(etag):
        return _not_modified(etag)
    if etag is not None and seat is not None and is_htmx() and seat.drill.stored_state is not None:
        role_id = request.args.get("role") or (seat.roles[0] if seat.roles else None)
        answers = services.answers_open_after_end(seat.drill)
        return _state_fragment(role_screen(seat.drill, role_id, seat.roles, now, answers), etag)
    # The full path: it records a timeout or inject that fell due, refuses a role that is not the
    # visitor's, and answers a browser that wants the whole page.
    drill, role_id, roles, now = _visit(public_id)
    answers = services.answers_open_after_end(drill)
    etag = role_etag_for(drill, role_id, roles, wording.clock(drill.remaining_seconds(now)), answers)
    if request.if_none_match.contains_weak(etag):
        return _not_modified(etag)
    screen = role_screen(drill, role_id, roles, now, answers)
    return _state_fragment(screen, etag)


def _state_fragment(screen: RoleScreen, etag: str) -> Response:
    """The polled screen (the whole page for a browser that is not htmx), with its ETag."""
    # A message such as "Valget ditt er registrert" belongs to the scene it was given in: the poll that
    # brings a new scene clears it. The page says which round it shows in the URL it polls.
    shown = request.args.get("round", type=int)
    left_scene = shown is not None and shown != screen.drill.state["round"]
    response = render(
        "drills/play.html", "drills/_play_state.html", **_context(screen), clear_flashes=left_scene
    )
    response.set_etag(etag, weak=True)
    return response


def _back(public_id: str, role: str | None, anchor: str = "decision-heading") -> Response:
    """Return to the participant screen on the role that just acted (303, so a reload never resubmits).

    Takes the id from the URL: after the commit, reading it from the drill would load the drill again.
    The anchor brings the person back to where they acted (its heading takes focus), not to the page top.
    """
    return redirect(url_for("drills.play", public_id=public_id, role=role, _anchor=anchor), 303)


def _event_target(public_id: str, form: ChoiceForm | AnswerForm) -> tuple[Drill, Participant]:
    """Load the drill for a participant's event and check the role is theirs (403 if it is not)."""
    drill, participant = _load(public_id)
    if form.role.data and form.role.data not in drill.roles_of(participant):
        abort(403)
    return drill, participant


def _record(
    drill: Drill, actor: services.Actor, form: ChoiceForm | AnswerForm, event: dict, done: str
) -> None:
    """Record the event, commit, and tell the participant in words whether it counted."""
    result = services.record_event(drill, event, actor, form.key.data)
    db.session.commit()
    if result.ok:
        flash(done, "success")
    else:
        flash(refusal_text(result.rejection, str(get_locale())), "error")  # type: ignore[arg-type]


def _seat_for_event(public_id: str, form: ChoiceForm) -> polling.Seat:
    """The sender's seat from the poll's one query (404 if not theirs, 403 if the role is not theirs).

    Loads no ORM objects, so the write transaction that follows starts clean: nothing read before it
    is rolled back and loaded again under the lock.
    """
    seat = polling.find_seat(public_id, *_seat_proof(public_id), _user_id())
    if seat is None:
        abort(404)
    if form.role.data and form.role.data not in seat.roles:
        abort(403)
    return seat


@bp.post("/<public_id>/take-role")
def take_role(public_id: str) -> Response:
    """Take an open role in the lobby, when the facilitator lets participants choose their own."""
    form = TakeRoleForm()
    drill, participant = _load(public_id)
    if not form.validate_on_submit():
        abort(400)
    taken = services.take_role(drill, participant, form.role.data)
    db.session.commit()
    if taken:
        flash(_("Du har tatt rollen. Fasilitator kan fortsatt endre rollene før start."), "success")
    else:
        flash(
            _("Rollen kunne ikke tas: den er tatt, øvelsen har startet, eller fasilitator fordeler rollene."),
            "error",
        )
    return redirect(url_for("drills.play", public_id=drill.public_id), 303)


@bp.post("/<public_id>/choose")
def choose(public_id: str) -> Response:
    """Record a role's choice in the current scene, once, however often the button is pressed."""
    form = ChoiceForm()
    seat = _seat_for_event(public_id, form)
    if not form.validate_on_submit():
        if set(form.errors) != {"choice"} or form.choice.data:
            abort(400)
        return _again(
            *_load(public_id), form.role.data, {"choice": _("Velg hva du vil gjøre før du bekrefter.")}
        )
    event = {"type": "choose", "role": form.role.data, "choice": form.choice.data, "scene": form.scene.data}
    try:
        # A write transaction from the start: the drill is read once, under its lock, and nothing else.
        drill = services.lock_drill_id(seat.drill.id)
        actor = services.Actor(participant_id=seat.participant_id, user_id=seat.user_id)
        _record(drill, actor, form, event, _("Valget ditt er registrert."))
    except DatabaseBusy:
        busy = _(
            "Mange sender valg akkurat nå, så valget ditt er ikke lagret ennå. Prøv igjen om et par sekunder."
        )
        db.session.rollback()
        return busy_response(_again(*_load(public_id), form.role.data, {"choice": busy}, resend=form))
    return _back(public_id, form.role.data)


@bp.post("/<public_id>/answer")
def answer(public_id: str) -> Response:
    """Record a role's answer to a checkpoint question."""
    form = AnswerForm()
    drill, participant = _event_target(public_id, form)
    if not form.validate_on_submit():
        if set(form.errors) != {"option"} or form.option.data:
            abort(400)
        return _again(
            drill, participant, form.role.data, {form.checkpoint.data: _("Velg et svar før du sender.")}
        )
    event = {
        "type": "answer",
        "role": form.role.data,
        "checkpoint": form.checkpoint.data,
        "option": form.option.data,
        "scene": form.scene.data,
    }
    _record(drill, services.Actor.of(participant), form, event, _("Svaret ditt er registrert."))
    return _back(public_id, form.role.data, f"cp-heading-{form.checkpoint.data}")
