"""Solo runs: start one, record the person's choices and answers, let the profile play the rest, score it.

Every change goes through ``_append`` under a lock on the run's row, like drills: the pure runtime
decides, events are appended to ``solo_event`` and ``SoloRun.state`` caches their replay. After
each of the person's events the other roles play by the run's profile (``scenarios.profiles``) up
to the person's next turn, on a synthetic clock, so a run's result depends only on its choices.
A run is scored as soon as its scenario ends, and the report is stored on the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import xapi
from app.authoring.access import may_read_version
from app.extensions import db
from app.lti import grades as lti_grades
from app.models import ScenarioVersion
from app.models import User
from app.models import utcnow
from app.models.solo import SoloEvent
from app.models.solo import SoloRun
from app.models.solo import SoloStatus
from app.redirects import safe_next_url
from app.transactions import begin_write
from app.transactions import lock_row
from app.transactions import write_state
from scenarios import play
from scenarios.play import Rejected
from scenarios.profiles import CAUTIOUS
from scenarios.profiles import EXPERT
from scenarios.profiles import SECONDS_PER_ANSWER
from scenarios.profiles import SECONDS_PER_CHOICE
from scenarios.profiles import players_turn
from scenarios.profiles import team_events
from scoring import DrillLog
from scoring import Report
from scoring import rewrite_debrief
from scoring import score_drill
from scoring.storage import report_from_data
from scoring.storage import report_to_data

PROFILES = (EXPERT, CAUTIOUS)
CATALOGUE = "catalogue"
ORIGIN_LENGTH = 100


class RunEnded(Exception):
    """A finished solo run cannot be changed."""


class ConcurrentRunChange(RuntimeError):
    """The run row changed under a held lock; this means the locking is broken, never a user error."""


@dataclass(frozen=True)
class Turn:
    """The outcome of one of the person's events: stored (now or before, for a repeat) or refused."""

    rejection: Rejected | None = None
    duplicate: bool = False

    @property
    def ok(self) -> bool:
        """True when the event is stored."""
        return self.rejection is None


def readable_versions(user: User) -> list[ScenarioVersion]:
    """The newest version of every scenario that ``user`` may play, by title.

    Unlike ``latest_versions``, a scenario whose newest version the user may not read (an authored
    draft of a library scenario, say) is still offered in its newest readable version.
    """
    query = select(ScenarioVersion).order_by(ScenarioVersion.id.desc())
    newest: dict[str, ScenarioVersion] = {}
    for version in db.session.scalars(query):
        if version.scenario_key not in newest and may_read_version(user, version) and playable(version):
            newest[version.scenario_key] = version
    return sorted(newest.values(), key=lambda version: version.title.casefold())


def playable(version: ScenarioVersion) -> bool:
    """Whether the version's text parses into a scenario with a scene to start in."""
    try:
        return version.scenario.start is not None
    except (ValueError, LookupError):
        return False


def newest_readable_version(user: User, scenario_key: str) -> ScenarioVersion | None:
    """The newest version of the scenario with this key that ``user`` may read, if any."""
    query = (
        select(ScenarioVersion)
        .where(ScenarioVersion.scenario_key == scenario_key)
        .order_by(ScenarioVersion.id.desc())
    )
    return next((v for v in db.session.scalars(query) if may_read_version(user, v)), None)


def start_run(
    user: User,
    version: ScenarioVersion,
    role_id: str,
    profile: str,
    origin: str | None = None,
    return_url: str | None = None,
) -> SoloRun:
    """Start a solo run of ``version`` in ``role_id`` with the others played by ``profile``.

    The other roles play their part of the first scene at once, so the run opens on the person's turn.

    :raise ValueError: for a role the scenario does not have or an unknown profile.
    """
    scenario = version.scenario
    if role_id not in scenario.role_ids:
        raise ValueError(f"unknown role {role_id!r}")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    begin_write()
    run = SoloRun(
        user_id=user.id,
        organisation_id=user.organisation_id,
        scenario_version_id=version.id,
        role_id=role_id,
        profile=profile,
        origin=(origin or CATALOGUE).strip()[:ORIGIN_LENGTH] or CATALOGUE,
        return_url=safe_next_url(return_url, "") or None,
        status=SoloStatus.RUNNING,
        state=play.initial_state(scenario),
        state_version=0,
    )
    run.scenario_version = version
    db.session.add(run)
    db.session.flush()
    _append(run, [], None)
    return run


def restart_run(run: SoloRun) -> SoloRun:
    """Start a new run with the same scenario version, role, profile, origin and way back."""
    return start_run(run.user, run.scenario_version, run.role_id, run.profile, run.origin, run.return_url)


def lock_run(run: SoloRun) -> SoloRun:
    """Start a write transaction and lock the run's row, returning the run freshly read under the lock."""
    return lock_row(SoloRun, run.id)


def record_choice(run: SoloRun, choice_id: str, scene_id: str, key: str | None) -> Turn:
    """Record the person's choice in the current scene once per key, then let the others play on.

    :raise RunEnded: if the run is over.
    """
    event = {"type": "choose", "role": run.role_id, "choice": choice_id, "scene": scene_id}
    return _record(run, event, SECONDS_PER_CHOICE, key)


def record_answer(run: SoloRun, checkpoint_id: str, option_id: str, scene_id: str, key: str | None) -> Turn:
    """Record the person's answer to a checkpoint once per key, then let the others play on.

    :raise RunEnded: if the run is over.
    """
    event = {
        "type": "answer",
        "role": run.role_id,
        "checkpoint": checkpoint_id,
        "option": option_id,
        "scene": scene_id,
    }
    return _record(run, event, SECONDS_PER_ANSWER, key)


