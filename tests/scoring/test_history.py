"""Drills against earlier drills: percentiles, a team's progress, cohorts over time, and storage."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest

from scoring import cohort
from scoring import compare_runs
from scoring import latency_survival
from scoring import score_drill
from scoring.model import DimensionScore
from scoring.model import DrillLog
from scoring.model import Flag
from scoring.paths import expert_events
from scoring.paths import random_events
from scoring.stats import percentile_rank
from scoring.storage import report_from_data
from scoring.storage import report_to_data
from tests.scoring.conftest import library


@pytest.fixture(scope="module")
def scenario():
    return library("fravaer-og-hodepine")


@pytest.fixture(scope="module")
def base(scenario):
    return score_drill(scenario, DrillLog.of(random_events(scenario, random.Random(1))))


def synthetic(base, total: float, scores: dict[str, float | None], **fields):
    """A copy of `base` with the given total and dimension scores (others left as they were)."""
    dimensions = tuple(
        replace(d, score=scores.get(d.name, d.score)) if d.name in scores else d for d in base.dimensions
    )
    return replace(base, total=total, dimensions=dimensions, **fields)


def test_percentiles_rank_the_drill_among_earlier_drills_of_the_same_scenario(scenario) -> None:
    history = [
        score_drill(scenario, DrillLog.of(random_events(scenario, random.Random(s)))) for s in range(8)
    ]
    other = replace(history[0], scenario_id="et-annet-scenario", total=100.0)
    report = score_drill(scenario, DrillLog.of(expert_events(scenario)), history=[*history, other])
    assert report.percentiles["total"] == pytest.approx(
        percentile_rank(report.total, [h.total for h in history])
    )
    escalation = [h.dimension("escalation").score for h in history]
    assert report.percentiles["escalation"] == pytest.approx(
        percentile_rank(report.dimension("escalation").score, escalation)
    )
    assert score_drill(scenario, DrillLog.of(expert_events(scenario))).percentiles is None


def test_compare_runs_orders_by_date_and_reports_change_trend_and_flags(base) -> None:
    critical = Flag("missed_report", "critical", "bvl. § 13-2", None, None, None, "escalation")
    warning = Flag("late_report", "warning", "bvl. § 13-2", None, None, None, "escalation")
    runs = [
        synthetic(
            base,
            70.0,
            {"escalation": 60.0, "ownership": 80.0},
            started_at=datetime(2025, 3, 1),
            flags=(warning,),
        ),
        synthetic(
            base,
            40.0,
            {"escalation": 20.0, "ownership": 90.0},
            started_at=datetime(2025, 1, 1),
            flags=(critical, warning),
        ),
        synthetic(
            base,
            55.0,
            {"escalation": 40.0, "ownership": 85.0},
            started_at=datetime(2025, 2, 1),
            flags=(critical,),
        ),
    ]
    progress = compare_runs(runs)
    assert [r.total for r in progress.runs] == [40.0, 55.0, 70.0]
    assert progress.series["escalation"] == (20.0, 40.0, 60.0)
    assert progress.change["total"] == 30.0 and progress.change["ownership"] == -10.0
    assert progress.slope["escalation"] == pytest.approx(20.0)
    assert "escalation" in progress.improved and "ownership" in progress.declined
    assert progress.flags_resolved == ("missed_report",)
    assert progress.flags_persistent == ("late_report",)
    assert progress.flags_new == ()


def test_profile_concordance_is_high_when_every_run_has_the_same_strengths(base) -> None:
    profile = {name: float(10 * i) for i, name in enumerate(("escalation", "information", "ownership"))}
    runs = [synthetic(base, 50.0 + i, {k: v + i for k, v in profile.items()}) for i in range(4)]
    progress = compare_runs(runs)
    assert progress.profile_concordance is not None
    assert progress.profile_concordance.statistic == pytest.approx(1.0)
    assert compare_runs(runs[:1]).profile_concordance is None


def test_cohort_aggregates_per_scenario_and_month_like_a_naive_computation(base) -> None:
    rng = np.random.default_rng(7)
    reports = []
    for i in range(300):
        when = datetime(2025, 1 + i % 3, 1 + i % 27) if i % 10 else None
        scores = {
            "escalation": float(rng.uniform(0, 100)),
            "parents": None if i % 4 == 0 else float(rng.uniform(0, 100)),
        }
        reports.append(
            synthetic(
                base,
                float(rng.uniform(0, 100)),
                scores,
                started_at=when,
                scenario_id=("a", "b")[i % 2],
                capped=bool(i % 5 == 0),
            )
        )
    result = cohort(reports)
    assert sum(row.n for row in result.rows) == 300
    assert [r.period for r in result.for_scenario("a")] == ["2025-01", "2025-02", "2025-03", "ukjent"]
    for row in result.rows:
        group = [
            r
            for r in reports
            if r.scenario_id == row.scenario_id
            and (r.started_at.strftime("%Y-%m") if r.started_at else "ukjent") == row.period
        ]
        assert row.n == len(group)
        totals = [r.total for r in group]
        assert row.mean["total"] == pytest.approx(np.mean(totals), abs=0.01)
        assert row.median["total"] == pytest.approx(np.median(totals), abs=0.01)
        parents = [r.dimension("parents").score for r in group if r.dimension("parents").score is not None]
        assert row.p75["parents"] == pytest.approx(np.percentile(parents, 75), abs=0.01)
        assert row.capped_rate == pytest.approx(np.mean([r.capped for r in group]))


def test_cohort_periods_and_edge_cases(base) -> None:
    report = replace(base, started_at=datetime(2025, 2, 14))
    assert cohort([report], period="week").rows[0].period == "2025-W07"
    assert cohort([report], period="quarter").rows[0].period == "2025-Q1"
    assert cohort([]).rows == ()
    with pytest.raises(ValueError, match="unknown period"):
        cohort([report], period="fortnight")
    never = replace(
        base, dimensions=tuple(replace(d, score=None) if d.name == "parents" else d for d in base.dimensions)
    )
    assert cohort([never]).rows[0].mean["parents"] is None


def test_a_report_survives_json_storage(scenario) -> None:
    log = DrillLog.of(
        random_events(scenario, random.Random(4)),
        drill_id="d-1",
        team_id="t-1",
        started_at=datetime(2025, 5, 2, 9, 30),
    )
    report = score_drill(scenario, log)
    data = json.loads(json.dumps(report_to_data(report), ensure_ascii=False))
    back = report_from_data(data)
    assert back.total == report.total and back.rating == report.rating
    assert back.started_at == datetime(2025, 5, 2, 9, 30)
    assert [d.score for d in back.dimensions] == [d.score for d in report.dimensions]
    assert isinstance(back.dimensions[0], DimensionScore)
    assert [f.code for f in back.flags] == [f.code for f in report.flags]
    assert back.debrief.findings[0].text == report.debrief.findings[0].text
    assert report_to_data(back) == data
    assert compare_runs([back, report]).change["total"] == 0.0


def test_latency_survival_is_kaplan_meier_with_never_done_drills_censored(base) -> None:
    def drill(items):
        dimensions = tuple(
            replace(d, details={**d.details, "expectations": items}) if d.name == "escalation" else d
            for d in base.dimensions
        )
        return replace(base, dimensions=dimensions)

    def item(status, latency=None, censored=None, role=None):
        return {
            "action": "report_bvt",
            "role": role,
            "status": status,
            "latency_days": latency,
            "censored_days": censored,
        }

    reports = [
        drill([item("on_time", 0)]),
        drill([item("early", -3)]),  # early counts as day 0
        drill([item("late", 7)]),
        drill([item("late", 14)]),
        drill([item("never", censored=21)]),
        drill([item("never", censored=21)]),
        drill([item("pending")]),  # a running drill says nothing yet
        replace(drill([item("late", 1)]), scenario_id="et-annet"),
    ]
    curve = latency_survival(reports, base.scenario_id, "report_bvt")
    # By hand: 6 teams; day 0 two of six act (4/6 left), day 7 one of four (1/2), day 14 one of three (1/3).
    assert (curve.n, curve.events) == (6, 4)
    assert curve.days == (0.0, 7.0, 14.0, 21.0)
    assert curve.waiting == pytest.approx((4 / 6, 0.5, 1 / 3, 1 / 3))
    assert curve.median_days == 7.0
    assert latency_survival(reports, base.scenario_id, "report_police").n == 0
    assert latency_survival(reports, base.scenario_id, "report_bvt", role="bvt").n == 0


def test_summaries_stand_in_for_full_reports(scenario):
    from scoring.history import percentiles
    from scoring.storage import summarise
    from scoring.storage import summary_from_data
    from scoring.storage import summary_to_data

    reports = [
        replace(
            score_drill(scenario, DrillLog.of(random_events(scenario, random.Random(seed)))),
            started_at=datetime(2026, 1 + seed % 3, 10),
        )
        for seed in range(12)
    ]
    summaries = [summary_from_data(json.loads(json.dumps(summary_to_data(summarise(r))))) for r in reports]
    assert summaries[0].scores == reports[0].scores and summaries[0].total == reports[0].total
    assert cohort(summaries) == cohort(reports)
    assert percentiles(reports[0], summaries[1:]) == percentiles(reports[0], reports[1:])
