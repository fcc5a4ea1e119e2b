"""Changes to a live drill: joining it, and the one critical path that writes its events.

Every change to a drill's runtime state goes through ``record_event``: it serialises writers on the
drill (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL), stores a repeated
submission once (idempotency keys), lets the pure runtime in ``scenarios.play`` decide, and appends
the event. ``Drill.state`` is only a cache of replaying the events, as ``rebuild_state`` shows.

Time-based events need no background worker: every poll calls ``tick``, which records a due
timeout or timed inject under a fixed key, so ticks racing in several processes store it once.
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from app import xapi
from app.extensions import db
from app.models import DebriefReport
from app.models import Drill
from app.models import DrillEvent
from app.models import DrillStatus
from app.models import JoinFailure
from app.models import Participant
from app.models import RoleAssignment
from app.models import TrainingSession
from app.models import User
from app.models import hash_token
from app.models import utcnow
from app.transactions import begin_write
from app.transactions import lock_row
from app.transactions import write_state
from scenarios import play
from scenarios.model import Scenario
from scenarios.play import Rejected

if TYPE_CHECKING:
    from app.drills.polling import PolledDrill

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# A participant's last_seen_at is written at most this often, so polling stays read-only.
SEEN_INTERVAL = timedelta(seconds=30)
# Ticks stop after this many events in one go; a drill never has that many due at once.
MAX_EVENTS_PER_TICK = 20
# Event types people send; the facilitator's and the clock's are "advance", "inject" and "timeout".
PARTICIPANT_EVENTS = frozenset({"choose", "answer"})


@dataclass(frozen=True)
class Actor:
    """Who caused an event, by id: a participant (and their account, if any), a user, or nobody (the clock).

    Ids rather than objects, so a participant's choice is recorded without loading their row.
    """

    participant_id: int | None = None
    user_id: int | None = None

    @classmethod
    def of(cls, participant: Participant) -> Actor:
        """The participant, with the account they joined under."""
        return cls(participant.id, participant.user_id)

    @classmethod
    def of_user(cls, user: User) -> Actor:
        """A user acting on the drill (the facilitator)."""
        return cls(user_id=user.id)


@dataclass(frozen=True)
class Recorded:
    """The outcome of ``record_event``: the stored event, or why the event was refused."""

    event: DrillEvent | None
    rejection: Rejected | None = None
    duplicate: bool = False

    @property
    def ok(self) -> bool:
        """True when the event is stored, now or by an earlier identical submission."""
        return self.rejection is None


class ConcurrentDrillChange(RuntimeError):
    """The drill row changed under a held lock; this means the locking is broken, never a user error."""


class DrillNotJoinable(Exception):
    """No drill that people can join has this code."""


class WrongSeatCode(Exception):
    """No guest in the drill has this seat code."""


def lock_drill(drill: Drill) -> Drill:
    """Start a write transaction and lock the drill's row, returning the drill freshly read under the lock."""
    return lock_drill_id(drill.id)


def lock_drill_id(drill_id: int) -> Drill:
    """Lock a drill by id, loading it (with its scenario version, which every event reads) under the lock."""
    return lock_row(Drill, drill_id, eager=("scenario_version",))


