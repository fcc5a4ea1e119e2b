"""The one adapter from database rows to the scoring library, and the debrief's own changes.

It loads a drill's events, builds a ``DrillLog``, calls ``scoring.score_drill`` with the earlier
stored reports of the same scenario in the same organisation as history, and stores the result once
per drill. Incomplete and test drills (``Drill.comparable`` is false) count in no history, cohort or
team progress. Scoring runs when the facilitator ends a drill, or on the first debrief view of a drill
that ended otherwise; never while a participant's choice is being recorded.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import false
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.drills.services import lock_drill
from app.extensions import db
from app.models import ActionPoint
from app.models import DebriefReport
from app.models import Drill
from app.models import DrillEvent
from app.models import DrillStatus
from app.models import Organisation
from app.models import ScenarioVersion
from app.models import User
from app.models import parsed_scenario
from app.models import utcnow
from scenarios.model import Scenario
from scoring import DrillLog
from scoring import Report
from scoring import compare_runs
from scoring import rewrite_debrief
from scoring import score_drill
from scoring.cohort import cohort
from scoring.infoflow import SCENARIO_DELIVERED
from scoring.model import Cohort
from scoring.model import ReportSummary
from scoring.model import TeamProgress
from scoring.storage import legacy_debrief
from scoring.storage import report_from_data
from scoring.storage import report_to_data
from scoring.storage import summarise
from scoring.storage import summary_from_data
from scoring.storage import summary_to_data
from scoring.timeline import Timeline
from scoring.timeline import build_timeline

COHORT_MONTHS = 12
logger = logging.getLogger(__name__)


class DrillNotEnded(Exception):
    """A debrief needs a drill that has ended."""


@dataclass(frozen=True)
class Interface:
    """A pair of services (roles) between which needed information most often failed to arrive."""

    source: str
    target: str
    missing: int


def drill_events(drill: Drill) -> list[dict[str, Any]]:
    """The drill's stored event payloads in order, each with its sequence number."""
    rows = db.session.execute(
        select(DrillEvent.seq, DrillEvent.payload)
        .where(DrillEvent.drill_id == drill.id)
        .order_by(DrillEvent.seq)
    )
    return [{**payload, "seq": seq} for seq, payload in rows]


def drill_log(drill: Drill) -> DrillLog:
    """The drill's events as the plain log the scoring library reads."""
    return DrillLog.of(
        drill_events(drill), drill_id=drill.public_id, team_id=drill.team_name, started_at=drill.started_at
    )


def earlier_reports(drill: Drill) -> list[ReportSummary]:
    """Summaries of the same scenario's stored reports in the organisation, from drills that ended before.

    Incomplete and test drills are left out: they would skew every later team's percentiles.
    """
    query = (
        select(DebriefReport)
        .join(Drill, Drill.id == DebriefReport.drill_id)
        .join(ScenarioVersion, ScenarioVersion.id == Drill.scenario_version_id)
        .where(
            Drill.organisation_id == drill.organisation_id,
            ScenarioVersion.scenario_key == drill.scenario_version.scenario_key,
            Drill.id != drill.id,
            Drill.comparable,
        )
    )
    if drill.ended_at is not None:
        query = query.where(Drill.ended_at < drill.ended_at)
    return [_summary(stored) for stored in db.session.scalars(query.options(defer(DebriefReport.data)))]


def _summary(stored: DebriefReport) -> ReportSummary:
    """The stored summary; reports stored before summaries existed are summarised from their data."""
    if stored.summary is not None:
        return summary_from_data(stored.summary)
    return summarise(report_from_data(stored.data))


def score_report(drill: Drill) -> Report:
    """Score the drill from its events, with the organisation's earlier drills of the scenario as history.

    An incomplete drill gets no history, so no percentile ranks part of a drill against whole ones.
    """
    history = [] if drill.incomplete else earlier_reports(drill)
    return score_drill(drill.scenario, drill_log(drill), history=history)


