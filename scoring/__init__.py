"""Score a drill: plain data in (the scenario and the stored events), a frozen `Report` out.

This package is pure: it imports the scenario model and runtime, numpy and scipy, and never Flask,
SQLAlchemy or the app. `app/debrief/services.py` is the adapter that loads the rows, builds a
`DrillLog`, calls `score_drill` and renders the result.

    report = score_drill(scenario, DrillLog.of(events, drill_id="42", team_id="7"), history=earlier)

The formulas are documented where they live: `scoring.dimensions` (the seven dimensions, one
module each), `scoring.lawful` (the legal rules for sharing, by role service; sources in
docs/scoring-rules.md),
`scoring.annotations` (how the authors' annotations are blended in), `scoring.composite` (weights,
cap and rating), `scoring.stats` (agreement statistics), `scoring.infoflow` (the sharing graph),
`scoring.history` (percentiles and a team's progress), `scoring.cohort` (aggregates over time and
Kaplan–Meier latency curves), `scoring.storage` (reports to and from JSON) and `scoring.paths` (the
expert path and random drills, played by machine).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import replace

from scenarios.model import Scenario
from scoring.cohort import cohort
from scoring.cohort import latency_survival
from scoring.composite import WEIGHTS
from scoring.composite import cap
from scoring.composite import composite
from scoring.composite import merged_weights
from scoring.composite import overall_rating
from scoring.debrief import build_debrief
from scoring.dimensions import DIMENSIONS
from scoring.dimensions import scene_agreement
from scoring.history import compare_runs
from scoring.history import percentiles
from scoring.infoflow import info_flow
from scoring.model import CRITICAL
from scoring.model import DrillLog
from scoring.model import Report
from scoring.model import ReportSummary
from scoring.model import ScoringConfig
from scoring.roles import expert_comparison
from scoring.roles import role_contributions
from scoring.storage import legacy_debrief
from scoring.timeline import build_timeline

__all__ = [
    "DIMENSIONS",
    "WEIGHTS",
    "DrillLog",
    "Report",
    "ReportSummary",
    "ScoringConfig",
    "cohort",
    "compare_runs",
    "latency_survival",
    "rewrite_debrief",
    "score_drill",
]


def score_drill(
    scenario: Scenario,
    log: DrillLog,
    *,
    weights: Mapping[str, float] | None = None,
    history: Iterable[Report | ReportSummary] = (),
    config: ScoringConfig | None = None,
) -> Report:
    """Score one drill of `scenario`; earlier reports of it in `history` add percentile ranks.

    :raise ValueError: on unknown or negative weights, or a scenario without scenes.
    """
    used_weights = merged_weights(weights)
    timeline = build_timeline(scenario, log, config)
    dimensions = tuple(DIMENSIONS[name](scenario, timeline) for name in DIMENSIONS)
    flags = tuple(
        sorted(
            (f for d in dimensions for f in d.flags),
            key=lambda f: (f.severity != CRITICAL, f.day if f.day is not None else 10**9, f.code),
        )
    )
    uncapped = composite(dimensions, used_weights)
    total, capped, reasons = cap(uncapped, flags, timeline.config.cap)
    total = None if total is None else round(total, 1)
    divergent = sorted(
        scene_agreement(scenario, timeline),
        key=lambda s: (-s.excess_entropy, -s.normalised_entropy, s.day),
    )
    final = timeline.final
    report = Report(
        scenario_id=scenario.meta.id,
        scenario_version=scenario.meta.version,
        dimensions=dimensions,
        total=total,
        capped=capped,
        cap_reasons=reasons,
        rating=overall_rating(total, flags),
        flags=flags,
        roles=role_contributions(scenario, timeline),
        info_flow=info_flow(scenario, timeline),
        divergent_scenes=tuple(divergent),
        expert=expert_comparison(scenario, timeline),
        weights=used_weights,
        drill_id=log.drill_id,
        team_id=log.team_id,
        started_at=log.started_at,
        ending=final["ending"],
        outcome=final["rating"],
        finished=timeline.finished,
        skipped_events=len(timeline.skipped),
        complete=timeline.finished,
        uncapped_total=None if uncapped is None else round(uncapped, 1),
    )
    earlier = [r for r in history if r.scenario_id == scenario.meta.id and r.complete]
    if earlier:
        report = replace(report, percentiles=percentiles(report, earlier))
    return replace(report, debrief=build_debrief(scenario, timeline, report))


def rewrite_debrief(scenario: Scenario, log: DrillLog, report: Report) -> Report:
    """The report with its debrief written anew as messages, if it was stored as bokmål sentences.

    The stored scores, flags and divergent scenes stay as they were scored; only the words are
    derived again, from them and the drill's events, so an old report reads in any language.
    """
    if not legacy_debrief(report):
        return report
    return replace(report, debrief=build_debrief(scenario, build_timeline(scenario, log), report))
