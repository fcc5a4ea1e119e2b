"""Scenario versions and live drills: participants, role assignments and the append-only event log."""

from __future__ import annotations

import enum
import math
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ColumnElement
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import and_
from sqlalchemy import event
from sqlalchemy import false
from sqlalchemy import select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import Organisation
from app.models.accounts import User
from app.models.base import UtcDateTime
from app.models.base import new_public_id
from app.models.base import string_enum
from app.models.base import utcnow
from scenarios.model import Scenario
from scenarios.parse import parse

if TYPE_CHECKING:
    from app.models.authoring import AuthoredScenario
    from app.models.sessions import TrainingSession

# --- Drills -------------------------------------------------------------------------------------


class ScenarioVersion(db.Model):
    """One exact text of a scenario; a drill pins the version it started with, never the file."""

    __tablename__ = "scenario_version"
    # A unique index rather than a constraint, so SQLite can add it without copying the table.
    __table_args__ = (
        Index("ix_scenario_version_authored_number", "authored_scenario_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    # Deferred: a process reads the full Markdown only the first time it parses this version.
    source: Mapped[str] = mapped_column(Text, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Where the text came from: "library" (the built-in files) or "authored" (the authoring workspace).
    origin: Mapped[str] = mapped_column(String(20), default="library")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Authored versions only: the scenario they belong to, their number there, who saved them and why.
    authored_scenario_id: Mapped[int | None] = mapped_column(ForeignKey("authored_scenario.id"), index=True)
    number: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(String(300))

    created_by: Mapped[User | None] = relationship()
    authored_scenario: Mapped[AuthoredScenario | None] = relationship()

    def __repr__(self) -> str:
        return f"<ScenarioVersion {self.scenario_key} {self.version} {self.sha256[:8]}>"

    @property
    def scenario(self) -> Scenario:
        """The parsed scenario, shared by every drill on this version within the process."""
        return parsed_scenario(self.sha256)


@event.listens_for(ScenarioVersion, "before_update")
@event.listens_for(ScenarioVersion, "before_delete")
def _refuse_version_change(mapper: Any, connection: Any, target: ScenarioVersion) -> None:
    """Keep every stored version as it was saved: drills, debriefs and reviews point at its exact text."""
    raise ValueError(f"{target!r} cannot change")


@lru_cache(maxsize=32)
def parsed_scenario(sha256: str) -> Scenario:
    """Parse a stored version once per process; the hash names the text, so the cache never goes stale."""
    source = db.session.scalar(select(ScenarioVersion.source).where(ScenarioVersion.sha256 == sha256))
    if source is None:
        raise LookupError(f"no scenario version with sha256 {sha256}")
    scenario = parse(source).scenario
    if scenario is None:
        raise ValueError(f"scenario version {sha256} no longer parses")
    return scenario


class DrillStatus(enum.StrEnum):
    """Where a drill is in its life: gathering people, playing, on hold, or over."""

    LOBBY = "lobby"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


def remaining_seconds(
    status: DrillStatus, scene_deadline: datetime | None, paused_remaining: int | None, now: datetime
) -> int | None:
    """Seconds left on a drill's scene timer from its columns alone, so a poll needs no Drill object."""
    if status == DrillStatus.PAUSED:
        return paused_remaining
    if status != DrillStatus.RUNNING or scene_deadline is None:
        return None
    return max(0, math.ceil((scene_deadline - now).total_seconds()))


class Drill(db.Model):
    """One team playing one pinned scenario version; ``state`` caches the replay of its events."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_version.id"))
    team_name: Mapped[str] = mapped_column(String(100))
    # Released (set to NULL) when the drill ends, so codes are unique among drills people can join.
    join_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    # The code the drill had when it ended, so a late joiner hears it has ended, not that the code is wrong.
    ended_join_code: Mapped[str | None] = mapped_column(String(6), index=True)
    status: Mapped[DrillStatus] = mapped_column(
        string_enum(DrillStatus, "drill_status"), default=DrillStatus.LOBBY
    )
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The number of events applied to ``state``; the optimistic check when writing the next one.
    state_version: Mapped[int] = mapped_column(default=0)
    scene_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    scene_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    timer_minutes: Mapped[int | None] = mapped_column()
    paused_remaining: Mapped[int | None] = mapped_column()
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set when the drill ends before the team reached one of the scenario's endings ("ufullstendig").
    incomplete: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A practice or test run (øvingsrunde) the facilitator marked; it may be deleted.
    is_test: Mapped[bool] = mapped_column(default=False, server_default=false())
    # In the lobby, participants may take an open role themselves; the facilitator can still recast.
    roles_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The training session (økt) the drill was created in with other teams, and its team number there.
    # An indexed id without a database foreign key: SQLite cannot add one without copying the table.
    session_id: Mapped[int | None] = mapped_column(index=True)
    team_number: Mapped[int | None] = mapped_column()

    organisation: Mapped[Organisation] = relationship()
    facilitator: Mapped[User] = relationship()
    scenario_version: Mapped[ScenarioVersion] = relationship()
    session: Mapped[TrainingSession | None] = relationship(
        primaryjoin="foreign(Drill.session_id) == TrainingSession.id", viewonly=True
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="drill", order_by="Participant.id", passive_deletes=True
    )
    assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="drill", order_by="RoleAssignment.id", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Drill {self.public_id} {self.status}>"

    @property
    def scenario(self) -> Scenario:
        """The pinned scenario version, parsed."""
        return self.scenario_version.scenario

    @hybrid_property
    def comparable(self) -> bool:
        """Whether the drill counts in percentiles, cohorts and team progress: complete and not a test."""
        return not self.incomplete and not self.is_test

    @comparable.inplace.expression
    @classmethod
    def _comparable_expression(cls) -> ColumnElement[bool]:
        """The same rule as a SQL condition, for the queries that gather earlier drills."""
        return and_(cls.incomplete == false(), cls.is_test == false())

    def seconds_since_start(self, now: datetime) -> float:
        """The runtime's clock: seconds since the facilitator started the drill."""
        if self.started_at is None:
            return 0.0
        return round((now - self.started_at).total_seconds(), 3)

    def remaining_seconds(self, now: datetime) -> int | None:
        """Seconds left on the scene timer (frozen while paused), or None without a timer."""
        return remaining_seconds(self.status, self.scene_deadline, self.paused_remaining, now)

    def roles_of(self, participant: Participant) -> list[str]:
        """The scenario role ids ``participant`` plays, in the scenario's order."""
        held = {a.role_id for a in self.assignments if a.participant_id == participant.id}
        return [role for role in self.scenario.role_ids if role in held]


class Participant(db.Model):
    """A person in one drill: a guest known by a secret token in their session, or a logged-in user."""

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Only the hash: the token itself lives in the guest's signed session cookie.
    token_hash: Mapped[str | None] = mapped_column(String(64))
    # Hash of the guest's device cookie, so joining again from the same browser gives the seat back.
    device_hash: Mapped[str | None] = mapped_column(String(64))
    # Hash of the seat code the guest's screen shows, which gives the seat back on another device.
    seat_code_hash: Mapped[str | None] = mapped_column(String(64))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    drill: Mapped[Drill] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Participant {self.id} in drill {self.drill_id}>"


class RoleAssignment(db.Model):
    """Who plays a scenario role in a drill; one person may hold several roles, a role has one holder."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("drill_id", "role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"))
    role_id: Mapped[str] = mapped_column(String(50))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)

    drill: Mapped[Drill] = relationship(back_populates="assignments")
    participant: Mapped[Participant] = relationship()


class DrillEvent(db.Model):
    """One accepted runtime event, numbered per drill; append-only, so a drill can always be replayed."""

    __tablename__ = "drill_event"
    __table_args__ = (
        UniqueConstraint("drill_id", "seq"),
        UniqueConstraint("drill_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"))
    seq: Mapped[int] = mapped_column()
    type: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The client's form token, or "timeout:<round>" / "inject:<id>", so a repeat is stored once.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<DrillEvent {self.drill_id}#{self.seq} {self.type}>"


@event.listens_for(DrillEvent, "before_update")
@event.listens_for(DrillEvent, "before_delete")
def _refuse_event_change(mapper: Any, connection: Any, target: DrillEvent) -> None:
    """Keep the event log append-only: replays and debriefs depend on it never changing."""
    raise ValueError(f"{target!r} is append-only")
