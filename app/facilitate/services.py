"""What a facilitator does to drills: create them, cast the roles, run the clock and the scenes, and
mark test drills (øvingsrunder) and delete them.

Changes to a running drill lock its row first (``lock_drill``), so they never interleave with a
participant's choice or a tick in another process. Scene changes and injects are runtime events
and go through ``record_event``; the clock (start, pause, timer, end) lives on the drill row.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select

from app.drills.services import Actor
from app.drills.services import Recorded
from app.drills.services import ended_changes
from app.drills.services import lock_drill
from app.drills.services import new_join_code
from app.drills.services import record_event
from app.drills.services import scene_timing
from app.extensions import db
from app.models import ActionPoint
from app.models import DebriefReport
from app.models import Drill
from app.models import DrillEvent
from app.models import DrillStatus
from app.models import Observer
from app.models import ObserverNote
from app.models import Participant
from app.models import RoleAssignment
from app.models import ScenarioVersion
from app.models import TrainingSession
from app.models import User
from app.models import utcnow
from app.transactions import begin_write
from scenarios import play

# Sentinel in a role assignment meaning "the facilitator plays this role".
PLAY_MYSELF = "self"
# One fagdag: up to 200 teams from one form, each with its own drill and join code.
MAX_TEAMS = 200
MAX_TIMER_MINUTES = 240


class DrillNotReady(Exception):
    """The drill cannot start yet; ``missing`` lists the role ids nobody plays."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


class WrongStatus(Exception):
    """The control does not fit the drill's status, for instance resuming a drill that runs."""


class NotATestDrill(Exception):
    """Only a drill marked as a test may be deleted."""


def create_drills(
    facilitator: User,
    version: ScenarioVersion,
    team_name: str,
    teams: int = 1,
    session: TrainingSession | None = None,
) -> list[Drill]:
    """Create one drill per team on a pinned scenario version, numbering the teams when there are several.

    Several teams belong to ``session``, the training day they are run in together.

    :raise ValueError: if ``teams`` is outside 1 to ``MAX_TEAMS`` (the form says so in words first).
    """
    if not 1 <= teams <= MAX_TEAMS:
        raise ValueError(f"teams must be between 1 and {MAX_TEAMS}, not {teams}")
    begin_write()
    name = team_name.strip()
    drills = []
    for number in range(1, teams + 1):
        drill = Drill(
            organisation_id=facilitator.organisation_id,
            facilitator_id=facilitator.id,
            scenario_version_id=version.id,
            team_name=(f"{name} {number}" if teams > 1 else name)[:100],
            join_code=new_join_code(),
            status=DrillStatus.LOBBY,
            state=play.initial_state(version.scenario),
            state_version=0,
            session_id=session.id if session else None,
            team_number=number if session else None,
        )
        db.session.add(drill)
        # Flushed one by one, so the next code drawn sees this one as taken.
        db.session.flush()
        drills.append(drill)
    return drills


def assign_roles(drill: Drill, choices: dict[str, str | None], facilitator: User) -> Drill:
    """Give each role the chosen participant, the facilitator (``PLAY_MYSELF``) or nobody (None)."""
    drill = lock_drill(drill)
    if drill.status == DrillStatus.ENDED:
        raise WrongStatus(drill.status)
    own_seat = None
    participants = {str(p.id): p for p in drill.participants}
    db.session.execute(delete(RoleAssignment).where(RoleAssignment.drill_id == drill.id))
    for role_id in drill.scenario.role_ids:
        choice = choices.get(role_id)
        if choice == PLAY_MYSELF:
            own_seat = own_seat or _facilitator_seat(drill, facilitator)
            participant = own_seat
        else:
            participant = participants.get(choice or "")
        if participant is not None:
            db.session.add(RoleAssignment(drill_id=drill.id, role_id=role_id, participant_id=participant.id))
    db.session.flush()
    db.session.expire(drill, ["assignments"])
    return drill


def _facilitator_seat(drill: Drill, facilitator: User) -> Participant:
    """The facilitator's own place in the drill, created the first time they play a role."""
    seat = db.session.scalar(
        select(Participant)
        .where(Participant.drill_id == drill.id, Participant.user_id == facilitator.id)
        .order_by(Participant.id)
    )
    if seat is None:
        seat = Participant(
            drill_id=drill.id, display_name=facilitator.display_name[:60], user_id=facilitator.id
        )
        db.session.add(seat)
        db.session.flush()
    return seat


def start_drill(drill: Drill, now: datetime | None = None) -> Drill:
    """Start the drill's clock and first scene once every role has someone to play it.

    :raise DrillNotReady: if some role has nobody.
    """
    now = now or utcnow()
    drill = lock_drill(drill)
    if drill.status != DrillStatus.LOBBY:
        raise WrongStatus(drill.status)
    held = {a.role_id for a in drill.assignments}
    missing = [role for role in drill.scenario.role_ids if role not in held]
    if missing:
        raise DrillNotReady(missing)
    drill.status = DrillStatus.RUNNING
    drill.started_at = now
    for name, value in scene_timing(drill, now).items():
        setattr(drill, name, value)
    db.session.flush()
    return drill


