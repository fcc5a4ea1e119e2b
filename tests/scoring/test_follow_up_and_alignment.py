"""Follow-up and closure, and the shared mental model: plan agreement, checkpoint agreement and accuracy."""

from __future__ import annotations

import pytest

from scoring import score_drill
from scoring.stats import fleiss_kappa
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import scene


@pytest.fixture(scope="module")
def loops():
    first = scene(
        "s1",
        0,
        {
            "kontaktlaerer": [
                choice(
                    "tiltak-dato", "Tiltak: læring", "Oppfølging: 14", "Handling: melding-bvt", expert=True
                ),
                choice("tiltak", "Tiltak: læring", "Handling: melding-bvt"),
                choice("vent", "Handling: vente"),
            ]
        },
        next_id="s2",
        passive=("helsesykepleier", "bvt"),
    )
    second = scene(
        "s2",
        14,
        {
            "kontaktlaerer": [
                choice("evaluer", "Handling: evaluering", expert=True),
                choice("vent2", "Handling: vente"),
            ],
            "bvt": [
                choice("tilbake", "Handling: tilbakemelding-melder", expert=True),
                choice("b-vent", "Handling: vente"),
            ],
        },
        next_id="s3",
        passive=("helsesykepleier",),
    )
    third = scene(
        "s3",
        28,
        {
            "kontaktlaerer": [
                choice("avslutt", "Handling: avslutte", expert=True),
                choice("vent3", "Handling: vente"),
            ]
        },
        passive=("helsesykepleier", "bvt"),
    )
    return build(first, second, third)


def follow(scenario, first="tiltak-dato", second="evaluer", bvt="tilbake", third="avslutt"):
    log = Drill(scenario).choose("kontaktlaerer", first).choose("kontaktlaerer", second).choose("bvt", bvt)
    report = score_drill(scenario, log.choose("kontaktlaerer", third).log())
    return report.dimension("follow_up")


def test_every_loop_closed_scores_full(loops) -> None:
    dim = follow(loops)
    assert dim.details["measures_followed_up"] == 1.0
    assert dim.details["follow_ups_kept"] == 1.0
    assert dim.details["evaluated"] == 1.0
    assert dim.details["feedback"] == 1.0
    assert dim.details["closure"] == 1.0
    assert dim.rule_score == 100.0


def test_a_measure_without_a_follow_up_date_is_an_open_loop(loops) -> None:
    dim = follow(loops, first="tiltak", third="vent3")
    assert dim.details["measures_followed_up"] == 0.0
    assert dim.details["closure"] == 0.5  # one measure left without follow-up
    assert any(e.kind == "measure" and e.params["follow_up"] is False for e in dim.evidence)


def test_a_follow_up_date_nobody_kept_and_no_evaluation(loops) -> None:
    dim = follow(loops, second="vent2")
    assert dim.details["follow_ups_kept"] == 0.0
    assert dim.details["evaluated"] == 0.0


def test_a_report_without_feedback_to_the_reporter(loops) -> None:
    dim = follow(loops, bvt="b-vent")
    assert dim.details["feedback"] == 0.0


@pytest.fixture(scope="module")
def minds():
    def team(scene_id: str, day: int, next_id: str, checkpoint: str) -> str:
        roles = {
            role: [
                choice(f"{prefix}-{scene_id}-ja", "Retning: eskalere", expert=True),
                choice(f"{prefix}-{scene_id}-nei", "Retning: avvente"),
            ]
            for role, prefix in (("kontaktlaerer", "k"), ("helsesykepleier", "h"), ("bvt", "b"))
        }
        question = (
            f"## Sjekkpunkt: Er terskelen nådd? {{#{checkpoint}}}\n\n"
            f"- Ja {{#{checkpoint}-ja .riktig}}\n- Nei {{#{checkpoint}-nei}}\n\nForklaring."
        )
        return scene(scene_id, day, roles, next_id=next_id, extra=question)

    return build(team("s1", 0, "s2", "cp1"), team("s2", 7, "slutt", "cp2"))


def think(scenario, answers: dict[str, tuple[str, str]], plans: dict[str, tuple[str, str]]):
    drill = Drill(scenario)
    for index, scene_id in enumerate(("s1", "s2")):
        checkpoint = f"cp{index + 1}"
        for role, options in answers.items():
            drill.answer(role, checkpoint, f"{checkpoint}-{options[index]}")
        for role, prefix in (("kontaktlaerer", "k"), ("helsesykepleier", "h"), ("bvt", "b")):
            drill.choose(role, f"{prefix}-{scene_id}-{plans[role][index]}")
    return score_drill(scenario, drill.log())


AGREE = {"kontaktlaerer": ("ja", "ja"), "helsesykepleier": ("ja", "ja"), "bvt": ("ja", "ja")}


def test_a_team_that_agrees_and_is_right_scores_full(minds) -> None:
    report = think(minds, AGREE, AGREE)
    dim = report.dimension("alignment")
    assert dim.details["plan_agreement"] == 1.0
    assert dim.details["checkpoint_agreement"] == 1.0 and dim.details["accuracy"] == 1.0
    # Categories are each checkpoint's own options, so two unanimous items in different categories
    # give κ = 1; a single unanimous item would leave κ undefined (None) with P̄ = 1.
    assert dim.details["fleiss_kappa"]["statistic"] == pytest.approx(1.0)
    assert dim.details["fleiss_kappa"]["p_bar"] == 1.0
    assert dim.rule_score == 100.0
    assert all(s.normalised_entropy == 0.0 for s in report.divergent_scenes)


def test_disagreement_shows_in_raw_agreement_kappa_accuracy_and_divergent_scenes(minds) -> None:
    answers = {"kontaktlaerer": ("ja", "ja"), "helsesykepleier": ("nei", "ja"), "bvt": ("ja", "nei")}
    plans = {"kontaktlaerer": ("ja", "ja"), "helsesykepleier": ("nei", "ja"), "bvt": ("ja", "ja")}
    report = think(minds, answers, plans)
    dim = report.dimension("alignment")
    assert dim.details["checkpoint_agreement"] == pytest.approx(1 / 3)  # one agreeing pair of three per item
    assert dim.details["accuracy"] == pytest.approx(4 / 6)
    expected = fleiss_kappa([[2, 1, 0, 0], [0, 0, 2, 1]])  # cp1-ja, cp1-nei, cp2-ja, cp2-nei
    assert dim.details["fleiss_kappa"]["statistic"] == pytest.approx(expected.statistic)
    assert dim.details["plan_agreement"] == pytest.approx((2 / 3 + 1) / 2)
    top = report.divergent_scenes[0]
    assert top.scene == "s1" and top.modal_share == pytest.approx(2 / 3)
    assert top.plans["helsesykepleier"] == "avvente"
    assert top.expert_match == pytest.approx(2 / 3)
    assert report.expert.per_role["helsesykepleier"] == 0.5
