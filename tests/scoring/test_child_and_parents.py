"""The child's voice and parent involvement, including the abuse case where parents must not go first."""

from __future__ import annotations

import pytest

from scoring import score_drill
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import scene


def voice_scenario(parents: str = "indicated"):
    first = scene(
        "s1",
        0,
        {
            "kontaktlaerer": [
                choice("apen", "Handling: samtale-barn (åpne spørsmål)", expert=True),
                choice("ledende", "Handling: samtale-barn (ledende)"),
                choice("dokumenter", "Handling: dokumentere"),
                choice("meld", "Handling: melding-bvt"),
            ],
            "helsesykepleier": [
                choice("h-apen", "Handling: samtale-barn (åpne spørsmål)"),
                choice("h-ledende", "Handling: samtale-barn (ledende)"),
                choice("h-vent", "Handling: vente", expert=True),
            ],
        },
        next_id="s2",
        passive=("bvt",),
    )
    second = scene(
        "s2",
        7,
        {
            "kontaktlaerer": [
                choice("meld2", "Handling: melding-bvt", expert=True),
                choice("vent2", "Handling: vente"),
            ]
        },
        passive=("helsesykepleier", "bvt"),
    )
    return build(first, second, meta=f"parents: {parents}\n")


def voice(scenario, teacher: str, nurse: str, later: str = "meld2"):
    log = Drill(scenario).choose("kontaktlaerer", teacher).choose("helsesykepleier", nurse)
    report = score_drill(scenario, log.choose("kontaktlaerer", later).log())
    return report, report.dimension("child_voice")


def test_hearing_the_child_openly_before_the_report_scores_full() -> None:
    _, dim = voice(voice_scenario(), "apen", "h-vent")
    assert (dim.details["heard"], dim.details["quality"], dim.details["repeats"]) == (1.0, 1.0, 1.0)
    assert dim.rule_score == 100.0


def test_a_report_before_anyone_heard_the_child_scores_low() -> None:
    _, dim = voice(voice_scenario(), "meld", "h-vent", later="vent2")
    assert dim.details["heard"] == 0.0 and dim.details["quality"] is None
    # Nobody talked with the child, so "not interviewed twice" is no evidence of anything.
    assert dim.details["repeats"] is None and dim.rule_score == 0.0


def test_hearing_in_the_same_scene_as_the_decision_counts() -> None:
    _, dim = voice(voice_scenario(), "meld", "h-apen", later="vent2")
    assert dim.details["heard"] == 1.0


def test_leading_questions_are_flagged_and_lower_quality() -> None:
    report, dim = voice(voice_scenario(), "ledende", "h-apen")
    assert dim.details["quality"] == 0.5
    flag = next(f for f in report.flags if f.code == "leading_questions")
    assert flag.role == "kontaktlaerer" and flag.severity == "warning"


def test_several_roles_interviewing_the_child_are_flagged_as_repeated_interviews() -> None:
    report, dim = voice(voice_scenario(), "ledende", "h-ledende")
    flag = next(f for f in report.flags if f.code == "repeated_interviews")
    # Neither is child welfare: the flag sits on the one who interviewed after the other already had.
    assert flag.role == "helsesykepleier"
    assert flag.params["roles"] == ("helsesykepleier", "kontaktlaerer")
    assert dim.details["repeats"] == 0.5


def test_in_an_abuse_case_open_talks_are_no_repeated_interviews_and_documenting_is_hearing() -> None:
    # Only talks the author tags investigative (`utforskende`) or leading are interviews.
    report, dim = voice(voice_scenario("contraindicated"), "apen", "h-apen")
    assert not any(f.code == "repeated_interviews" for f in report.flags)
    assert dim.details["repeats"] == 1.0
    _, documented = voice(voice_scenario("contraindicated"), "dokumenter", "h-vent")
    assert documented.details["heard"] == 1.0
    assert documented.rule_score == 100.0