def record_event(
    drill: Drill,
    event: dict[str, Any],
    actor: Actor | None = None,
    key: str | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Apply one event to the drill and append it, exactly once per idempotency key.

    Nothing is written when the event is refused. The caller commits.
    """
    now = now or utcnow()
    actor = actor or Actor()
    drill = lock_drill(drill)
    if key is not None:
        earlier = db.session.scalar(_earlier_event(), {"drill_id": drill.id, "key": key})
        if earlier is not None:
            return Recorded(db.session.get_one(DrillEvent, earlier), duplicate=True)
    refusal = _refusal(drill, event.get("type"))
    if refusal is not None:
        return Recorded(None, refusal)
    scenario = drill.scenario
    payload = {**event, "at": drill.seconds_since_start(now)}
    try:
        state = play.apply(scenario, drill.state, payload)
    except Rejected as rejection:
        return Recorded(None, rejection)

    version = drill.state_version
    values = {
        "drill_id": drill.id,
        "seq": version + 1,
        "type": str(payload["type"]),
        "payload": payload,
        "participant_id": actor.participant_id,
        "user_id": actor.user_id,
        "idempotency_key": key,
        "created_at": now,
    }
    # A plain INSERT: an event never changes once stored, so the session has nothing to track.
    inserted = db.session.execute(insert(DrillEvent.__table__), values)
    stored = DrillEvent(id=inserted.inserted_primary_key[0], **values)
    xapi.record_drill_event(drill, stored)
    changes: dict[str, Any] = {"state": state, "state_version": version + 1}
    if state["status"] == "ended" and drill.state["status"] != "ended":
        changes |= ended_changes(state, now, drill.join_code)
    elif state["round"] != drill.state["round"]:
        changes |= _scene_timing(drill, scenario, state["scene"], now)
    write_state(drill, version, changes, ConcurrentDrillChange)
    return Recorded(stored)


@cache
def _earlier_event() -> Select:
    """The id of the drill's event stored under an idempotency key; a plain query, built once."""
    event = DrillEvent.__table__.c
    return select(event.id).where(
        event.drill_id == bindparam("drill_id"), event.idempotency_key == bindparam("key")
    )


def answers_open_after_end(drill: Drill | PolledDrill) -> bool:
    """Whether checkpoints left open may still be answered after the drill has ended.

    Only when the team reached an ending, and only until the debrief report is made: it is scored
    from the answers given by then. A drill the facilitator stopped closes them with it.
    """
    if drill.status != DrillStatus.ENDED or drill.incomplete or drill.state.get("ending") is None:
        return False
    # The poll's seat query has already read it; a loaded Drill asks.
    debriefed = getattr(drill, "debriefed", None)
    if debriefed is not None:
        return not debriefed
    return db.session.scalar(select(DebriefReport.id).where(DebriefReport.drill_id == drill.id)) is None


def _refusal(drill: Drill, event_type: Any) -> Rejected | None:
    """Refuse events the drill's life cycle does not allow, before the runtime is asked."""
    if drill.status == DrillStatus.ENDED and not (event_type == "answer" and answers_open_after_end(drill)):
        return Rejected("ended", "Øvelsen er avsluttet.", "The drill has ended.")
    if drill.status == DrillStatus.LOBBY:
        return Rejected("lobby", "Øvelsen har ikke startet ennå.", "The drill has not started yet.")
    if drill.status == DrillStatus.PAUSED and (event_type in PARTICIPANT_EVENTS or event_type == "timeout"):
        return Rejected("paused", "Øvelsen er satt på pause.", "The drill is paused.")
    return None


def ended_changes(state: dict[str, Any], now: datetime, code: str | None = None) -> dict[str, Any]:
    """The drill fields that change when a drill ends; its join code is released for reuse.

    The released code is kept as ``ended_join_code``, so someone who types it later is told the drill
    has ended rather than that the code is wrong. A drill that ends before the team reached one of the
    scenario's endings is marked incomplete.
    """
    return {
        "ended_join_code": code,
        "status": DrillStatus.ENDED,
        "incomplete": state.get("ending") is None,
        "ended_at": now,
        "join_code": None,
        "scene_deadline": None,
        "paused_remaining": None,
        "paused_at": None,
    }


def _scene_timing(drill: Drill, scenario: Scenario, scene_id: str, now: datetime) -> dict[str, Any]:
    """Restart the scene clock for a new scene, with the timer the scene suggests."""
    scene = scenario.scene(scene_id)
    minutes = scene.minutes if scene else None
    changes: dict[str, Any] = {"scene_started_at": now, "timer_minutes": minutes}
    if drill.status == DrillStatus.PAUSED:
        # The new scene's clock starts when the drill resumes.
        changes |= {
            "scene_deadline": None,
            "paused_at": now,
            "paused_remaining": minutes * 60 if minutes else None,
        }
    else:
        changes["scene_deadline"] = now + timedelta(minutes=minutes) if minutes else None
    return changes


def scene_timing(drill: Drill, now: datetime) -> dict[str, Any]:
    """The clock fields for starting the drill's current scene now (used when a drill starts)."""
    return _scene_timing(drill, drill.scenario, drill.state["scene"], now)


def rebuild_state(drill: Drill) -> dict[str, Any]:
    """Replay every stored event from the start; it must equal the cached ``drill.state``."""
    payloads = db.session.scalars(
        select(DrillEvent.payload).where(DrillEvent.drill_id == drill.id).order_by(DrillEvent.seq)
    )
    return play.replay(drill.scenario, payloads)


def tick(drill: Drill, now: datetime | None = None) -> list[Recorded]:
    """Record the timeouts and timed injects that are due, oldest first; cheap when nothing is."""
    now = now or utcnow()
    if next_due(drill, now) is None:
        return []
    # Decide again under the lock: another process may have recorded it, or the scene moved on.
    drill = lock_drill(drill)
    recorded: list[Recorded] = []
    while len(recorded) < MAX_EVENTS_PER_TICK and (due := next_due(drill, now)) is not None:
        event, key = due
        result = record_event(drill, event, None, key, now)
        recorded.append(result)
        if not result.ok or result.duplicate:
            break
    return recorded


def next_due(drill: Drill, now: datetime) -> tuple[dict[str, Any], str] | None:
    """The earliest timeout or timed inject whose time has come, with its idempotency key."""
    if drill.status != DrillStatus.RUNNING:
        return None
    state = drill.state
    scene = state["scene"]
    due: list[tuple[datetime, dict[str, Any], str]] = []
    if drill.scene_deadline is not None and now >= drill.scene_deadline:
        due.append((drill.scene_deadline, {"type": "timeout", "scene": scene}, f"timeout:{state['round']}"))
    if drill.scene_started_at is not None:
        for inject in drill.scenario.injects:
            trigger = inject.trigger
            if trigger.kind != "scene" or trigger.scene != scene or not trigger.after_minutes:
                continue
            if inject.id in state["injects_fired"]:
                continue
            at = drill.scene_started_at + timedelta(minutes=trigger.after_minutes)
            if now >= at:
                due.append(
                    (at, {"type": "inject", "inject": inject.id, "scene": scene}, f"inject:{inject.id}")
                )
    if not due:
        return None
    _at, event, key = min(due, key=lambda item: item[0])
    return event, key


def normalise_join_code(raw: str) -> str:
    """Read a join code the way people type it: any case, with spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def new_join_code() -> str:
    """Draw a join code that no drill people can still join, and no training session, is using."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if (
            db.session.scalar(select(Drill.id).where(Drill.join_code == code)) is None
            and db.session.scalar(select(TrainingSession.id).where(TrainingSession.join_code == code)) is None
        ):
            return code


