"""Stored debrief reports and the improvement plans teams agree in debriefs."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import UtcDateTime
from app.models.base import utcnow
from app.models.drills import Drill

# --- Debriefs -----------------------------------------------------------------------------------


class DebriefReport(db.Model):
    """The stored score of an ended drill, so debriefs and cohorts never rescore old drills."""

    __tablename__ = "debrief_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), unique=True)
    # scoring.storage.report_to_data of the report, scored with the history of its time.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column()
    rating: Mapped[str | None] = mapped_column(String(1))
    # scoring.storage.summary_to_data: what history and cohorts read, so they never decode `data`.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # [holder role, role in need] for each needed item that arrived late or never: the cohort's
    # weakest interfaces between services.
    missing_links: Mapped[list[list[str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    drill: Mapped[Drill] = relationship()

    def __repr__(self) -> str:
        return f"<DebriefReport drill {self.drill_id} {self.total}>"


class ActionPoint(db.Model):
    """One point of a team's improvement plan, agreed in a debrief and shown at the team's next drill."""

    __tablename__ = "action_point"
    __table_args__ = (Index("ix_action_point_team", "organisation_id", "team_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    # The team is the drill's team name within the organisation; teams have no table of their own yet.
    team_name: Mapped[str] = mapped_column(String(100))
    what: Mapped[str] = mapped_column(String(500))
    who: Mapped[str] = mapped_column(String(100))
    due: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ActionPoint {self.id} drill {self.drill_id}>"
