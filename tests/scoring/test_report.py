"""Whole reports: the expert path scores high, random drills stay in range, weights and the cap, purity."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from scoring import DIMENSIONS
from scoring import WEIGHTS
from scoring import score_drill
from scoring.model import DIMENSION_NAMES
from scoring.model import DrillLog
from scoring.paths import expert_events
from scoring.paths import random_events
from tests.scoring.conftest import LIBRARY_NAMES
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import library
from tests.scoring.conftest import scene

ROOT = Path(__file__).resolve().parents[2]


def test_the_registry_holds_the_seven_dimensions_as_plain_functions() -> None:
    assert tuple(DIMENSIONS) == DIMENSION_NAMES
    assert all(callable(f) for f in DIMENSIONS.values())
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert WEIGHTS["alignment"] == 0.0


def test_the_expert_path_scores_high_on_every_built_in_scenario(library_scenario) -> None:
    report = score_drill(library_scenario, DrillLog.of(expert_events(library_scenario)))
    assert report.finished and report.outcome == "good"
    assert not report.critical_flags and not report.capped
    assert report.total >= 90 and report.rating == "P"
    for dimension in report.dimensions:
        assert dimension.score is None or dimension.score >= 85, (
            dimension.name,
            dimension.score,
            dimension.details,
        )
    assert report.expert.share == 1.0
    assert report.skipped_events == 0


def test_a_random_team_scores_below_the_expert_on_average(library_scenario) -> None:
    expert = score_drill(library_scenario, DrillLog.of(expert_events(library_scenario))).total
    totals = [
        score_drill(library_scenario, DrillLog.of(random_events(library_scenario, random.Random(seed)))).total
        for seed in range(12)
    ]
    assert sum(totals) / len(totals) < expert - 20


@pytest.mark.parametrize("name", LIBRARY_NAMES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_random_valid_drills_stay_in_range_and_never_raise(name, rng) -> None:
    scenario = library(name)
    report = score_drill(scenario, DrillLog.of(random_events(scenario, rng)))
    for dimension in report.dimensions:
        assert dimension.score is None or 0.0 <= dimension.score <= 100.0
        assert (dimension.score is None) == (dimension.rating is None)
    assert report.total is None or 0.0 <= report.total <= 100.0
    if report.capped:
        assert report.total <= 50.0 and report.cap_reasons
    assert [p.name for p in report.debrief.phases] == ["reactions", "description", "analysis", "summary"]
    assert all(0.0 <= (r.ownership_share or 0.0) <= 1.0 for r in report.roles)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["choose", "answer", "inject", "advance", "timeout", "nonsense"]),
                "role": st.sampled_from(["kontaktlaerer", "helsesykepleier", "bvt", "ppt", "ukjent"]),
                "choice": st.text(max_size=12),
                "at": st.one_of(st.none(), st.floats(allow_nan=True), st.integers(), st.text(max_size=3)),
            }
        ),
        max_size=25,
    )
)
def test_garbage_events_are_skipped_not_fatal(events) -> None:
    scenario = library(LIBRARY_NAMES[0])
    report = score_drill(scenario, DrillLog.of(events))
    assert report.skipped_events <= len(events)
    assert all(d.score is None or 0 <= d.score <= 100 for d in report.dimensions)


def test_weights_are_merged_over_the_defaults_and_validated() -> None:
    scenario = library(LIBRARY_NAMES[0])
    log = DrillLog.of(random_events(scenario, random.Random(5)))
    default = score_drill(scenario, log)
    only_alignment = score_drill(scenario, log, weights={name: 0.0 for name in WEIGHTS} | {"alignment": 1.0})
    expected = default.dimension("alignment").score
    if default.capped:
        expected = min(expected, 50.0)
    assert only_alignment.total == pytest.approx(expected, abs=0.05)
    assert default.weights == WEIGHTS
    with pytest.raises(ValueError, match="unknown dimension"):
        score_drill(scenario, log, weights={"speed": 1.0})
    with pytest.raises(ValueError, match="negative"):
        score_drill(scenario, log, weights={"escalation": -1.0})


def test_the_composite_renormalises_over_the_dimensions_that_apply() -> None:
    lone = build(
        scene(
            "s1",
            0,
            {"kontaktlaerer": [choice("vent", "Handling: vente", expert=True)]},
            passive=("helsesykepleier", "bvt"),
        ),
        infos="",
    )
    report = score_drill(lone, Drill(lone).choose("kontaktlaerer", "vent").log())
    applicable = [d for d in report.dimensions if d.score is not None and WEIGHTS[d.name] > 0]
    expected = sum(WEIGHTS[d.name] * d.score for d in applicable) / sum(WEIGHTS[d.name] for d in applicable)
    assert report.total == pytest.approx(expected, abs=0.05)
    assert report.dimension("escalation").score is None  # no expectations, no annotations: not applicable


def test_an_unfinished_drill_is_scored_as_far_as_it_went() -> None:
    scenario = library("fravaer-og-hodepine")
    events = expert_events(scenario)[:3]
    report = score_drill(scenario, DrillLog.of(events))
    assert not report.finished and report.ending is None
    assert report.debrief.phase("description").findings[0].text.startswith("Ufullstendig øvelse")
    assert not report.complete


def test_decision_latency_counts_from_the_start_of_the_scene() -> None:
    scenario = build(
        scene(
            "s1",
            0,
            {
                "kontaktlaerer": [choice("a", expert=True)],
                "helsesykepleier": [choice("b", expert=True)],
            },
            next_id="s2",
            passive=("bvt",),
        ),
        scene("s2", 1, {"kontaktlaerer": [choice("c", expert=True)]}, passive=("helsesykepleier", "bvt")),
    )
    log = (
        Drill(scenario)
        .choose("kontaktlaerer", "a", 30)
        .choose("helsesykepleier", "b", 60)
        .choose("kontaktlaerer", "c", 20)
        .log()
    )
    roles = {r.role: r for r in score_drill(scenario, log).roles}
    assert roles["kontaktlaerer"].latency_median_s == pytest.approx(
        (30 + 20) / 2
    )  # 30 s, then 20 s after s2 began
    assert roles["helsesykepleier"].latency_mean_s == pytest.approx(90)
    assert roles["bvt"].choices == 0 and roles["bvt"].latency_median_s is None
    assert roles["kontaktlaerer"].expert_agreement == 1.0


def test_import_scoring_pulls_in_no_flask_and_no_sqlalchemy() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import scoring, sys; assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_no_scoring_module_imports_flask_sqlalchemy_or_the_app() -> None:
    forbidden = re.compile(r"^\s*(from|import)\s+(flask|flask_\w+|sqlalchemy|app)\b", re.MULTILINE)
    for path in (ROOT / "scoring").glob("*.py"):
        assert not forbidden.search(path.read_text(encoding="utf-8")), path
