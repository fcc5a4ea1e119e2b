"""Solo practice runs: one person plays one role of a pinned scenario version, the others a profile."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import User
from app.models.base import UtcDateTime
from app.models.base import new_public_id
from app.models.base import string_enum
from app.models.base import utcnow
from app.models.drills import ScenarioVersion
from scenarios.model import Scenario


class SoloStatus(enum.StrEnum):
    """A solo run is being played or is over."""

    RUNNING = "running"
    ENDED = "ended"


class SoloRun(db.Model):
    """One person's solo run; ``state`` caches the replay of its events, ``report`` its score once ended."""

    __tablename__ = "solo_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_version.id"))
    role_id: Mapped[str] = mapped_column(String(50))
    profile: Mapped[str] = mapped_column(String(20))
    # Where the run was started from, e.g. "catalogue", "course:<course>:<block>" or "authoring:<id>".
    origin: Mapped[str] = mapped_column(String(100), default="catalogue", index=True)
    # A path on this site to return to from the debrief (checked with safe_next_url when stored).
    return_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[SoloStatus] = mapped_column(
        string_enum(SoloStatus, "solo_status"), default=SoloStatus.RUNNING
    )
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The number of events applied to ``state``; the optimistic check when writing the next ones.
    state_version: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column()
    rating: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
    scenario_version: Mapped[ScenarioVersion] = relationship()

    def __repr__(self) -> str:
        return f"<SoloRun {self.public_id} {self.status}>"

    @property
    def scenario(self) -> Scenario:
        """The pinned scenario version, parsed."""
        return self.scenario_version.scenario

    def remaining_seconds(self, now: datetime) -> None:
        """Solo runs have no scene timer: the person takes the time they need."""
        return None

    @property
    def is_ended(self) -> bool:
        """Whether the run is over and can no longer change."""
        return self.status == SoloStatus.ENDED


class SoloEvent(db.Model):
    """One accepted runtime event of a solo run; append-only, so the run can always be replayed."""

    __tablename__ = "solo_event"
    __table_args__ = (
        UniqueConstraint("run_id", "seq"),
        UniqueConstraint("run_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("solo_run.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    type: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The role the person played when they made the event; None for events of the profile or the clock.
    role: Mapped[str | None] = mapped_column(String(50))
    # The person's one-time form key, so a double submit is stored once.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SoloEvent {self.run_id}#{self.seq} {self.type}>"


@event.listens_for(SoloEvent, "before_update")
@event.listens_for(SoloEvent, "before_delete")
def _refuse_event_change(mapper: Any, connection: Any, target: SoloEvent) -> None:
    """Keep the event log append-only: replays and the personal debrief depend on it never changing."""
    raise ValueError(f"{target!r} is append-only")
