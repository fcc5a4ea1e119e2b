"""The cheap poll: one indexed query and no ORM objects, whether the screen changed or not.

Every open participant screen polls every 2 s. The ETag a poll is compared with is computed from one
Core query (the drill by its unique public id, joined to the participant, the drill's role
assignments, the scenario version's hash and the organisation's slug), run on the driver's cursor
(``app.driver_query``), instead of loading the drill, its JSON state and its relations. When the
screen did change, the same row set and the drill's state are all the screen is built from
(``PolledDrill`` is shaped like ``Drill`` where the screen looks).

The only thing kept between requests is the state of each drill's newest *state version* seen by
this process (``_state``). A state version is never rewritten (every event writes the next one), so
this per-process cache cannot serve a stale answer, whichever process wrote the change. Whenever
anything needs doing (a timer ran out, an inject is due) the caller takes the full path, which
records it under the drill's lock.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from functools import cached_property
from typing import Any
from typing import NamedTuple

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import or_
from sqlalchemy import select

from app.drills import wording
from app.drills.screens import lobby_roles
from app.drills.screens import role_etag_from
from app.drills.services import answers_open_after_end
from app.drills.services import next_due
from app.drills.services import note_seen
from app.drills.services import seen_due
from app.driver_query import DriverQuery
from app.extensions import db
from app.models import DebriefReport
from app.models import Drill
from app.models import DrillStatus
from app.models import Organisation
from app.models import Participant
from app.models import RoleAssignment
from app.models import ScenarioVersion
from app.models import hash_token
from app.models.drills import parsed_scenario
from app.models.drills import remaining_seconds
from scenarios.model import Scenario

# public id -> (state version, state): each drill's newest state seen here; a version's state never changes.
_STATES: dict[str, tuple[int, dict[str, Any]]] = {}
# A state is tens of kB of JSON by a drill's end; emptied when full, so a long-running process stays small.
_STATES_LIMIT = 1024
# What a due check reads when the drill moved on since the poll's query: nothing is due.
_MOVED_ON: dict[str, Any] = {"scene": None, "round": None, "injects_fired": []}


class Holder(NamedTuple):
    """Who plays a role, shaped like ``RoleAssignment`` where the screen looks."""

    role_id: str
    participant_id: int


@dataclass(frozen=True)
class PolledDrill:
    """The drill columns a poll reads, shaped like ``Drill`` where ``services.next_due`` looks."""

    id: int
    public_id: str
    status: DrillStatus
    state_version: int
    scene_started_at: datetime | None
    scene_deadline: datetime | None
    paused_remaining: int | None
    sha256: str
    roles_open: bool = False
    assignments: tuple[Holder, ...] = ()
    team_name: str = ""
    incomplete: bool = False
    # The organisation's slug, whose privacy statement the full page links to.
    organisation_slug: str = ""
    # Whether the debrief report is made, which closes checkpoints left open at the ending.
    debriefed: bool = False

    @property
    def scenario(self) -> Scenario:
        """The pinned scenario, parsed once per process."""
        return parsed_scenario(self.sha256)

    @cached_property
    def stored_state(self) -> dict[str, Any] | None:
        """The state of this state version, or None when the drill has moved on since the poll's query."""
        return _state(self.id, self.public_id, self.state_version)

    @property
    def state(self) -> dict[str, Any]:
        """The state of this state version; read only (it is shared by every poll of the version)."""
        return self.stored_state or _MOVED_ON

    def remaining_seconds(self, now: datetime) -> int | None:
        """Seconds left on the scene timer, as ``Drill.remaining_seconds`` gives them."""
        return remaining_seconds(self.status, self.scene_deadline, self.paused_remaining, now)


@dataclass(frozen=True)
class Seat:
    """A participant's place in a drill as a poll sees it."""

    drill: PolledDrill
    participant_id: int
    last_seen_at: datetime | None
    roles: list[str]
    # The participant's user account, when they joined logged in.
    user_id: int | None = None


@cache
def _seat_query() -> DriverQuery:
    """The poll's one query, built and compiled once, and run on the driver's cursor (see app.driver_query).

    One row per role assignment of the drill (or one row without), each carrying the participant.

    An id parameter that is None matches nothing (``= NULL`` is never true), so one statement serves
    guests (participant id), logged-in users (user id) and both.
    """
    drill, version = Drill.__table__.c, ScenarioVersion.__table__.c
    participant, assignment = Participant.__table__.c, RoleAssignment.__table__.c
    organisation = Organisation.__table__.c
    return DriverQuery(
        select(
            drill.id,
            drill.status,
            drill.state_version,
            drill.scene_started_at,
            drill.scene_deadline,
            drill.paused_remaining,
            drill.roles_open,
            drill.team_name,
            drill.incomplete,
            version.sha256,
            organisation.slug.label("organisation_slug"),
            select(DebriefReport.__table__.c.id)
            .where(DebriefReport.__table__.c.drill_id == drill.id)
            .exists()
            .label("debriefed"),
            participant.id.label("participant_id"),
            participant.token_hash,
            participant.user_id,
            participant.last_seen_at,
            assignment.role_id,
            assignment.participant_id.label("holder_id"),
        )
        .select_from(Drill.__table__)
        .join(ScenarioVersion.__table__, version.id == drill.scenario_version_id)
        .join(Organisation.__table__, organisation.id == drill.organisation_id)
        .join(
            Participant.__table__,
            and_(
                participant.drill_id == drill.id,
                or_(
                    participant.id == bindparam("participant_id"), participant.user_id == bindparam("user_id")
                ),
            ),
        )
        .outerjoin(RoleAssignment.__table__, assignment.drill_id == drill.id)
        .where(drill.public_id == bindparam("public_id"))
        .order_by(assignment.id)
    )