def parents_scenario(parents: str = "indicated", police: bool = False):
    meta = f"parents: {parents}\nsettings:\n  decision_deadline_days: 14\n"
    if police:
        meta += "expectations:\n  - action: melding-politi\n    due: s2\n    role: bvt\n"
    first = scene(
        "s1",
        0,
        {
            "kontaktlaerer": [
                choice("forberedt", "Handling: samtale-foreldre (forberedt), samtykke", expert=True),
                choice("uforberedt", "Handling: samtale-foreldre (uforberedt)"),
                choice("meld", "Handling: melding-bvt"),
                choice("tiltak", "Tiltak: læring"),
                choice("vent", "Handling: vente"),
            ]
        },
        next_id="s2",
        passive=("helsesykepleier", "bvt"),
    )
    second = scene(
        "s2",
        21,
        {
            "bvt": [
                choice("politi", "Handling: melding-politi", expert=True),
                choice("b-vent", "Handling: vente"),
            ],
            "kontaktlaerer": [
                choice("sent", "Handling: samtale-foreldre (forberedt)", expert=True),
                choice("vent2", "Handling: vente"),
            ],
        },
        passive=("helsesykepleier",),
    )
    return build(first, second, meta=meta)


def parents_of(scenario, first: str, second: str = "vent2", bvt: str = "b-vent", bvt_first: bool = True):
    drill = Drill(scenario).choose("kontaktlaerer", first)
    if bvt_first:
        drill.choose("bvt", bvt).choose("kontaktlaerer", second)
    else:
        drill.choose("kontaktlaerer", second).choose("bvt", bvt)
    report = score_drill(scenario, drill.log())
    return report, report.dimension("parents")


def test_a_prepared_conversation_with_consent_scores_full() -> None:
    _, dim = parents_of(parents_scenario(), "forberedt")
    assert dim.details["quality"] == 1.0 and dim.details["consent"] == 1.0
    assert dim.rule_score == 100.0


def test_an_unprepared_call_scores_below_a_prepared_conversation() -> None:
    _, prepared = parents_of(parents_scenario(), "forberedt")
    _, unprepared = parents_of(parents_scenario(), "uforberedt")
    assert unprepared.details["quality"] == pytest.approx(0.3)
    assert unprepared.details["consent"] == 0.0
    assert unprepared.rule_score < prepared.rule_score


def test_a_measure_before_talking_to_parents_costs_points() -> None:
    _, dim = parents_of(parents_scenario(), "tiltak", second="sent")
    assert dim.details["before_measures"] == 0.0


def test_the_level_0_decision_deadline_is_not_a_deadline_for_the_parent_talk() -> None:
    """(f) `decision_deadline_days` is the kommune's BTI level-0 rule, not the parents dimension's clock."""
    _, on_day_21 = parents_of(parents_scenario(), "vent", second="sent")
    assert "deadline" not in on_day_21.details
    assert on_day_21.rule_score == pytest.approx(100 * 0.45 / 0.7, abs=0.05)  # quality 1, consent 0


def test_no_conversation_with_parents_at_all_when_it_was_indicated() -> None:
    _, dim = parents_of(parents_scenario(), "vent")
    assert dim.details["quality"] == 0.0


def test_parents_confronted_first_in_an_abuse_case_is_critical_and_caps_the_total() -> None:
    report, dim = parents_of(parents_scenario("contraindicated"), "uforberedt")
    flag = report.flags[0]
    assert flag.code == "parents_confronted_first" and flag.severity == "critical"
    assert (flag.role, flag.scene, flag.day) == ("kontaktlaerer", "s1", 0)
    assert dim.rule_score == 0.0
    assert report.capped and report.total <= 50.0
    assert "parents_confronted_first" in report.cap_reasons


def test_talking_to_parents_after_the_report_is_no_critical_error() -> None:
    report, dim = parents_of(parents_scenario("contraindicated"), "meld", second="sent")
    assert not report.critical_flags
    assert dim.rule_score == 100.0


def test_parents_told_after_the_report_but_before_an_expected_police_report_is_a_warning() -> None:
    report, dim = parents_of(
        parents_scenario("contraindicated", police=True), "meld", second="sent", bvt="b-vent"
    )
    flag = next(f for f in report.flags if f.code == "parents_told_before_police")
    assert flag.severity == "warning"
    assert dim.rule_score == 50.0
    report, dim = parents_of(
        parents_scenario("contraindicated", police=True), "meld", second="sent", bvt="politi"
    )
    assert not any(f.code == "parents_told_before_police" for f in report.flags)