def find_joinable_drill(code: str, lock: bool = False) -> Drill | None:
    """The drill people can join with ``code``, if any; with ``lock``, its row locked and read afresh."""
    code = normalise_join_code(code)
    if len(code) != JOIN_CODE_LENGTH:
        return None
    query = select(Drill).where(Drill.join_code == code, Drill.status != DrillStatus.ENDED)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def ended_drill_with_code(code: str) -> Drill | None:
    """The most recently ended drill that had ``code``, when no open drill has it now."""
    code = normalise_join_code(code)
    if len(code) != JOIN_CODE_LENGTH:
        return None
    query = (
        select(Drill).where(Drill.ended_join_code == code).order_by(Drill.ended_at.desc(), Drill.id.desc())
    )
    return db.session.scalars(query.limit(1)).first()


def same_name(a: str, b: str) -> bool:
    """Names people would read as the same: case, spacing and accents aside."""
    fold = lambda text: " ".join(unicodedata.normalize("NFKC", text).casefold().split())  # noqa: E731
    return fold(a) == fold(b)


class Joined(NamedTuple):
    """The person's place in the drill, the secret token a guest keeps, and whether the place was theirs."""

    participant: Participant
    token: str | None
    rejoined: bool = False
    # A guest's new seat code, shown on their screen: with it they get the seat back on any device.
    seat_code: str | None = None


