"""The session's teams side by side: total, rating, each dimension, critical flags and time used.

Read from the stored debrief reports, never by scoring again: a team that ended without a stored
report (its time ran out, say) is scored and stored once, here, as its first debrief view would.
The session average counts only teams whose drill ended complete and is not a test; incomplete and
test drills are shown, marked, and left out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from statistics import fmean
from typing import Any

from sqlalchemy import select

from app.debrief.services import store_report
from app.extensions import db
from app.facilitate.sessions import session_drills
from app.models import DebriefReport
from app.models import Drill
from app.models import DrillStatus
from app.models import TrainingSession
from scoring import DIMENSIONS
from scoring.composite import rating
from scoring.model import CRITICAL
from scoring.storage import report_from_data
from scoring.storage import summarise
from scoring.storage import summary_from_data


@dataclass(frozen=True)
class TeamResult:
    """One team's line: its numbers when its drill has ended and been scored, and whether they count."""

    drill: Drill
    total: float | None = None
    rating: str | None = None
    scores: dict[str, float | None] = field(default_factory=dict)
    critical: int | None = None
    seconds: float | None = None

    @property
    def scored(self) -> bool:
        """Whether the drill has ended and its stored report gives the numbers."""
        return self.drill.status == DrillStatus.ENDED and self.critical is not None

    @property
    def counted(self) -> bool:
        """Whether the team counts in the session average: ended, scored, complete and not a test."""
        return self.scored and self.drill.comparable


@dataclass(frozen=True)
class Average:
    """The session average over the teams that count; None where no team has a number."""

    teams: int
    total: float | None
    rating: str | None
    scores: dict[str, float | None]
    critical: float | None
    seconds: float | None


@dataclass(frozen=True)
class Comparison:
    """Every team of the session in team order, the dimensions scored, and the session average."""

    rows: list[TeamResult]
    dimensions: list[str]
    average: Average


def compare_teams(session: TrainingSession) -> Comparison:
    """Line up the session's teams from their stored reports, storing a missing one once."""
    drills = session_drills(session)
    stored = _stored_reports(drills)
    missing = [d for d in drills if d.status == DrillStatus.ENDED and d.id not in stored]
    if missing:
        for drill in missing:
            store_report(drill)
        drills = session_drills(session)
        stored = _stored_reports(drills)
    rows = [_result(drill, stored.get(drill.id)) for drill in drills]
    present = {name for row in rows for name in row.scores}
    dimensions = [name for name in DIMENSIONS if name in present]
    return Comparison(rows, dimensions, _average([row for row in rows if row.counted], dimensions))


def best_first(rows: list[TeamResult]) -> list[TeamResult]:
    """The teams by total, highest first; teams without a total last, each group in team order."""
    return sorted(rows, key=lambda row: (row.total is None, -(row.total or 0.0)))


def _stored_reports(drills: list[Drill]) -> dict[int, DebriefReport]:
    """The stored reports of these drills, by drill id."""
    ids = [d.id for d in drills if d.status == DrillStatus.ENDED]
    if not ids:
        return {}
    query = select(DebriefReport).where(DebriefReport.drill_id.in_(ids))
    return {report.drill_id: report for report in db.session.scalars(query)}


def _result(drill: Drill, stored: DebriefReport | None) -> TeamResult:
    """A team's numbers from its stored report; a team without one shows only its status."""
    if stored is None:
        return TeamResult(drill)
    # Reports stored before summaries existed are summarised from their data.
    data = stored.summary
    summary = summary_from_data(data) if data else summarise(report_from_data(stored.data))
    seconds = (
        (drill.ended_at - drill.started_at).total_seconds() if drill.started_at and drill.ended_at else None
    )
    return TeamResult(
        drill=drill,
        total=summary.total,
        rating=summary.rating,
        scores=dict(summary.scores),
        critical=_critical_count(stored.data),
        seconds=seconds,
    )


def _critical_count(data: dict[str, Any]) -> int:
    """The number of critical flags in a stored report, counted from its data without rebuilding it."""
    return sum(1 for flag in data.get("flags") or () if flag.get("severity") == CRITICAL)


def _mean(values: list[float | None]) -> float | None:
    """The mean of the numbers present, or None when there are none."""
    present = [value for value in values if value is not None]
    return fmean(present) if present else None


def _average(rows: list[TeamResult], dimensions: list[str]) -> Average:
    """The session average of the teams that count; its rating is the rating of the average total."""
    total = _mean([row.total for row in rows])
    return Average(
        teams=len(rows),
        total=total,
        rating=rating(total),
        scores={name: _mean([row.scores.get(name) for row in rows]) for name in dimensions},
        critical=_mean([row.critical for row in rows]),
        seconds=_mean([row.seconds for row in rows]),
    )
