"""What a facilitator does to drills: create them, cast the roles, and run the clock and the scenes.

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
from app.drills.services import lock_drill
from app.drills.services import new_join_code
from app.drills.services import record_event
from app.drills.services import scene_timing
from app.extensions import db
from app.models import Drill
from app.models import DrillStatus
from app.models import Participant
from app.models import RoleAssignment
from app.models import ScenarioVersion
from app.models import User
from app.models import utcnow
from app.transactions import begin_write
from scenarios import play

# Sentinel in a role assignment meaning "the facilitator plays this role".
PLAY_MYSELF = "self"
MAX_TEAMS = 40
MAX_TIMER_MINUTES = 240


class DrillNotReady(Exception):
    """The drill cannot start yet; ``missing`` lists the role ids nobody plays."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


class WrongStatus(Exception):
    """The control does not fit the drill's status, for instance resuming a drill that runs."""


def create_drills(facilitator: User, version: ScenarioVersion, team_name: str, teams: int = 1) -> list[Drill]:
    """Create one drill per team on a pinned scenario version, numbering the teams when there are several."""
    begin_write()
    teams = max(1, min(teams, MAX_TEAMS))
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
    """Stop the drill for everyone, wherever it is; people keep seeing what happened."""
    now = now or utcnow()
    drill = lock_drill(drill)
    if drill.status == DrillStatus.ENDED:
        return drill
    drill.status = DrillStatus.ENDED
    drill.ended_at = now
    drill.join_code = None
    drill.scene_deadline = None
    drill.paused_remaining = None
    drill.paused_at = None
    db.session.flush()
    return drill


def advance_scene(
    drill: Drill, scene_id: str, user: User, key: str | None, now: datetime | None = None
) -> Recorded:
    """Close the scene the facilitator was looking at, recording who did not act, and move on."""
    event = {"type": "advance", "scene": scene_id}
    return record_event(drill, event, Actor(user=user), key, now)


def fire_inject(drill: Drill, inject_id: str, user: User, now: datetime | None = None) -> Recorded:
    """Fire an inject now; the key is the inject's, so a timed firing and a click count once."""
    event = {"type": "inject", "inject": inject_id}
    return record_event(drill, event, Actor(user=user), f"inject:{inject_id}", now)
