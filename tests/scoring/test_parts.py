"""The building blocks: annotation scoring relative to the options, the sharing graph, the timeline."""

from __future__ import annotations

import pytest

from scoring import score_drill
from scoring.annotations import blend
from scoring.annotations import relative_value
from scoring.model import DrillLog
from scoring.timeline import build_timeline
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import scene


@pytest.fixture(scope="module")
def annotated():
    teacher = [
        choice("best", "Vurdering: eskalering +2", expert=True),
        choice("middle", "Vurdering: eskalering 0"),
        choice("worst", "Vurdering: eskalering -2, stemme +1"),
    ]
    nurse = [choice("x", "Vurdering: stemme +1", expert=True), choice("y", "Vurdering: stemme +1")]
    return build(scene("s1", 0, {"kontaktlaerer": teacher, "helsesykepleier": nurse}, passive=("bvt",)))


def decisions(scenario, log: DrillLog):
    return {d.role: d for d in build_timeline(scenario, log).decisions}


def test_annotations_are_scored_relative_to_the_options_the_role_had(annotated) -> None:
    d = decisions(
        annotated, Drill(annotated).choose("kontaktlaerer", "middle").choose("helsesykepleier", "x").log()
    )
    assert relative_value(d["kontaktlaerer"], "escalation") == 0.5
    # 'middle' says nothing about the child's voice (0) while 'worst' has +1: 0 is the bottom of the range.
    assert relative_value(d["kontaktlaerer"], "child_voice") == 0.0
    assert relative_value(d["helsesykepleier"], "child_voice") is None  # all options equal: no signal


def test_a_role_that_could_have_chosen_but_did_not_gets_the_worst_option(annotated) -> None:
    log = Drill(annotated).choose("helsesykepleier", "x").timeout().log()
    d = decisions(annotated, log)
    assert d["kontaktlaerer"].choice is None
    assert relative_value(d["kontaktlaerer"], "escalation") == 0.0
    report = score_drill(annotated, log)
    assert report.dimension("escalation").annotation_score == 0.0
    assert next(r for r in report.roles if r.role == "kontaktlaerer").not_acted == 1


def test_blend_mixes_rule_and_annotation_and_falls_back_to_either() -> None:
    assert blend(80.0, 40.0, 0.25) == pytest.approx(70.0)
    assert blend(None, 40.0, 0.25) == 40.0
    assert blend(80.0, None, 0.25) == 80.0
    assert blend(None, None, 0.25) is None


def test_the_annotation_part_is_blended_into_the_dimension_score(annotated) -> None:
    report = score_drill(
        annotated, Drill(annotated).choose("kontaktlaerer", "middle").choose("helsesykepleier", "x").log()
    )
    escalation = report.dimension("escalation")
    assert escalation.rule_score is None  # no expectations in this scenario
    assert escalation.annotation_score == 50.0 and escalation.score == 50.0


def test_the_sharing_graph_has_density_reciprocity_and_isolated_roles() -> None:
    scenario = build(
        scene(
            "s1",
            0,
            {
                "kontaktlaerer": [choice("del", "Deler: fravaer -> helsesykepleier (samtykke)", expert=True)],
                "helsesykepleier": [choice("hdel", "Deler: sovn -> kontaktlaerer (samtykke)", expert=True)],
            },
            passive=("bvt",),
        )
    )
    report = score_drill(
        scenario, Drill(scenario).choose("kontaktlaerer", "del").choose("helsesykepleier", "hdel").log()
    )
    graph = report.info_flow
    assert graph.nodes == ("kontaktlaerer", "helsesykepleier", "bvt")
    assert graph.density == pytest.approx(2 / 6)
    assert graph.reciprocity == 1.0
    assert graph.isolated == ("bvt",)
    assert graph.components == 2
    edge = next(e for e in graph.edges if e.source == "helsesykepleier")
    assert (edge.target, edge.weight, edge.lawful, edge.infos) == ("kontaktlaerer", 1, 1, ("sovn",))
    roles = {r.role: r for r in report.roles}
    assert roles["kontaktlaerer"].shares_made == 1 and roles["kontaktlaerer"].shares_received == 1


def test_rejected_events_are_skipped_and_counted(annotated) -> None:
    events = [
        {"type": "choose", "role": "kontaktlaerer", "choice": "finnes-ikke", "at": 1},
        {"type": "choose", "role": "kontaktlaerer", "choice": "best", "at": 2},
        {"type": "choose", "role": "kontaktlaerer", "choice": "best", "at": 3},
    ]
    timeline = build_timeline(annotated, DrillLog.of(events))
    assert [code for _, code in timeline.skipped] == ["unknown_choice", "already_chosen"]
    assert len(timeline.steps) == 1 and not timeline.finished
    assert timeline.visits[-1].finished is False
