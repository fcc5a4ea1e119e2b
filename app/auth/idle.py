"""The idle timeout for staff (ASVS 7.3.1): facilitators, authors, admins and unit leaders are logged
out after ``IDLE_TIMEOUT_MINUTES`` without a request, unless they run or take part in a live drill.

The drill pages' own polling does not count as activity, so a console left open in an empty room
does not keep a session alive forever; a running or paused drill does, since its facilitator and
players must never be thrown out mid-drill. Other participants (learners and guests) have no idle limit.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask import current_app
from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import Drill
from app.models import DrillStatus
from app.models import Participant
from app.models import Role
from app.models import User
from app.models.learning import UnitLeader

# The htmx polls of the drill pages: they show the page is open, not that someone is there.
POLL_ENDPOINTS = frozenset({"drills.play_state", "facilitate.console_state"})
# Write the timestamp into the cookie at most this often, so polls and bursts do not rewrite it.
TOUCH_EVERY_SECONDS = 30
SEEN_KEY = "seen_at"


def applies_to(user: User, endpoint: str | None) -> bool:
    """Staff have an idle limit (staff roles, and unit leaders, who see their unit's people); other
    participants do not. The unit-leader question is not asked on polls, which never count anyway."""
    if user.has_role(Role.FACILITATOR):
        return True
    if endpoint in POLL_ENDPOINTS:
        return False
    return bool(db.session.scalar(select(exists().where(UnitLeader.user_id == user.id))))


def timed_out(session: MutableMapping[str, Any], now: float) -> bool:
    """Whether the last real request of this session is longer ago than the idle limit."""
    limit = float(current_app.config["IDLE_TIMEOUT_MINUTES"]) * 60
    return now - session.get(SEEN_KEY, session.get("login_at", now)) > limit


def touch(session: MutableMapping[str, Any], now: float) -> None:
    """Note a real request, rewriting the cookie only when the old note is stale."""
    if now - session.get(SEEN_KEY, 0) >= TOUCH_EVERY_SECONDS:
        session[SEEN_KEY] = now


def in_live_drill(user: User) -> bool:
    """Whether ``user`` facilitates or plays in a drill that is running or paused."""
    live = Drill.status.in_((DrillStatus.RUNNING, DrillStatus.PAUSED))
    seated = exists().where(Participant.drill_id == Drill.id, Participant.user_id == user.id)
    query = select(Drill.id).where(live, or_(Drill.facilitator_id == user.id, seated)).limit(1)
    return db.session.scalar(query) is not None
