"""Solo practice: a catalogue to start from, the play page with feedback after each step, the debrief.

Every logged-in person may practise. A run belongs to the person who started it: anyone else gets
404, exactly as for a run that does not exist. A finished run cannot be changed (409).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from app.authoring.access import may_read_version
from app.debrief import words
from app.drills.forms import AnswerStepForm
from app.drills.forms import ChoiceStepForm
from app.drills.wording import refusal_text
from app.extensions import db
from app.htmx import is_htmx
from app.htmx import render
from app.i18n import gettext as _
from app.models import ScenarioVersion
from app.models.solo import SoloRun
from app.solo import screens
from app.solo import services
from app.solo.forms import RestartForm
from app.solo.forms import StartForm

bp = Blueprint("solo", __name__, url_prefix="/solo")


@bp.before_request
@login_required
def _require_login() -> None:
    """Solo practice is for logged-in people only; the rest are sent to the login page."""


def _user() -> Any:
    """The logged-in user as a model object."""
    return current_user._get_current_object()


def _own_run(public_id: str) -> SoloRun:
    """Load a run of the current user, or 404 so others cannot tell whether it exists."""
    return db.first_or_404(
        select(SoloRun).where(SoloRun.public_id == public_id, SoloRun.user_id == current_user.id)
    )


def _catalogue(form: StartForm, status: int = 200) -> tuple[str, int]:
    """The catalogue page with the given (possibly invalid) start form."""
    user = _user()
    running, ended = services.user_runs(user)
    versions = services.readable_versions(user)
    # A link from a course names the scenario to practise: it comes first.
    chosen = request.values.get("scenario", "")
    versions.sort(key=lambda version: version.scenario_key != chosen)
    page = render_template(
        "solo/index.html",
        form=form,
        versions=versions,
        running=screens.run_entries(running),
        ended=screens.run_entries(ended),
        profiles=list(screens.PROFILE_LABELS.items()),
    )
    return page, status


@bp.get("/")
def index() -> tuple[str, int]:
    """Show the scenarios the person may practise, with role and profile to pick, and their own runs."""
    return _catalogue(StartForm(request.args, meta={"csrf": False}))


def _version_to_start(form: StartForm) -> tuple[ScenarioVersion | None, int]:
    """The version the form asks for, or None with the error marked on the form and its status.

    An exact version the user may not read is a 404 like one that does not exist.
    """
    user = _user()
    if form.version.data:
        version = db.session.get(ScenarioVersion, int(form.version.data))
        if version is None or not may_read_version(user, version):
            abort(404)
    else:
        version = services.newest_readable_version(user, form.scenario.data)
    if version is None:
        form.scenario.errors = [_("Fant ikke scenariet. Velg et av scenariene i listen.")]
        return None, 404
    if not services.playable(version):
        form.scenario.errors = [
            _("Denne versjonen av scenariet kan ikke spilles før feilene i den er rettet.")
        ]
        return None, 422
    return version, 200


@bp.post("/start")
def start() -> Response | tuple[str, int]:
    """Start a solo run and go to its play page."""
    form = StartForm()
    if not form.validate_on_submit():
        return _catalogue(form, 400)
    version, status = _version_to_start(form)
    if version is None:
        return _catalogue(form, status)
    profile = form.profile.data or services.EXPERT
    try:
        run = services.start_run(_user(), version, form.role.data, profile, form.origin.data, form.next.data)
    except ValueError:
        db.session.rollback()
        form.role.errors = [_("Velg en av rollene i scenariet.")]
        return _catalogue(form, 400)
    db.session.commit()
    return redirect(url_for("solo.play", public_id=run.public_id), 303)


def _play_page(
    run: SoloRun, notice: str | None = None, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    """The play page, or its swappable part for htmx, with fresh one-time keys for its forms.

    ``errors`` marks a form sent without a pick: under ``choice`` for the choice, a checkpoint's id for it.
    """
    screen = screens.solo_screen(run)
    response = render(
        "solo/play.html",
        "solo/_play.html",
        solo=screen,
        screen=screen.screen,
        notice=notice,
        errors=errors or {},
        new_key=lambda: uuid.uuid4().hex,
        profile_label=screens.profile_label,
    )
    # htmx swaps only 2xx answers; the refusal is in the fragment itself.
    response.status_code = 200 if is_htmx() else status
    return response


@bp.get("/<public_id>")
def play(public_id: str) -> Response:
    """Show the person's role screen, the feedback on their last step, and what to do next."""
    return _play_page(_own_run(public_id))


def _take_step(run: SoloRun, record: Callable[[], services.Turn]) -> Response:
    """Record a step and answer it: the next screen (a redirect without htmx), or the refusal in words."""
    try:
        turn: services.Turn | None = record()
    except services.RunEnded:
        turn = None
    db.session.commit()
    if turn is None:
        return _play_page(run, _("Denne øvelsen er avsluttet. Du kan se debriefen eller øve på nytt."), 409)
    if not turn.ok:
        return _play_page(run, refusal_text(turn.rejection, str(get_locale())), 409)  # type: ignore[arg-type]
    if is_htmx():
        return _play_page(run)
    return redirect(url_for("solo.play", public_id=run.public_id, _anchor="solo-feedback"), 303)


@bp.post("/<public_id>/choose")
def choose(public_id: str) -> Response:
    """Record the person's choice once, let the other roles play on, and show the feedback."""
    run = _own_run(public_id)
    form = ChoiceStepForm()
    if not form.validate_on_submit():
        if set(form.errors) == {"choice"} and not form.choice.data:
            return _play_page(
                run, status=422, errors={"choice": _("Velg hva du vil gjøre før du bekrefter.")}
            )
        return _play_page(run, _("Valget kom ikke fram. Prøv igjen."), 400)
    fields = (form.choice.data, form.scene.data, form.key.data)
    return _take_step(run, partial(services.record_choice, run, *fields))


@bp.post("/<public_id>/answer")
def answer(public_id: str) -> Response:
    """Record the person's answer to a checkpoint once, and show whether it was right."""
    run = _own_run(public_id)
    form = AnswerStepForm()
    if not form.validate_on_submit():
        if set(form.errors) == {"option"} and not form.option.data:
            return _play_page(
                run, status=422, errors={form.checkpoint.data: _("Velg et svar før du sender.")}
            )
        return _play_page(run, _("Svaret kom ikke fram."), 400)
    fields = (form.checkpoint.data, form.option.data, form.scene.data, form.key.data)
    return _take_step(run, partial(services.record_answer, run, *fields))


@bp.post("/<public_id>/restart")
def restart(public_id: str) -> Response:
    """Start a new run with the same scenario version, role and profile."""
    run = _own_run(public_id)
    form = RestartForm()
    if not form.validate_on_submit():
        abort(400)
    if not may_read_version(_user(), run.scenario_version):
        abort(404)
    new = services.restart_run(run)
    db.session.commit()
    return redirect(url_for("solo.play", public_id=new.public_id), 303)


@bp.get("/<public_id>/debrief")
def debrief(public_id: str) -> Response | str:
    """Show the personal debrief of a finished run; an unfinished one goes back to its play page."""
    run = _own_run(public_id)
    if not run.is_ended:
        return redirect(url_for("solo.play", public_id=run.public_id), 303)
    return render_template(
        "solo/debrief.html",
        debrief=screens.personal_debrief(run),
        profile_label=screens.profile_label,
        rating_words=words.rating_words(),
        dimension_labels=words.dimension_labels(),
    )
