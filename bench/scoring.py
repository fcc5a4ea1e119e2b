"""Benchmark the scoring library.

Prints (1) the time to score one drill (median of N runs; target under 50 ms) on each built-in
scenario's expert path and on a seeded random path, with the first call on a freshly loaded scenario
beside it (that call also plays the expert path once, for the ownership reference), and (2) the time
to build the cohort view over 10,000 synthetic stored reports (target under 5 s).
Run: `python bench/scoring.py [runs]`.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenarios.check import check_file  # noqa: E402
from scoring import cohort  # noqa: E402
from scoring import score_drill  # noqa: E402
from scoring.model import DrillLog  # noqa: E402
from scoring.paths import expert_events  # noqa: E402
from scoring.paths import random_events  # noqa: E402

TARGET_DRILL_MS = 50.0
TARGET_COHORT_S = 5.0
COHORT_SIZE = 10_000


def median_ms(fn, runs: int) -> float:
    """Median wall time of `runs` calls, in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def synthetic_reports(templates, n: int, seed: int = 1) -> list:
    """`n` stored reports: real reports with jittered scores, dates over two years and mixed scenarios."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    reports = []
    for i in range(n):
        template = templates[i % len(templates)]
        dimensions = tuple(
            replace(d, score=None if d.score is None else min(100.0, max(0.0, d.score + rng.gauss(0, 15))))
            for d in template.dimensions
        )
        total = None if template.total is None else min(100.0, max(0.0, template.total + rng.gauss(0, 15)))
        reports.append(
            replace(
                template,
                dimensions=dimensions,
                total=total,
                started_at=start + timedelta(hours=rng.randrange(2 * 365 * 24)),
                drill_id=str(i),
            )
        )
    return reports


def main(runs: int = 30) -> int:
    ok = True
    templates = []
    print(f"Score one drill (median of {runs} runs, target < {TARGET_DRILL_MS:.0f} ms)")
    for path in sorted((ROOT / "scenarios" / "library").glob("*.md")):
        scenario = check_file(path).scenario
        for label, events in (
            ("expert", expert_events(scenario)),
            ("random", random_events(scenario, random.Random(7))),
        ):
            log = DrillLog.of(events)
            ms = median_ms(lambda scenario=scenario, log=log: score_drill(scenario, log), runs)
            report = score_drill(scenario, log)
            templates.append(report)
            fresh = check_file(path).scenario  # a new object: the expert reference is computed again
            start = time.perf_counter()
            score_drill(fresh, log)
            cold = 1000 * (time.perf_counter() - start)
            mark = "ok" if ms < TARGET_DRILL_MS else "SLOW"
            ok &= ms < TARGET_DRILL_MS
            print(
                f"  {path.stem:28} {label:6} {len(events):3} events  {ms:7.2f} ms  "
                f"(first call {cold:6.2f} ms)  total {report.total!s:>5}  {mark}"
            )
    reports = synthetic_reports(templates, COHORT_SIZE)
    start = time.perf_counter()
    view = cohort(reports)
    seconds = time.perf_counter() - start
    ok &= seconds < TARGET_COHORT_S
    mark = "ok" if seconds < TARGET_COHORT_S else "SLOW"
    print(
        f"Cohort view over {COHORT_SIZE:,} stored reports: {seconds:.3f} s "
        f"({len(view.rows)} scenario-months; target < {TARGET_COHORT_S:.0f} s)  {mark}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
