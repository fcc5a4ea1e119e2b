"""The observer's pages: open a drill with the observer code, watch every role read-only, take notes.

Guests need no account: the code the facilitator gave is kept with the observer's id in the signed
session cookie, and every page checks that pair. The people who run the drill (its facilitator, the
co-facilitators of its session, the organisation's administrators) see the same screen and the notes.
Anyone else in the organisation gets 403; everyone else 404, exactly like a drill that does not exist.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.auth.throttle import record_join
from app.code_entry import too_many_tries
from app.drills import services as drill_services
from app.extensions import db
from app.htmx import is_htmx
from app.htmx import render
from app.i18n import gettext as _
from app.models import NOTE_MAX_LENGTH
from app.models import Drill
from app.models import Observer
from app.models import User
from app.models import utcnow
from app.observing import services
from app.observing.forms import NoteForm
from app.observing.forms import ObserverCodeForm
from app.observing.screens import note_lines
from app.observing.screens import note_scene_title
from app.observing.screens import observer_etag
from app.observing.screens import observer_screen
from app.transactions import commit_if_written

bp = Blueprint("observing", __name__, url_prefix="/observe")

# session["observing"] maps a drill's public id to [observer id, observer code].
SESSION_KEY = "observing"
REMEMBERED_DRILLS = 8


def _user() -> User | None:
    """The logged-in user, or None for guests."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def _load(public_id: str) -> tuple[Drill, Observer | None]:
    """Load a drill the visitor observes or runs: 403 for others in its organisation, 404 for the rest."""
    query = select(Drill).where(Drill.public_id == public_id)
    query = query.options(joinedload(Drill.scenario_version), selectinload(Drill.assignments))
    drill = db.first_or_404(query)
    observer_id, code = (session.get(SESSION_KEY, {}).get(public_id) or [None, None])[:2]
    observer = services.find_observer(drill, observer_id, code)
    if observer is not None:
        return drill, observer
    user = _user()
    if services.runs_drill(drill, user):
        return drill, None
    if user is not None and user.organisation_id == drill.organisation_id:
        abort(403)
    abort(404)


def _watch(public_id: str) -> tuple[Drill, Observer | None]:
    """Load the drill for watching and bring its clock up to date, as every screen of a drill does."""
    drill, observer = _load(public_id)
    drill_services.tick(drill, utcnow())
    commit_if_written()
    return drill, observer


def _notes_context(drill: Drill, observer: Observer | None, form: NoteForm | None = None) -> dict:
    """Template values for the notes section: the form (observers only) and every note, newest first."""
    notes = note_lines(drill.scenario, services.drill_notes(drill))
    return {
        "drill": drill,
        "observer": observer,
        "form": form or NoteForm(),
        "notes": list(reversed(notes)),
        "note_max": NOTE_MAX_LENGTH,
        "note_scene": note_scene_title(drill),
    }


@bp.get("/")
def enter() -> str:
    """Ask for the observer code the facilitator gave."""
    return render_template("observing/enter.html", form=ObserverCodeForm())


@bp.post("/")
def enter_post() -> Response | tuple[str, int]:
    """Open the drill the observer code belongs to; wrong codes are throttled like join codes."""
    form = ObserverCodeForm()
    if not form.validate_on_submit():
        return render_template("observing/enter.html", form=form), 400
    if refused := too_many_tries(form, "observing/enter.html"):
        return refused
    ip = request.remote_addr or "?"
    observer = services.find_by_code(form.code.data)
    if observer is None:
        drill_services.record_join_failure(ip)
        db.session.commit()
        form.code.errors.append(_("Ingen observatør har denne koden. Sjekk koden med fasilitator."))
        return render_template("observing/enter.html", form=form), 404
    record_join(ip)
    db.session.commit()
    public_id = observer.drill.public_id
    seats = dict(session.get(SESSION_KEY, {}))
    seats.pop(public_id, None)
    seats[public_id] = [observer.id, drill_services.normalise_join_code(form.code.data)]
    session[SESSION_KEY] = dict(list(seats.items())[-REMEMBERED_DRILLS:])
    return redirect(url_for("observing.screen", public_id=public_id), 303)


@bp.get("/<public_id>")
def screen(public_id: str) -> str:
    """Show every role's screen read-only, the choices so far, and the notes with the note form."""
    drill, observer = _watch(public_id)
    view = observer_screen(drill, utcnow())
    context = _notes_context(drill, observer)
    return render_template(
        "observing/screen.html", screen=view, etag=observer_etag(view, context["notes"]), **context
    )


@bp.get("/<public_id>/state")
def state(public_id: str) -> Response:
    """The polled part of the observer screen; 304 Not Modified while nothing it shows has changed."""
    drill, observer = _watch(public_id)
    view = observer_screen(drill, utcnow())
    context = _notes_context(drill, observer)
    etag = observer_etag(view, context["notes"])
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        response.vary.add("HX-Request")
    else:
        response = render(
            "observing/screen.html",
            "observing/_roles.html",
            screen=view,
            etag=etag,
            oob=is_htmx(),
            **context,
        )
    response.set_etag(etag, weak=True)
    return response


@bp.post("/<public_id>/notes")
def add_note(public_id: str) -> Response:
    """Save an observer's note on the scene the team is in; bad input is answered in words, unsaved."""
    drill, observer = _load(public_id)
    if observer is None:
        abort(403)  # the people running the drill read the notes; observers write them
    form = NoteForm()
    status, message = 422, None
    if form.validate_on_submit():
        try:
            services.add_note(drill, observer, form.text.data)
            status = 201
        except services.NotesClosed:
            status = 409
            form.text.errors = [_("Du kan skrive notater når øvelsen har startet.")]
    if status != 201:
        db.session.rollback()
    else:
        db.session.commit()
        if not is_htmx():
            return redirect(url_for("observing.screen", public_id=public_id, _anchor="notes-heading"), 303)
        form, message = NoteForm(formdata=None), _("Notatet er lagret.")
    context = _notes_context(drill, observer, form) | {"status_message": message}
    if is_htmx():
        # htmx swaps only 2xx answers; a refusal is in the fragment itself.
        return make_response(render_template("observing/_notes.html", oob_status=True, **context), 200)
    view = observer_screen(drill, utcnow())
    etag = observer_etag(view, context["notes"])
    page = render_template("observing/screen.html", screen=view, etag=etag, **context)
    return make_response(page, status)
