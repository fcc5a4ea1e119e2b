"""A tiny run of `bench/monotonicity.py`: it samples paths, switches one role to the expert, and reports."""

from __future__ import annotations

from bench.monotonicity import Comparison
from bench.monotonicity import ScenarioResult
from bench.monotonicity import Switch
from bench.monotonicity import main
from bench.monotonicity import measure
from bench.monotonicity import report
from tests.scoring.conftest import LIBRARY
from tests.scoring.conftest import library


def test_a_small_sample_compares_switches_to_the_expert_choice():
    result = measure(library("ingen-holder-stafetten"), samples=1, seed=3, max_switches=3)
    assert 0 < len(result.comparisons) <= 3
    for comparison in result.comparisons:
        assert comparison.switch.chosen != comparison.switch.expert
        assert 0 <= comparison.before <= 100 and 0 <= comparison.after <= 100
    assert 0.0 <= result.rate <= 1.0
    assert report(result)[0].startswith("ingen-holder-stafetten: ")


def test_the_report_lists_each_exception_with_scene_role_choices_and_totals():
    result = ScenarioResult(
        "x",
        [
            Comparison(Switch("mandag", "bvt", "vent", "meld"), 80.0, 70.5, True, (("parents", -20.0),)),
            Comparison(Switch("tirsdag", "ppt", "a", "b"), 60.0, 61.0, False),
        ],
    )
    lines = report(result)
    assert lines[0] == "x: 2 switches, monotone 50.0%; with the same scenes 1 switches, monotone 0.0%"
    assert lines[1:] == ["  mandag / bvt: vent -> meld: 80.0 -> 70.5 [parents -20.0]"]


def test_the_bench_exits_non_zero_when_it_measured_nothing(tmp_path, capsys):
    broken = tmp_path / "brukket.md"
    broken.write_text("---\nid: brukket\n---\n", encoding="utf-8")
    assert main(["1", "1", str(broken)]) == 1
    assert "has errors, skipped" in capsys.readouterr().out


def test_the_bench_exits_zero_when_it_measured(capsys):
    assert main(["1", "2", str(LIBRARY / "fravaer-og-hodepine.md")]) == 0
    assert "fravaer-og-hodepine:" in capsys.readouterr().out
