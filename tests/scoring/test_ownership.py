"""Role clarity and ownership: one holder over case time, closed-loop handovers, no parallel tracks."""

from __future__ import annotations

import pytest

from scenarios.check import check_file
from scoring import score_drill
from scoring.model import DrillLog
from scoring.paths import expert_events
from tests.scoring.conftest import FIXTURES
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import scene


@pytest.fixture(scope="module")
def baton():
    first = scene(
        "s1",
        0,
        {
            "kontaktlaerer": [choice("ta", "Stafett: tar", expert=True), choice("vent", "Handling: vente")],
            "helsesykepleier": [
                choice("h-ta", "Stafett: tar"),
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
                choice("foresla", "Stafett: foreslår helsesykepleier", expert=True),
                choice("slipp", "Stafett: gir fra seg"),
                choice("k-vent", "Handling: vente"),
            ]
        },
        next_id="s3",
        passive=("helsesykepleier", "bvt"),
    )
    third = scene(
        "s3",
        14,
        {
            "helsesykepleier": [
                choice("ta-imot", "Stafett: tar imot", expert=True),
                choice("h-vent3", "Handling: vente"),
            ],
            "kontaktlaerer": [
                choice("tiltak", "Tiltak: læring"),
                choice("felles", "Tiltak: læring (felles plan)", "Oppfølging: 14", expert=True),
                choice("k-vent3", "Handling: vente"),
            ],
            "bvt": [
                choice("b-tiltak", "Tiltak: læring"),
                choice("b-felles", "Tiltak: læring (felles plan)", expert=True),
                choice("b-vent", "Handling: vente"),
            ],
        },
    )
    return build(first, second, third)


def play(scenario, s1=("ta", "h-vent"), s2="k-vent", s3=("h-vent3", "k-vent3", "b-vent")):
    drill = Drill(scenario).choose("kontaktlaerer", s1[0]).choose("helsesykepleier", s1[1])
    drill.choose("kontaktlaerer", s2)
    drill.choose("helsesykepleier", s3[0]).choose("kontaktlaerer", s3[1]).choose("bvt", s3[2])
    report = score_drill(scenario, drill.log())
    return report, report.dimension("ownership")


def codes(report) -> list[str]:
    return [f.code for f in report.flags]


def test_one_holder_throughout_scores_full(baton) -> None:
    report, dim = play(baton)
    assert (
        dim.details["coverage"] == 1.0 and dim.details["timeliness"] == 1.0 and dim.details["clarity"] == 1.0
    )
    assert dim.rule_score == 100.0
    assert not report.flags


def test_two_owners_at_once_are_flagged_as_parallel_ownership(baton) -> None:
    report, dim = play(baton, s1=("ta", "h-ta"))
    flag = next(f for f in report.flags if f.code == "parallel_ownership")
    assert set(flag.params["owners"]) == {"kontaktlaerer", "helsesykepleier"}
    assert flag.role == "helsesykepleier"  # the one who took a baton someone already held
    assert (flag.scene, flag.day) == ("s1", 0)
    assert dim.details["coverage"] == 0.0  # never exactly one holder
    assert dim.details["clarity"] == 0.5


def test_a_closed_loop_handover_moves_the_baton_without_flags(baton) -> None:
    report, dim = play(baton, s2="foresla", s3=("ta-imot", "k-vent3", "b-vent"))
    assert report.dimension("ownership").details["owners_over_time"][-1][2] == ("helsesykepleier",)
    assert "dropped_baton" not in codes(report)
    assert dim.rule_score == 100.0


def test_a_handover_never_accepted_is_a_dropped_baton(baton) -> None:
    report, dim = play(baton, s2="foresla")
    flag = next(f for f in report.flags if f.code == "dropped_baton")
    assert flag.params == {"kind": "not_accepted", "to": "helsesykepleier"}
    assert flag.role == "kontaktlaerer" and flag.scene == "s2"
    assert dim.details["coverage"] == 1.0  # the proposer still holds it: a proposal is not a handover
    assert dim.details["clarity"] == 0.5


def test_releasing_the_baton_with_nobody_to_take_it_is_a_dropped_baton(baton) -> None:
    report, dim = play(baton, s2="slipp")
    flag = next(f for f in report.flags if f.code == "dropped_baton")
    assert flag.params == {"kind": "released"} and flag.day == 7
    assert dim.details["coverage"] < 1.0


def test_nobody_ever_holding_the_baton_scores_only_the_clarity_part(baton) -> None:
    _, dim = play(baton, s1=("vent", "h-vent"))
    assert dim.details["first_owner_day"] is None
    assert dim.details["coverage"] == 0.0 and dim.details["timeliness"] == 0.0
    assert dim.rule_score == pytest.approx(30.0)


def test_measures_in_one_domain_by_different_roles_outside_a_shared_plan_are_parallel(baton) -> None:
    report, _ = play(baton, s3=("h-vent3", "tiltak", "b-tiltak"))
    flag = next(f for f in report.flags if f.code == "parallel_measures")
    assert flag.params["domain"] == "learning"
    assert flag.params["roles"] == ("bvt", "kontaktlaerer")
    assert flag.params["outside_plan"] == ("bvt", "kontaktlaerer")


def test_measures_in_a_shared_plan_are_not_parallel(baton) -> None:
    report, _ = play(baton, s3=("h-vent3", "felles", "b-felles"))
    assert "parallel_measures" not in codes(report)


def test_the_handover_fixture_expert_path_closes_the_loop() -> None:
    scenario = check_file(FIXTURES / "handover.md").scenario
    report = score_drill(scenario, DrillLog.of(expert_events(scenario)))
    assert report.ending == "slutt"
    assert report.dimension("ownership").rule_score == 100.0
    assert report.info_flow.edges == ()  # nothing shared in this fixture
