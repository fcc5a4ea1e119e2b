"""The parser/checker bench in miniature: it checks a generated scenario and prints every figure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_tiny_bench_parses_and_checks_the_library_and_a_generated_scenario():
    command = [sys.executable, str(ROOT / "bench" / "scenarios.py"), "--scenes", "12", "--repeat", "1"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "generated scenario: 12 scenes" in result.stdout and ", 0 errors" in result.stdout
    figures = [float(x) for x in re.findall(r":\s+([\d.]+) ms", result.stdout)]
    assert len(figures) == 4 and all(f > 0 for f in figures), result.stdout


def test_a_generated_scenario_that_does_not_check_fails_the_bench(monkeypatch, capsys):
    from bench import scenarios as bench

    monkeypatch.setattr(bench, "generated_scenario", lambda scenes: "# Ikke et scenario\n")
    assert bench.main(["--scenes", "2", "--repeat", "1"]) == 1
    assert "does not check" in capsys.readouterr().err
