"""Timely escalation: latency past the author's deadline decays, never is zero, too early is halved."""

from __future__ import annotations

import math

import pytest

from scoring import score_drill
from scoring.model import ScoringConfig
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import scene


def escalation_scenario(
    *, grace: int = 0, role: str | None = None, action: str = "melding-bvt", bti: int = 0
):
    """Three scenes on days 0, 7 and 21; the report is due in the second."""
    meta = f"bti_level: {bti}\nexpectations:\n  - action: {action}\n    due: s2\n    grace: {grace}\n"
    if role:
        meta += f"    role: {role}\n"
    first = scene(
        "s1",
        0,
        {
            "kontaktlaerer": [
                choice("meld1", "Handling: melding-bvt"),
                choice("anonym-meld", "Handling: anonym-drøfting, melding-bvt"),
                choice("niva1", "BTI: 2"),
                choice("vent1", "Handling: vente", expert=True),
            ]
        },
        next_id="s2",
        passive=("helsesykepleier", "bvt"),
    )
    second = scene(
        "s2",
        7,
        {
            "kontaktlaerer": [
                choice("meld2", "Handling: melding-bvt", expert=True),
                choice("niva2", "BTI: 2"),
                choice("vent2", "Handling: vente"),
            ],
            "helsesykepleier": [
                choice("hmeld2", "Handling: melding-bvt"),
                choice("hvent2", "Handling: vente"),
            ],
        },
        next_id="s3",
        passive=("bvt",),
    )
    third = scene(
        "s3",
        21,
        {
            "kontaktlaerer": [
                choice("meld3", "Handling: melding-bvt", expert=True),
                choice("vent3", "Handling: vente"),
            ]
        },
        passive=("helsesykepleier", "bvt"),
    )
    return build(first, second, third, meta=meta)


def play(scenario, first: str, second: str, third: str, nurse: str = "hvent2"):
    return (
        Drill(scenario)
        .choose("kontaktlaerer", first)
        .choose("kontaktlaerer", second)
        .choose("helsesykepleier", nurse)
        .choose("kontaktlaerer", third)
        .log()
    )


def escalation_of(scenario, log, config=None):
    report = score_drill(scenario, log, config=config)
    return report, report.dimension("escalation")


def test_a_team_that_never_escalates_scores_zero_and_is_capped_for_a_missed_report() -> None:
    s = escalation_scenario()
    report, dim = escalation_of(s, play(s, "vent1", "vent2", "vent3"))
    assert dim.rule_score == 0.0
    assert dim.score == 0.0 and dim.rating == "U"
    missed = [f for f in report.flags if f.code == "missed_report"]
    assert missed and missed[0].severity == "critical" and missed[0].rule == "bvl. § 13-2"
    assert report.capped and "missed_report" in report.cap_reasons
    assert report.flags[0].code == "missed_report"  # critical flags come first


def test_reporting_in_the_due_scene_scores_full() -> None:
    s = escalation_scenario()
    report, dim = escalation_of(s, play(s, "vent1", "meld2", "vent3"))
    assert dim.rule_score == 100.0
    assert dim.details["expectations"][0]["status"] == "on_time"
    assert not report.capped


def test_a_late_report_decays_exponentially_with_the_delay_past_the_deadline() -> None:
    s = escalation_scenario()
    report, dim = escalation_of(s, play(s, "vent1", "vent2", "meld3"))
    assert dim.rule_score == pytest.approx(100 * math.exp(-14 / 14), abs=0.05)
    assert any(f.code == "late_report" and f.params["late_days"] == 14 for f in report.flags)
    assert not report.capped  # late is not missed


def test_tau_is_configurable() -> None:
    s = escalation_scenario()
    _, dim = escalation_of(s, play(s, "vent1", "vent2", "meld3"), ScoringConfig(tau_days=7))
    assert dim.rule_score == pytest.approx(100 * math.exp(-2), abs=0.05)


def test_grace_scenes_move_the_deadline_to_a_later_visited_scene() -> None:
    s = escalation_scenario(grace=1)
    _, dim = escalation_of(s, play(s, "vent1", "vent2", "meld3"))
    assert dim.details["expectations"][0]["deadline_day"] == 21
    assert dim.rule_score == 100.0


def test_an_unprepared_report_before_it_is_due_is_halved_and_flagged() -> None:
    s = escalation_scenario()
    report, dim = escalation_of(s, play(s, "meld1", "vent2", "vent3"))
    assert dim.rule_score == 50.0
    assert dim.details["expectations"][0]["status"] == "early"
    assert any(f.code == "early_escalation" for f in report.flags)


def test_an_early_report_after_anonymous_consultation_is_not_halved() -> None:
    s = escalation_scenario()
    _, dim = escalation_of(s, play(s, "anonym-meld", "vent2", "vent3"))
    assert dim.rule_score == 100.0


def test_a_report_by_another_role_than_the_one_named_counts_half_and_is_flagged() -> None:
    s = escalation_scenario(role="helsesykepleier")
    report, dim = escalation_of(s, play(s, "vent1", "meld2", "vent3"))
    assert dim.rule_score == 50.0
    flag = next(f for f in report.flags if f.code == "personal_duty")
    assert flag.role == "helsesykepleier" and flag.params["done_by"] == "kontaktlaerer"
    assert flag.rule == "hpl. § 33; bvl. § 13-2"
    assert not report.capped  # the report was made, just not by the named role


def test_bti_expectations_read_the_teams_level_changes() -> None:
    s = escalation_scenario(action="bti:2")
    _, on_time = escalation_of(s, play(s, "vent1", "niva2", "vent3"))
    assert on_time.rule_score == 100.0
    _, early = escalation_of(s, play(s, "niva1", "vent2", "vent3"))
    assert early.rule_score == 50.0
    _, never = escalation_of(s, play(s, "vent1", "vent2", "vent3"))
    assert never.rule_score == 0.0


def test_a_starting_bti_level_meets_the_expectation_from_the_start() -> None:
    s = escalation_scenario(action="bti:2", bti=2)
    _, dim = escalation_of(s, play(s, "vent1", "vent2", "vent3"))
    assert dim.rule_score == 100.0


def test_expectations_not_yet_due_in_a_running_drill_are_left_out() -> None:
    s = escalation_scenario()
    in_due_scene = Drill(s).choose("kontaktlaerer", "vent1").log()  # now in s2, the report is due today
    report = score_drill(s, in_due_scene)
    assert not report.finished
    assert report.dimension("escalation").details["expectations"][0]["status"] == "pending"
    assert report.dimension("escalation").rule_score is None
    assert not any(f.code == "missed_report" for f in report.flags)
    past_due = (
        Drill(s)
        .choose("kontaktlaerer", "vent1")
        .choose("kontaktlaerer", "vent2")
        .choose("helsesykepleier", "hvent2")
    ).log()
    report = score_drill(s, past_due)  # now in s3 (day 21): the deadline has passed, the drill goes on
    assert report.dimension("escalation").rule_score == 0.0
    assert not any(f.code == "missed_report" for f in report.flags)  # only a finished drill misses a report
