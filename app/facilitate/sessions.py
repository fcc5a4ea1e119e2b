"""Training sessions (økter): the teams of a training day created together and run as one.

A session starts, pauses and messages all its teams through the same per-drill services as the
console, so every change is locked, recorded and shown exactly as when done to one drill.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy import select

from app.drills.services import Actor
from app.drills.services import Recorded
from app.drills.services import new_join_code
from app.drills.services import record_event
from app.extensions import db
from app.facilitate import services
from app.models import Drill
from app.models import DrillStatus
from app.models import Role
from app.models import SessionFacilitator
from app.models import TrainingSession
from app.models import User
from app.models import utcnow
from app.transactions import begin_write


class NotColleague(Exception):
    """Only facilitators of the session's own organisation can be added as co-facilitators."""


@dataclass
class Outcome:
    """What a session-wide control did: the teams it changed and the teams it left as they were."""

    done: list[Drill] = field(default_factory=list)
    skipped: list[Drill] = field(default_factory=list)


def create_session(facilitator: User, name: str, held_on: date | None = None) -> TrainingSession:
    """Create a named session for a training day, with its own join code that seats guests in a team.

    Its drills are added by ``create_drills``.
    """
    begin_write()
    session = TrainingSession(
        organisation_id=facilitator.organisation_id,
        facilitator_id=facilitator.id,
        name=name.strip()[:100],
        held_on=held_on or utcnow().date(),
        join_code=new_join_code(),
    )
    db.session.add(session)
    db.session.flush()
    return session


def sessions_of(user: User) -> list[TrainingSession]:
    """The sessions a facilitator runs or co-runs (an administrator: the organisation's), newest first."""
    query = select(TrainingSession).where(TrainingSession.organisation_id == user.organisation_id)
    if not user.has_role(Role.ADMIN):
        co_run = select(SessionFacilitator.session_id).where(SessionFacilitator.user_id == user.id)
        query = query.where(or_(TrainingSession.facilitator_id == user.id, TrainingSession.id.in_(co_run)))
    return list(
        db.session.scalars(query.order_by(TrainingSession.created_at.desc(), TrainingSession.id.desc()))
    )


def session_drills(session: TrainingSession) -> list[Drill]:
    """The session's drills in team order, so "Lag 2" never comes before "Lag 1"."""
    query = select(Drill).where(Drill.session_id == session.id).order_by(Drill.team_number, Drill.id)
    return list(db.session.scalars(query))


def start_all(session: TrainingSession, now: datetime | None = None) -> Outcome:
    """Start every team that is in the lobby with all roles cast; the others are left as they are."""
    outcome = Outcome()
    for drill in session_drills(session):
        try:
            services.start_drill(drill, now)
        except (services.DrillNotReady, services.WrongStatus):
            outcome.skipped.append(drill)
        else:
            outcome.done.append(drill)
    return outcome


def pause_all(session: TrainingSession, now: datetime | None = None) -> Outcome:
    """Pause every running team; teams in the lobby, paused or ended are left as they are."""
    outcome = Outcome()
    for drill in session_drills(session):
        try:
            services.pause_drill(drill, now)
        except services.WrongStatus:
            outcome.skipped.append(drill)
        else:
            outcome.done.append(drill)
    return outcome


def resume_all(session: TrainingSession, now: datetime | None = None) -> Outcome:
    """Let every paused team continue with the time it had left."""
    outcome = Outcome()
    for drill in session_drills(session):
        try:
            services.resume_drill(drill, now)
        except services.WrongStatus:
            outcome.skipped.append(drill)
        else:
            outcome.done.append(drill)
    return outcome


def broadcast(
    session: TrainingSession,
    text: str,
    drill_ids: list[int],
    role_ids: list[str],
    user: User,
    key: str,
    now: datetime | None = None,
) -> Outcome:
    """Send the facilitator's own text to the chosen teams (all when none are chosen) and roles.

    Each team gets it as a recorded runtime event, so it shows in the roles' logs and in the debrief;
    a team that is not running (lobby or ended) is skipped. ``key`` makes a repeated submit count once.
    """
    outcome = Outcome()
    for drill in session_drills(session):
        if drill_ids and drill.id not in drill_ids:
            continue
        roles = [role for role in role_ids if role in drill.scenario.role_ids]
        if role_ids and not roles:
            outcome.skipped.append(drill)
            continue
        event = {"type": "message", "text": text, "to": roles}
        result: Recorded = record_event(drill, event, Actor.of_user(user), f"message:{key}", now)
        (outcome.done if result.ok else outcome.skipped).append(drill)
    return outcome


def add_co_facilitator(session: TrainingSession, user: User) -> SessionFacilitator:
    """Let a facilitator of the same organisation share the console of every drill in the session.

    :raise NotColleague: for a person of another organisation, a participant or a deactivated account.
    """
    if (
        user.organisation_id != session.organisation_id
        or not user.has_role(Role.FACILITATOR)
        or not user.active
    ):
        raise NotColleague(user.id)
    existing = next((c for c in session.co_facilitators if c.user_id == user.id), None)
    if existing is not None or user.id == session.facilitator_id:
        return existing or SessionFacilitator(session_id=session.id, user_id=user.id)
    begin_write()
    link = SessionFacilitator(session_id=session.id, user_id=user.id)
    db.session.add(link)
    db.session.flush()
    db.session.expire(session, ["co_facilitators"])
    return link


def is_live(drill: Drill) -> bool:
    """Whether a team is still playing (running or paused)."""
    return drill.status in (DrillStatus.RUNNING, DrillStatus.PAUSED)
