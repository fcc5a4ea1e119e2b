"""Joining with a training session's code: the guest is seated in the team with the most room.

One code on the projector serves the whole hall. Placement happens in one write transaction that
locks the session's row and then its open drills in team order (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so guests joining at the same moment in different worker
processes see each other's seats and never overfill a team. After placement the guest is seated
exactly as with the team's own code: the same name checks, seat code, device rejoin and token.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select

from app.drills import services
from app.drills.services import Joined
from app.extensions import db
from app.models import Drill
from app.models import DrillStatus
from app.models import Participant
from app.models import TrainingSession
from app.models import User
from app.models import hash_token
from app.transactions import begin_write


class SessionOver(Exception):
    """Every team of the session has ended its drill, so there is no team to join."""


class SessionFull(Exception):
    """Every team still open has as many people as a drill may seat."""


class TeamEnded(Exception):
    """The person already has a place, in a team whose drill has ended."""


class Placed(NamedTuple):
    """The person's place, and the team a session code placed them in (None for a team's own code)."""

    joined: Joined
    team: Drill | None = None


def join_with_code(
    code: str, display_name: str, user: User | None, device: str | None = None, seat_code: str | None = None
) -> Placed:
    """Join with a session's code (seated in a team) or, failing that, a team's own code.

    :raise DrillNotJoinable, WrongSeatCode, SeatRefused: as ``services.join_drill``.
    :raise SessionOver, SessionFull, TeamEnded: for a session's code, see ``seat_in_session``.
    """
    begin_write()
    session = _locked_session(code)
    if session is None:
        return Placed(services.join_drill(code, display_name, user, device, seat_code))
    return seat_in_session(session, display_name, user, device, seat_code)


def _locked_session(code: str) -> TrainingSession | None:
    """The session with this join code, its row locked and read afresh under the write transaction."""
    code = services.normalise_join_code(code)
    if len(code) != services.JOIN_CODE_LENGTH:
        return None
    query = (
        select(TrainingSession)
        .where(TrainingSession.join_code == code)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(query)


def seat_in_session(
    session: TrainingSession,
    display_name: str,
    user: User | None,
    device: str | None = None,
    seat_code: str | None = None,
) -> Placed:
    """Give a person their earlier place in any of the session's teams, or a new one in the emptiest team.

    The caller holds the session's row lock. A new place goes to the open team (drill not ended) with
    the fewest people, ties broken by team number; a team where someone already has this name is
    passed over while another team has room.

    :raise WrongSeatCode: for a seat code no guest in the session has.
    :raise TeamEnded: when the person's earlier place is in a team that has ended.
    :raise SessionOver: when every team has ended.
    :raise SessionFull: when no open team has room.
    :raise SeatRefused: when the name is taken in every team with room, or is the facilitator's.
    """
    drills = _locked_drills(session)
    device_hash = hash_token(device) if device else None
    seat = services.find_seat([d.id for d in drills], display_name, user, device_hash, seat_code)
    if seat is not None:
        if seat.drill.status == DrillStatus.ENDED:
            raise TeamEnded(seat.drill.public_id)
        return Placed(services.rejoin(seat, device_hash), seat.drill)
    team = choose_team(session, [d for d in drills if d.status != DrillStatus.ENDED], display_name)
    return Placed(services.new_seat(team, display_name, user, device_hash), team)


def _locked_drills(session: TrainingSession) -> list[Drill]:
    """Every drill of the session, locked and read afresh in team order (one order, so no deadlock)."""
    query = (
        select(Drill)
        .where(Drill.session_id == session.id)
        .order_by(Drill.team_number, Drill.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def choose_team(session: TrainingSession, open_drills: list[Drill], display_name: str) -> Drill:
    """The open team with the fewest people (ties by team number), preferring one without this name.

    :raise SessionOver: when there is no open team.
    :raise SessionFull: when no open team has room.
    """
    if not open_drills:
        raise SessionOver(session.public_id)
    rows = db.session.execute(
        select(Participant.drill_id, Participant.user_id, Participant.display_name).where(
            Participant.drill_id.in_([d.id for d in open_drills])
        )
    ).all()
    runners = {session.facilitator_id} | {c.user_id for c in session.co_facilitators}
    seated = Counter(drill_id for drill_id, _user, _name in rows)
    people = Counter(drill_id for drill_id, user_id, _name in rows if user_id not in runners)
    limit = current_app.config["JOIN_SEATS_PER_DRILL"]
    with_room = sorted(
        (d for d in open_drills if seated[d.id] < limit),
        key=lambda d: (people[d.id], d.team_number or 0, d.id),
    )
    if not with_room:
        raise SessionFull(session.public_id)
    name_taken = {drill_id for drill_id, _user, name in rows if services.same_name(name, display_name)}
    free = [d for d in with_room if d.id not in name_taken]
    return (free or with_room)[0]
