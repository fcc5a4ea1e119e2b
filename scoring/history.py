"""A drill against earlier drills: percentile ranks, and one team's progress over repeated drills.

Percentile rank uses the "mean" definition (ties count half), so a team equal to everyone sits at 50.

A team's progress orders its reports by `started_at` (reports without a date keep their given order,
after the dated ones) and, per dimension and for the total:

    change = last available score − first available score
    slope  = Theil–Sen slope in points per drill (scipy.stats.theilslopes; robust with few runs)

A dimension counts as improved or declined when |change| ≥ MIN_CHANGE points. Flags are compared by
code between the first and the last run. Profile concordance is Kendall's W over runs (raters) ×
dimensions (items): a high W says the team's strengths and weaknesses stay the same from drill to
drill, so training can target them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from scipy import stats as scipy_stats

from scoring.model import DIMENSION_NAMES
from scoring.model import Report
from scoring.model import ReportSummary
from scoring.model import RunPoint
from scoring.model import TeamProgress
from scoring.stats import kendalls_w
from scoring.stats import percentile_rank

MIN_CHANGE = 5.0


def percentiles(report: Report, history: Sequence[Report | ReportSummary]) -> dict[str, float | None]:
    """Percentile rank of the report's total and of each dimension among earlier complete reports."""
    history = [r for r in history if r.complete]
    result: dict[str, float | None] = {}
    if report.total is not None:
        result["total"] = percentile_rank(report.total, [r.total for r in history if r.total is not None])
    else:
        result["total"] = None
    for dimension in report.dimensions:
        population = [s for r in history if (s := _score(r, dimension.name)) is not None]
        result[dimension.name] = (
            None if dimension.score is None else percentile_rank(dimension.score, population)
        )
    return result


def _score(report: Report | ReportSummary, name: str) -> float | None:
    if name == "total":
        return report.total
    return report.scores.get(name)


def _ordered(reports: Sequence[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (r.started_at is None, r.started_at or datetime.min))


def compare_runs(reports: Sequence[Report]) -> TeamProgress:
    """A team's improvement across repeated drills, from its reports in any order.

    Drills ended before an ending are left out: a half-played case says nothing about progress.
    """
    runs = _ordered([r for r in reports if r.complete])
    names = ("total", *DIMENSION_NAMES)
    series = {name: tuple(_score(r, name) for r in runs) for name in names}
    change: dict[str, float | None] = {}
    slope: dict[str, float | None] = {}
    for name, values in series.items():
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        change[name] = round(points[-1][1] - points[0][1], 1) if len(points) >= 2 else None
        if len(points) >= 2:
            x, y = zip(*points, strict=True)
            slope[name] = float(scipy_stats.theilslopes(y, x).slope)
        else:
            slope[name] = None
    improved = tuple(n for n in names if (change[n] or 0.0) >= MIN_CHANGE)
    declined = tuple(n for n in names if (change[n] or 0.0) <= -MIN_CHANGE)
    first = {f.code for f in runs[0].flags} if runs else set()
    last = {f.code for f in runs[-1].flags} if runs else set()
    concordance = None
    complete = [n for n in DIMENSION_NAMES if all(v is not None for v in series[n])]
    if len(runs) >= 2 and len(complete) >= 2:
        table = np.array([[series[n][i] for n in complete] for i in range(len(runs))], dtype=float)
        result = kendalls_w(table)
        concordance = None if np.isnan(result.statistic) else result
    return TeamProgress(
        runs=tuple(
            RunPoint(r.drill_id, r.scenario_id, r.started_at, r.total, r.rating, r.capped) for r in runs
        ),
        series=series,
        change=change,
        slope=slope,
        improved=improved,
        declined=declined,
        flags_resolved=tuple(sorted(first - last)),
        flags_persistent=tuple(sorted(first & last)),
        flags_new=tuple(sorted(last - first)),
        profile_concordance=concordance,
    )