def _record(run: SoloRun, event: dict[str, Any], seconds: float, key: str | None) -> Turn:
    """Apply the person's event at the next tick of the run's clock, with the team's events after it."""
    run = lock_run(run)
    if key is not None:
        earlier = db.session.scalar(
            select(SoloEvent.id).where(SoloEvent.run_id == run.id, SoloEvent.idempotency_key == key)
        )
        if earlier is not None:
            return Turn(duplicate=True)
    if run.is_ended:
        raise RunEnded(run.public_id)
    payload = {**event, "at": round(_clock(run) + seconds, 1)}
    try:
        play.apply(run.scenario, run.state, payload)
    except Rejected as rejection:
        return Turn(rejection)
    _append(run, [payload], run.role_id, key)
    return Turn()


def _clock(run: SoloRun) -> float:
    """The run's synthetic clock: the time of its latest event (0 before the first)."""
    payload = db.session.scalar(
        select(SoloEvent.payload).where(SoloEvent.run_id == run.id).order_by(SoloEvent.seq.desc()).limit(1)
    )
    at = payload.get("at") if payload else None
    return float(at) if isinstance(at, int | float) else 0.0


def _append(run: SoloRun, events: list[dict[str, Any]], role: str | None, key: str | None = None) -> None:
    """Store the person's events and the team's answer to them, then end the run if the scenario has."""
    scenario = run.scenario
    state = run.state
    rows = []
    for event in events:
        state = play.apply(scenario, state, event)
        rows.append((event, role, key))
    clock = events[-1]["at"] if events else _clock(run)
    for event in team_events(scenario, state, run.role_id, run.profile, clock=clock):
        state = play.apply(scenario, state, event)
        rows.append((event, None, None))
    version = run.state_version
    now = utcnow()
    for offset, (payload, by, idempotency_key) in enumerate(rows, start=1):
        if by is not None:
            xapi.record_solo_event(run, version + offset, payload, now)
        db.session.add(
            SoloEvent(
                run_id=run.id,
                seq=version + offset,
                type=str(payload["type"]),
                payload=payload,
                role=by,
                idempotency_key=idempotency_key,
                created_at=now,
            )
        )
    db.session.flush()
    changes: dict[str, Any] = {"state": state, "state_version": version + len(rows)}
    # A scenario that loops past the playthrough's guard can leave nobody able to act: end it there.
    ended = state["status"] != "running" or not players_turn(scenario, state, run.role_id)
    if ended:
        changes |= _scored(run, now)
    write_state(run, version, changes, ConcurrentRunChange)
    if ended:
        lti_grades.record_solo_run(run)


def _scored(run: SoloRun, now: datetime) -> dict[str, Any]:
    """The run fields that change when it ends: its status, end time and stored personal report."""
    report = score_drill(run.scenario, run_log(run))
    return {
        "status": SoloStatus.ENDED,
        "ended_at": now,
        "report": report_to_data(report),
        "total": report.total,
        "rating": report.rating,
    }


def run_events(run: SoloRun) -> list[dict[str, Any]]:
    """The run's stored event payloads in order."""
    query = select(SoloEvent.payload).where(SoloEvent.run_id == run.id).order_by(SoloEvent.seq)
    return list(db.session.scalars(query))


def player_events(run: SoloRun) -> list[tuple[int, dict[str, Any]]]:
    """The positions and payloads of the events the person made, in order."""
    query = select(SoloEvent.seq, SoloEvent.payload).where(
        SoloEvent.run_id == run.id, SoloEvent.role.is_not(None)
    )
    return [(seq, payload) for seq, payload in db.session.execute(query.order_by(SoloEvent.seq))]


def run_log(run: SoloRun) -> DrillLog:
    """The run's events as the plain log the scoring library reads."""
    return DrillLog.of(
        run_events(run), drill_id=run.public_id, team_id=run.profile, started_at=run.started_at
    )


def run_report(run: SoloRun) -> Report:
    """The stored personal report of an ended run; one stored with bokmål sentences gets its debrief
    written anew as messages from the run's events (in memory: the stored report stays as it is)."""
    if run.report is None:
        raise RunEnded(run.public_id)
    return rewrite_debrief(run.scenario, run_log(run), report_from_data(run.report))


def latest_finished_run(user: User, origin: str) -> SoloRun | None:
    """The user's most recently finished run started from ``origin`` (a course block shows it as done)."""
    return db.session.scalar(
        select(SoloRun)
        .where(SoloRun.user_id == user.id, SoloRun.origin == origin, SoloRun.status == SoloStatus.ENDED)
        .order_by(SoloRun.ended_at.desc(), SoloRun.id.desc())
        .limit(1)
    )


def user_runs(user: User, limit: int = 20) -> tuple[list[SoloRun], list[SoloRun]]:
    """The user's unfinished runs (newest first) and their latest finished ones."""
    query = select(SoloRun).where(SoloRun.user_id == user.id).options(selectinload(SoloRun.scenario_version))
    running = db.session.scalars(
        query.where(SoloRun.status == SoloStatus.RUNNING).order_by(SoloRun.started_at.desc()).limit(limit)
    )
    ended = db.session.scalars(
        query.where(SoloRun.status == SoloStatus.ENDED).order_by(SoloRun.ended_at.desc()).limit(limit)
    )
    return list(running), list(ended)