def find_seat(public_id: str, participant_id: Any, token: Any, user_id: int | None) -> Seat | None:
    """The visitor's seat in the drill from one query: a guest's by id and token, else the user's first."""
    guest = isinstance(participant_id, int) and isinstance(token, str)
    if not guest and user_id is None:
        return None
    parameters = {
        "public_id": public_id,
        "participant_id": participant_id if guest else None,
        "user_id": user_id,
    }
    # A connection of its own rather than the ORM session: the poll loads no objects, and a request
    # that never opens the session has nothing to commit, roll back or close at its end.
    rows = _seat_query().rows(db.engine, parameters)
    mine = [row for row in rows if guest and row.participant_id == participant_id and _token_ok(row, token)]
    if not mine and user_id is not None:
        first = min((row.participant_id for row in rows if row.user_id == user_id), default=None)
        mine = [row for row in rows if row.participant_id == first]
    if not mine:
        return None
    row = mine[0]
    holders = tuple(Holder(r.role_id, r.holder_id) for r in mine if r.role_id is not None)
    drill = PolledDrill(
        row.id,
        public_id,
        row.status,
        row.state_version,
        row.scene_started_at,
        row.scene_deadline,
        row.paused_remaining,
        row.sha256,
        bool(row.roles_open),
        holders,
        row.team_name,
        bool(row.incomplete),
        row.organisation_slug,
        bool(row.debriefed),
    )
    held = {holder.role_id for holder in holders if holder.participant_id == row.participant_id}
    roles = [role for role in drill.scenario.role_ids if role in held]
    return Seat(drill, row.participant_id, row.last_seen_at, roles, row.user_id)


def _token_ok(row: Any, token: str) -> bool:
    """Check a guest's token against the stored hash (the same test as ``services.find_participant``)."""
    return row.token_hash is not None and hmac.compare_digest(row.token_hash, hash_token(token))


def live_drill(seat: Seat, role_arg: str | None, now: datetime) -> PolledDrill | None:
    """The seat's drill when a screen can be answered from the poll's data, or None for the full path.

    None when the role asked for is not the visitor's or a timeout or inject has fallen due. Notes the
    open screen (``last_seen_at``) when due, as the full path does; the caller commits.
    """
    if role_arg and role_arg not in seat.roles:
        return None
    if next_due(seat.drill, now) is not None:
        return None
    if seen_due(seat.last_seen_at, now):
        note_seen(seat.participant_id, now)
    return seat.drill


def unchanged_etag(seat: Seat, role_arg: str | None, now: datetime) -> str | None:
    """The ETag the full screen would carry now, or None when the full path must run (due work, a bad role).

    Notes the open screen (``last_seen_at``) when due, as the full path does; the caller commits.
    """
    drill = live_drill(seat, role_arg, now)
    if drill is None:
        return None
    role_id = role_arg or (seat.roles[0] if seat.roles else None)
    clock = wording.clock(remaining_seconds(drill.status, drill.scene_deadline, drill.paused_remaining, now))
    lobby = lobby_roles(drill.status, drill.roles_open, (holder.role_id for holder in drill.assignments))
    answers = answers_open_after_end(drill)
    return role_etag_from(drill.state_version, drill.status, role_id, seat.roles, clock, lobby, answers)


@cache
def _state_query() -> DriverQuery:
    """The state of one state version of a drill (no row once the drill has moved on)."""
    drill = Drill.__table__.c
    return DriverQuery(
        select(drill.state).where(
            drill.id == bindparam("drill_id"), drill.state_version == bindparam("version")
        )
    )


def _state(drill_id: int, public_id: str, version: int) -> dict[str, Any] | None:
    """The state of one state version, read once per process and version; None if the drill moved on."""
    cached = _STATES.get(public_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = _state_query().rows(db.engine, {"drill_id": drill_id, "version": version})
    state = rows[0].state if rows else None
    if state is None:
        # The drill moved on since the poll's query: the caller answers from the newer version instead.
        return None
    if cached is None or cached[0] < version:
        if len(_STATES) >= _STATES_LIMIT:
            _STATES.clear()
        _STATES[public_id] = (version, state)
    return state