def pause_drill(drill: Drill, now: datetime | None = None) -> Drill:
    """Hold the drill: choices are refused and the scene timer stops where it is."""
    now = now or utcnow()
    drill = lock_drill(drill)
    if drill.status != DrillStatus.RUNNING:
        raise WrongStatus(drill.status)
    drill.paused_remaining = drill.remaining_seconds(now)
    drill.paused_at = now
    drill.scene_deadline = None
    drill.status = DrillStatus.PAUSED
    db.session.flush()
    return drill


def resume_drill(drill: Drill, now: datetime | None = None) -> Drill:
    """Continue a paused drill with the time that was left; timed injects shift by the pause."""
    now = now or utcnow()
    drill = lock_drill(drill)
    if drill.status != DrillStatus.PAUSED:
        raise WrongStatus(drill.status)
    if drill.paused_at is not None and drill.scene_started_at is not None:
        drill.scene_started_at += now - drill.paused_at
    if drill.paused_remaining is not None:
        drill.scene_deadline = now + timedelta(seconds=drill.paused_remaining)
    drill.paused_remaining = None
    drill.paused_at = None
    drill.status = DrillStatus.RUNNING
    db.session.flush()
    return drill


def set_timer(drill: Drill, minutes: int | None, now: datetime | None = None) -> Drill:
    """Give the current scene ``minutes`` from now (None or 0 removes the timer)."""
    now = now or utcnow()
    drill = lock_drill(drill)
    if drill.status == DrillStatus.ENDED:
        raise WrongStatus(drill.status)
    minutes = min(minutes, MAX_TIMER_MINUTES) if minutes else None
    drill.timer_minutes = minutes
    seconds = minutes * 60 if minutes else None
    if drill.status == DrillStatus.PAUSED:
        drill.paused_remaining = seconds
    elif drill.status == DrillStatus.RUNNING:
        drill.scene_deadline = now + timedelta(seconds=seconds) if seconds else None
    db.session.flush()
    return drill


def end_drill(drill: Drill, now: datetime | None = None) -> Drill:
    """Stop the drill for everyone, wherever it is; people keep seeing what happened.

    Ended before the team reached an ending, the drill is marked incomplete.
    """
    now = now or utcnow()
    drill = lock_drill(drill)
    if drill.status == DrillStatus.ENDED:
        return drill
    for name, value in ended_changes(drill.state, now, drill.join_code).items():
        setattr(drill, name, value)
    db.session.flush()
    return drill


def advance_scene(
    drill: Drill, scene_id: str, user: User, key: str | None, now: datetime | None = None
) -> Recorded:
    """Close the scene the facilitator was looking at, recording who did not act, and move on."""
    event = {"type": "advance", "scene": scene_id}
    return record_event(drill, event, Actor.of_user(user), key, now)


def fire_inject(drill: Drill, inject_id: str, user: User, now: datetime | None = None) -> Recorded:
    """Fire an inject now; the key is the inject's, so a timed firing and a click count once."""
    event = {"type": "inject", "inject": inject_id}
    return record_event(drill, event, Actor.of_user(user), f"inject:{inject_id}", now)


def open_roles(drill: Drill, roles_open: bool) -> Drill:
    """Let participants take an open role themselves in the lobby, or not."""
    drill = lock_drill(drill)
    drill.roles_open = roles_open
    db.session.flush()
    return drill


def mark_test(drill: Drill, is_test: bool) -> Drill:
    """Mark the drill as a test (øvingsrunde), or let it count again; allowed before, during and after it."""
    drill = lock_drill(drill)
    drill.is_test = is_test
    db.session.flush()
    return drill


def delete_test_drill(drill: Drill) -> None:
    """Delete a test drill with everything that hangs on it, in the caller's one transaction.

    Events, the stored report with its summary, action points, observers and their notes, role
    assignments and participants go with it. The bulk delete bypasses the event log's append-only
    guard on purpose: the guard keeps drills that count replayable, and a test drill is removed whole.

    :raise NotATestDrill: if the drill is not marked as a test; nothing is deleted then.
    """
    drill = lock_drill(drill)
    if not drill.is_test:
        raise NotATestDrill(drill.public_id)
    owned = (DrillEvent, DebriefReport, ActionPoint, ObserverNote, Observer, RoleAssignment, Participant)
    for model in owned:
        db.session.execute(delete(model).where(model.drill_id == drill.id))
    db.session.execute(delete(Drill).where(Drill.id == drill.id))
    db.session.flush()
