"""What observers do: the facilitator adds them, they prove themselves with a code, and they take notes.

Observers live in their own table, never among a drill's participants, so nothing that counts people
(who the team waits for, seats, roles, scoring) can ever count them. Notes are tied to a scene visit by
the runtime's round, which the debrief's timeline carries too.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.drills.services import JOIN_CODE_ALPHABET
from app.drills.services import JOIN_CODE_LENGTH
from app.drills.services import normalise_join_code
from app.extensions import db
from app.models import Drill
from app.models import DrillStatus
from app.models import Observer
from app.models import ObserverNote
from app.models import Role
from app.models import User
from app.models import hash_token
from app.models import utcnow
from app.transactions import begin_write

# A drill's observers: a handful of evaluators, not a second audience.
MAX_OBSERVERS = 10


class ObserversClosed(Exception):
    """Observers cannot be added to a drill that has ended, or beyond ``MAX_OBSERVERS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotesClosed(Exception):
    """A note needs a scene: before the drill starts there is none to tie it to."""


def runs_drill(drill: Drill, user: User | None) -> bool:
    """Whether ``user`` runs the drill: its facilitator, a co-facilitator of its session, or an
    administrator of its organisation."""
    if user is None or user.organisation_id != drill.organisation_id:
        return False
    return (
        drill.facilitator_id == user.id
        or user.has_role(Role.ADMIN)
        or (drill.session is not None and drill.session.is_run_by(user))
    )


def new_observer_code() -> str:
    """Draw an observer code no observer has, from the join codes' alphabet (no 0/O or 1/I)."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.session.scalar(select(Observer.id).where(Observer.code_hash == hash_token(code))) is None:
            return code


def add_observer(drill: Drill, display_name: str, user: User) -> tuple[Observer, str]:
    """Add an observer by name and return it with its code, which only the facilitator is shown, once.

    :raise ObserversClosed: "ended" when the drill has ended, "full" at ``MAX_OBSERVERS``.
    """
    begin_write()
    if drill.status == DrillStatus.ENDED:
        raise ObserversClosed("ended")
    if len(drill_observers(drill)) >= MAX_OBSERVERS:
        raise ObserversClosed("full")
    code = new_observer_code()
    observer = Observer(
        drill_id=drill.id,
        display_name=display_name.strip()[:60],
        code_hash=hash_token(code),
        created_by_id=user.id,
    )
    db.session.add(observer)
    db.session.flush()
    return observer, code


def drill_observers(drill: Drill) -> list[Observer]:
    """The drill's observers in the order they were added."""
    query = select(Observer).where(Observer.drill_id == drill.id).order_by(Observer.id)
    return list(db.session.scalars(query))


def find_by_code(code: str) -> Observer | None:
    """The observer whose code this is, typed the way people type codes, with its drill."""
    code = normalise_join_code(code)
    if len(code) != JOIN_CODE_LENGTH:
        return None
    query = select(Observer).options(joinedload(Observer.drill)).where(Observer.code_hash == hash_token(code))
    return db.session.scalar(query)


def find_observer(drill: Drill, observer_id: Any, code: Any) -> Observer | None:
    """The drill's observer proven by the id and code the observer's session holds, or None."""
    if not isinstance(observer_id, int) or not isinstance(code, str):
        return None
    query = select(Observer).where(Observer.id == observer_id, Observer.drill_id == drill.id)
    observer = db.session.scalar(query)
    if observer is None or not hmac.compare_digest(observer.code_hash, hash_token(normalise_join_code(code))):
        return None
    return observer


def current_visit(drill: Drill) -> tuple[int, str] | None:
    """The round and scene a note written now belongs to: the running scene, else the last one left."""
    state = drill.state
    if state["status"] == "running":
        return state["round"], state["scene"]
    history = state.get("history") or []
    return (history[-1]["round"], history[-1]["scene"]) if history else None


def add_note(drill: Drill, observer: Observer, text: str, now: datetime | None = None) -> ObserverNote:
    """Save a note on the scene the team is in now (the last one played, once the drill is over).

    :raise NotesClosed: before the drill has started, when there is no scene to tie it to.
    """
    now = now or utcnow()
    begin_write()
    visit = current_visit(drill)
    if drill.status == DrillStatus.LOBBY or visit is None:
        raise NotesClosed(drill.public_id)
    round_, scene_id = visit
    note = ObserverNote(
        drill_id=drill.id,
        observer_id=observer.id,
        scene_id=scene_id,
        round=round_,
        drill_seconds=drill.seconds_since_start(now),
        text=text.strip(),
        created_at=now,
    )
    db.session.add(note)
    db.session.flush()
    return note


def drill_notes(drill: Drill) -> list[ObserverNote]:
    """Every observer's notes on the drill, oldest first, with their writers."""
    query = (
        select(ObserverNote)
        .options(joinedload(ObserverNote.observer))
        .where(ObserverNote.drill_id == drill.id)
        .order_by(ObserverNote.created_at, ObserverNote.id)
    )
    return list(db.session.scalars(query))