def store_report(drill: Drill) -> DebriefReport:
    """Score an ended drill and store its report, once; a stored report is returned as it is."""
    drill = lock_drill(drill)
    if drill.status != DrillStatus.ENDED:
        raise DrillNotEnded(drill.public_id)
    stored = db.session.scalar(select(DebriefReport).where(DebriefReport.drill_id == drill.id))
    if stored is not None:
        return stored
    report = score_report(drill)
    stored = DebriefReport(
        drill_id=drill.id,
        data=report_to_data(report),
        total=report.total,
        rating=report.rating,
        summary=summary_to_data(summarise(report)),
        missing_links=missing_links(drill.scenario, report),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def drill_report(drill: Drill) -> Report:
    """The drill's stored report, scoring and storing it first if the drill ended without one.

    An incomplete drill is ranked against nothing, even when its report was stored with percentiles
    before incomplete drills were marked.
    """
    stored = db.session.scalar(select(DebriefReport).where(DebriefReport.drill_id == drill.id))
    if stored is None:
        stored = store_report(drill)
    report = report_from_data(stored.data)
    if legacy_debrief(report):
        report = _rewritten(drill, stored, report)
    return replace(report, percentiles=None) if drill.incomplete else report


def _rewritten(drill: Drill, stored: DebriefReport, report: Report) -> Report:
    """A report stored with bokmål sentences, its debrief written anew as messages and stored so, once.

    Should that fail (a scenario version that no longer replays), the sentences are shown as stored.
    """
    try:
        report = rewrite_debrief(drill.scenario, drill_log(drill), report)
    except Exception:  # noqa: BLE001 - the stored sentences are a working fallback
        logger.exception("debrief of drill %s not rewritten; showing its stored sentences", drill.public_id)
        return report
    stored.data = report_to_data(report)
    return report


def team_progress(drill: Drill) -> TeamProgress | None:
    """The team's development over its drills so far (same team name in the organisation), if it has two.

    Only complete drills that are not tests count; an incomplete or test drill shows no progress.
    """
    if not drill.comparable:
        return None
    query = (
        select(Drill, DebriefReport.data)
        .join(DebriefReport, DebriefReport.drill_id == Drill.id)
        .where(
            Drill.organisation_id == drill.organisation_id,
            Drill.team_name == drill.team_name,
            Drill.started_at.is_not(None),
            Drill.comparable,
        )
        .order_by(Drill.started_at)
    )
    if drill.started_at is not None:
        query = query.where(Drill.started_at <= drill.started_at)
    runs = [
        replace(report_from_data(data), started_at=run.started_at, drill_id=run.public_id)
        for run, data in db.session.execute(query)
    ]
    return compare_runs(runs) if len(runs) >= 2 else None


def drill_timeline(drill: Drill) -> Timeline:
    """The replayed timeline of the drill: every scene visit and each role's decision in it."""
    return build_timeline(drill.scenario, drill_log(drill))


def add_action_point(drill: Drill, user: User, what: str, who: str, due: date | None) -> ActionPoint:
    """Record one point of the team's improvement plan from this drill's debrief."""
    point = ActionPoint(
        drill_id=drill.id,
        organisation_id=drill.organisation_id,
        team_name=drill.team_name,
        what=what.strip(),
        who=who.strip(),
        due=due,
        created_by_id=user.id,
    )
    db.session.add(point)
    db.session.flush()
    return point


def action_points(drill: Drill) -> list[ActionPoint]:
    """The action points recorded in this drill's debrief, in the order they were agreed."""
    query = select(ActionPoint).where(ActionPoint.drill_id == drill.id).order_by(ActionPoint.id)
    return list(db.session.scalars(query))


def previous_action_points(drill: Drill) -> list[ActionPoint]:
    """The action points of the same team's most recent earlier drill that has any, in this organisation.

    A test drill's points stay with it: a practice run must not set the team's agenda.
    """
    latest = db.session.scalar(
        select(ActionPoint.drill_id)
        .join(Drill, Drill.id == ActionPoint.drill_id)
        .where(
            ActionPoint.organisation_id == drill.organisation_id,
            ActionPoint.team_name == drill.team_name,
            Drill.id != drill.id,
            Drill.created_at <= drill.created_at,
            Drill.is_test == false(),
        )
        .order_by(Drill.created_at.desc(), Drill.id.desc())
        .limit(1)
    )
    if latest is None:
        return []
    query = select(ActionPoint).where(ActionPoint.drill_id == latest).order_by(ActionPoint.id)
    return list(db.session.scalars(query))


def missing_links(scenario: Scenario, report: Report) -> list[list[str]]:
    """[holder role, role in need] for each needed item that arrived late or never, by the team's doing."""
    links = []
    for need in report.info_flow.needs:
        if need.on_time or need.via in SCENARIO_DELIVERED:
            continue
        info = scenario.info(need.info)
        for holder in info.holders if info else ():
            if holder != need.role:
                links.append([holder, need.role])
    return links


@dataclass(frozen=True)
class _CohortRow:
    started_at: datetime | None
    version: ScenarioVersion
    stored: DebriefReport


def _cohort_rows(organisation: Organisation, since: datetime) -> list[_CohortRow]:
    """Stored reports of the organisation's complete, non-test drills started since ``since``, no data."""
    query = (
        select(Drill.started_at, ScenarioVersion, DebriefReport)
        .join(DebriefReport, DebriefReport.drill_id == Drill.id)
        .join(ScenarioVersion, ScenarioVersion.id == Drill.scenario_version_id)
        .where(Drill.organisation_id == organisation.id, Drill.started_at >= since, Drill.comparable)
        .options(defer(DebriefReport.data), defer(ScenarioVersion.source))
        .order_by(Drill.started_at)
    )
    return [
        _CohortRow(started_at, version, stored) for started_at, version, stored in db.session.execute(query)
    ]


def organisation_cohort(
    organisation: Organisation, now: datetime | None = None
) -> tuple[Cohort, dict[str, str]]:
    """Monthly dimension averages per scenario over the last twelve months, with the scenarios' titles."""
    since = (now or utcnow()) - timedelta(days=365)
    rows = _cohort_rows(organisation, since)
    summaries = [replace(_summary(row.stored), started_at=row.started_at) for row in rows]
    titles = {summary.scenario_id: row.version.title for summary, row in zip(summaries, rows, strict=True)}
    return cohort(summaries, period="month"), titles


def weakest_interfaces(
    organisation: Organisation, now: datetime | None = None, limit: int = 5
) -> list[Interface]:
    """Role pairs (holder to role in need) with the most needed information that did not arrive in time."""
    since = (now or utcnow()) - timedelta(days=365)
    missing: Counter[tuple[str, str]] = Counter()
    for row in _cohort_rows(organisation, since):
        scenario = parsed_scenario(row.version.sha256)
        links = row.stored.missing_links
        if links is None:  # stored before the links were kept
            links = missing_links(scenario, report_from_data(row.stored.data))
        for holder, role in links:
            source, target = scenario.role(holder), scenario.role(role)
            if source is not None and target is not None:
                missing[(source.name, target.name)] += 1
    return [Interface(source, target, count) for (source, target), count in missing.most_common(limit)]
