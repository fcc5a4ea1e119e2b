"""The request-cost bench in miniature: it measures every path on today's pages, and fails if it cannot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "request_cost.py"
TINY = ["--requests", "10", "--warmup", "2"]
# The pattern the bench used while choices were buttons: it no longer matches today's choice form.
STALE_PATTERN = r'<form method="post" action="([^"]+/choose)" class="choices">(.*?)</form>'


def _bench(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the bench (or ``code`` that drives it) in its own process, as a person would."""
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, str(BENCH), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)


def test_the_tiny_bench_times_health_checks_polls_and_accepted_choices():
    result = _bench(*TINY)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr[-3000:]
    for kind in ("healthz", "poll 304", "poll 200", "choose 303", "page 200"):
        line = next(line for line in out.splitlines() if line.strip().startswith(kind))
        median, mean, count = re.search(r"(\d+) /\s+(\d+)\s+\(n=(\d+)\)", line).groups()
        assert int(median) > 0 and int(mean) > 0 and int(count) == 10, line
    assert re.search(r"poll 304 / healthz: \d+\.\d\d×", out)
    assert re.search(r"poll 304 req/s / healthz req/s: \d+\.\d\d \(target ≥ 0\.5\)", out)
    assert int(out.split("choices: accepted ")[1].split()[0]) >= 10
    assert out.rstrip().endswith("OK")


def test_the_bench_fails_when_it_cannot_find_the_choice_form():
    code = (
        "import re, sys; sys.path.insert(0, 'bench'); import request_cost; "
        f"request_cost._CHOICE_FORM = re.compile(r'''{STALE_PATTERN}''', re.S); "
        "sys.exit(request_cost.main(sys.argv[1:]))"
    )
    result = _bench(*TINY, code=code)
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "choose 303  no samples" in result.stdout
    assert "FAILED: choose 303: no samples; page 200: no samples; no choice was accepted" in result.stdout


def test_the_bench_fails_when_the_unchanged_poll_costs_more_than_allowed():
    result = _bench(*TINY, "--max-poll-ratio", "0.01")
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "FAILED: poll 304 / healthz above 0.01" in result.stdout