def new_seat_code() -> str:
    """A short code a guest can note down, drawn like join codes (no 0/O or 1/I to confuse)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _seated(participant: Participant, device_hash: str | None, rejoined: bool) -> Joined:
    """Give a guest a fresh token and seat code (the old ones went with the lost session or device)."""
    token, seat_code = secrets.token_urlsafe(32), new_seat_code()
    participant.token_hash = hash_token(token)
    participant.seat_code_hash = hash_token(seat_code)
    if device_hash is not None:
        participant.device_hash = device_hash
    db.session.flush()
    return Joined(participant, token, rejoined, seat_code)


def join_drill(
    code: str, display_name: str, user: User | None, device: str | None = None, seat_code: str | None = None
) -> Joined:
    """Add a person to the drill with this code, returning their place and the secret token a guest keeps.

    A logged-in person who is already in the drill gets their existing place back. So does a guest who
    gives the seat code their screen showed, on any device, or who joins again from the same device
    (``device``, the browser's device cookie) under the same name; they get a new token and seat code.
    Another name on that device is another person.

    :raise DrillNotJoinable: if no drill people can join has this code.
    :raise WrongSeatCode: if ``seat_code`` is given and no guest in the drill has it.
    :raise SeatRefused: if a new place is refused (see ``check_seat``).
    """
    begin_write()
    drill = find_joinable_drill(code, lock=True)
    if drill is None:
        raise DrillNotJoinable(code)
    device_hash = hash_token(device) if device else None
    seat = find_seat([drill.id], display_name, user, device_hash, seat_code)
    if seat is not None:
        return rejoin(seat, device_hash)
    return new_seat(drill, display_name, user, device_hash)


def find_seat(
    drill_ids: list[int],
    display_name: str,
    user: User | None,
    device_hash: str | None,
    seat_code: str | None = None,
) -> Participant | None:
    """The place a person already has in one of these drills: by account, seat code, or device and name.

    :raise WrongSeatCode: if a guest gives ``seat_code`` and no guest in the drills has it.
    """
    if user is not None:
        return db.session.scalar(
            select(Participant)
            .where(Participant.drill_id.in_(drill_ids), Participant.user_id == user.id)
            .order_by(Participant.id)
        )
    if seat_code:
        wanted = hash_token(normalise_join_code(seat_code))
        seat = db.session.scalar(
            select(Participant)
            .where(
                Participant.drill_id.in_(drill_ids),
                Participant.user_id.is_(None),
                Participant.seat_code_hash == wanted,
            )
            .order_by(Participant.id)
        )
        if seat is None:
            raise WrongSeatCode(seat_code)
        return seat
    if device_hash is None:
        return None
    seats = db.session.scalars(
        select(Participant)
        .where(Participant.drill_id.in_(drill_ids), Participant.device_hash == device_hash)
        .order_by(Participant.id)
    )
    return next((p for p in seats if p.user_id is None and same_name(p.display_name, display_name)), None)


def rejoin(seat: Participant, device_hash: str | None) -> Joined:
    """Give a person their existing place back; a guest gets a fresh token and seat code with it."""
    if seat.user_id is not None:
        return Joined(seat, None, rejoined=True)
    return _seated(seat, device_hash, rejoined=True)


def new_seat(drill: Drill, display_name: str, user: User | None, device_hash: str | None) -> Joined:
    """Seat a person who has no place in the drill yet, after ``check_seat``.

    :raise SeatRefused: if the name is taken, is the facilitator's, or the drill is full.
    """
    check_seat(drill, display_name, user)
    if user is not None:
        participant = Participant(drill=drill, display_name=display_name.strip()[:60], user_id=user.id)
        db.session.add(participant)
        db.session.flush()
        return Joined(participant, None)
    participant = Participant(drill=drill, display_name=display_name.strip()[:60])
    db.session.add(participant)
    return _seated(participant, device_hash, rejoined=False)


def take_role(drill: Drill, participant: Participant, role_id: str) -> bool:
    """Give ``participant`` the open role ``role_id``, if the drill is in its lobby with roles open.

    Checked again under the drill's lock, so two people pressing at once cannot both get the role.
    """
    drill = lock_drill(drill)
    held = {a.role_id for a in drill.assignments}
    if drill.status != DrillStatus.LOBBY or not drill.roles_open:
        return False
    if role_id not in drill.scenario.role_ids or role_id in held:
        return False
    db.session.add(RoleAssignment(drill_id=drill.id, role_id=role_id, participant_id=participant.id))
    db.session.flush()
    return True


class SeatRefused(Exception):
    """The name is already seated in the drill (or is its facilitator's), or the drill is full."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_seat(drill: Drill, display_name: str, user: User | None) -> None:
    """Refuse a name another device already sits under, the facilitator's name, or a full drill.

    :raise SeatRefused: "name_taken", "facilitator_name" or "full".
    """
    seated = list(
        db.session.scalars(select(Participant.display_name).where(Participant.drill_id == drill.id))
    )
    if any(same_name(name, display_name) for name in seated):
        raise SeatRefused("name_taken")
    if (user is None or user.id != drill.facilitator_id) and same_name(
        drill.facilitator.display_name, display_name
    ):
        raise SeatRefused("facilitator_name")
    if len(seated) >= current_app.config["JOIN_SEATS_PER_DRILL"]:
        raise SeatRefused("full")


def record_join_failure(ip: str) -> JoinFailure:
    """Count one wrong join code, and drop failures too old to matter so the table stays small."""
    since = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(delete(JoinFailure).where(JoinFailure.created_at < since))
    failure = JoinFailure(ip=ip[:45])
    db.session.add(failure)
    db.session.flush()
    return failure


def find_participant(drill: Drill, participant_id: Any, token: Any, user: User | None) -> Participant | None:
    """The drill's participant proven by a guest token, or else the logged-in user's place in the drill."""
    if isinstance(participant_id, int) and isinstance(token, str):
        participant = db.session.scalar(
            select(Participant).where(Participant.id == participant_id, Participant.drill_id == drill.id)
        )
        if (
            participant is not None
            and participant.token_hash is not None
            and hmac.compare_digest(participant.token_hash, hash_token(token))
        ):
            return participant
    if user is not None:
        return db.session.scalar(
            select(Participant)
            .where(Participant.drill_id == drill.id, Participant.user_id == user.id)
            .order_by(Participant.id)
        )
    return None


def seen_due(last_seen_at: datetime | None, now: datetime) -> bool:
    """Tell whether a participant's open screen should be noted again (at most every ``SEEN_INTERVAL``)."""
    return last_seen_at is None or now - last_seen_at >= SEEN_INTERVAL


def note_seen(participant_id: int, now: datetime) -> None:
    """Write ``last_seen_at`` without loading the participant, for the cheap poll. The caller commits."""
    begin_write()
    db.session.execute(update(Participant).where(Participant.id == participant_id).values(last_seen_at=now))


def mark_seen(participant: Participant, now: datetime | None = None) -> Participant:
    """Note that the participant's screen is open, at most every ``SEEN_INTERVAL``, for the console."""
    now = now or utcnow()
    if not seen_due(participant.last_seen_at, now):
        return participant
    participant_id = participant.id
    begin_write()
    participant = db.session.get_one(Participant, participant_id)
    participant.last_seen_at = now
    db.session.flush()
    return participant
