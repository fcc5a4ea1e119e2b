"""The live drill benchmark in miniature: it must pass on today's pages, and fail when it measures nothing.

Twelve participants play three drills through the real pages of `laget serve` (two gunicorn workers),
one worker is SIGKILLed mid-run, and the bench checks that every drill finished and that every choice
acknowledged as "registrert" is in the event log. The latency targets are left to the full run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "live_drill.py"
TINY = [
    "--participants", "12", "--drills", "3", "--workers", "2", "--threads", "2",
    "--poll", "0.5", "--think-min", "0.1", "--think-max", "0.3",
    "--target-ms", "0", "--throughput-seconds", "0.5",
]  # fmt: skip
# The pattern the bench used while choices were buttons: it no longer matches today's choice form.
STALE_PATTERN = r'<form method="post" action="([^"]+/choose)" class="choices">(.*?)</form>'


def _bench(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the bench (or ``code`` that drives it) in its own process, as a person would."""
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, str(BENCH), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)


def test_the_tiny_bench_plays_every_drill_to_the_end_and_loses_nothing_when_a_worker_is_killed():
    result = _bench(*TINY, "--seconds", "25", "--kill-at", "3")
    out = result.stdout
    assert result.returncode == 0, out + result.stderr[-3000:]
    assert "killed worker" in out and "a new one was up" in out
    assert "drills started 3, ended 3" in out
    assert "missing from the event log 0; events stored twice 0" in out
    accepted = int(out.split("choices accepted: ")[1].split()[0])
    assert accepted >= 6
    assert out.rstrip().endswith("OK")


def test_the_bench_fails_when_it_cannot_find_the_choice_form():
    code = (
        "import re, sys; sys.path.insert(0, 'bench'); import live_drill; "
        f"live_drill._CHOICE_FORM = re.compile(r'''{STALE_PATTERN}''', re.S); "
        "sys.exit(live_drill.main(sys.argv[1:]))"
    )
    result = _bench(*TINY, "--seconds", "6", "--finish-seconds", "2", code=code)
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "FAILED: no choices were measured" in result.stdout
    assert "screens asked for a choice without a usable choice form" in result.stdout
    assert "drills that could finish did not" in result.stdout


def test_the_curve_runs_each_size_and_prints_one_row_per_size():
    result = _bench(*TINY, "--curve", "6,12", "--seconds", "10")
    out = result.stdout
    assert result.returncode == 0, out + result.stderr[-3000:]
    rows = [line for line in out.splitlines() if line.strip().startswith(("6 |", "12 |"))]
    assert [row.split("|")[0].strip() for row in rows] == ["6", "12"]
    # Drills in the Valdres day's proportion (190 teams for 750 people), each played to its end.
    assert [row.split("|")[1].strip() for row in rows] == ["2", "3"]
    assert all(row.split("|")[8].strip() in ("2/2", "3/3") and row.rstrip().endswith("OK") for row in rows)
