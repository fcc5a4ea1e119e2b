"""Observers of live drills (HSEEP's evaluators) and the time-stamped notes they take scene by scene."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import UtcDateTime
from app.models.base import utcnow
from app.models.drills import Drill

# The longest note an observer may save: a few sentences, read beside the timeline in the debrief.
NOTE_MAX_LENGTH = 1000


class Observer(db.Model):
    """A person the facilitator added to watch every role's screen; not a participant, so never waited for."""

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    # Only the hash: the observer code is shown to the facilitator once, and kept in the observer's session.
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    drill: Mapped[Drill] = relationship()

    def __repr__(self) -> str:
        return f"<Observer {self.id} of drill {self.drill_id}>"


class ObserverNote(db.Model):
    """One observation, tied to the scene visit (round) it was written in and to the drill's clock."""

    __tablename__ = "observer_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"), index=True)
    scene_id: Mapped[str] = mapped_column(String(100))
    # The runtime's round: which visit of the scene, so a scene played twice keeps its notes apart.
    round: Mapped[int] = mapped_column()
    # Seconds since the facilitator started the drill, the clock the timeline uses.
    drill_seconds: Mapped[float | None] = mapped_column()
    text: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    observer: Mapped[Observer] = relationship()

    def __repr__(self) -> str:
        return f"<ObserverNote {self.id} drill {self.drill_id} round {self.round}>"
