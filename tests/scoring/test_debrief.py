"""The PEARLS debrief as data: phases in order, critical errors first, advocacy-inquiry in bokmål."""

from __future__ import annotations

import random

import pytest

from scoring import score_drill
from scoring.debrief import child_name
from scoring.model import DrillLog
from scoring.paths import random_events
from tests.scoring.conftest import INFOS
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import library
from tests.scoring.conftest import scene


@pytest.fixture(scope="module")
def breach():
    nurse = [
        choice("del", "Deler: sovn -> kontaktlaerer (uten)", "Hjemmel: hpl. § 21"),
        choice("samtykke", "Handling: samtykke", "Deler: sovn -> kontaktlaerer (samtykke)", expert=True),
    ]
    teacher = [
        choice("samtale", "Handling: samtale-barn (åpne spørsmål)", "Retning: kartlegge", expert=True),
        choice("vent", "Handling: vente", "Retning: avvente", "Vurdering: stemme -2"),
    ]
    first = scene(
        "s1", 0, {"helsesykepleier": nurse, "kontaktlaerer": teacher}, next_id="s2", passive=("bvt",)
    )
    second = scene(
        "s2",
        3,
        {
            "kontaktlaerer": [
                choice("meld", "Handling: melding-bvt", expert=True),
                choice("vent2", "Handling: vente"),
            ]
        },
        passive=("helsesykepleier", "bvt"),
    )
    return build(first, second, infos=INFOS, meta="expectations:\n  - action: melding-bvt\n    due: s2\n")


def debrief_of(scenario, nurse: str, teacher: str, later: str):
    log = (
        Drill(scenario)
        .choose("helsesykepleier", nurse)
        .choose("kontaktlaerer", teacher)
        .choose("kontaktlaerer", later)
    )
    report = score_drill(scenario, log.log())
    return report, report.debrief


def test_the_phases_follow_pearls(breach) -> None:
    _, debrief = debrief_of(breach, "samtykke", "samtale", "meld")
    assert [p.name for p in debrief.phases] == ["reactions", "description", "analysis", "summary"]
    assert [p.title for p in debrief.phases] == ["Reaksjoner", "Beskrivelse", "Analyse", "Oppsummering"]
    assert all(f.kind == "question" for f in debrief.phase("reactions").findings)
    assert "«Ferdig»" in debrief.phase("reactions").findings[1].text


def test_a_critical_error_opens_the_analysis_as_advocacy_inquiry_naming_what_happened(breach) -> None:
    report, debrief = debrief_of(breach, "del", "samtale", "meld")
    first = debrief.phase("analysis").findings[0]
    assert first.kind == "critical" and first.severity == "critical"
    assert (
        first.observation == "Helsesykepleier delte «Søvn og hodepine» med Kontaktlærer "
        "uten samtykke eller annet grunnlag (dag 0, «S1»)."
    )
    assert first.consequence == "Jeg er bekymret for at Mia da mister tilliten til de voksne rundt seg."
    assert first.inquiry == "Hva gjorde at det føltes riktig å dele da?"
    assert first.text == f"{first.observation} {first.consequence} {first.inquiry}"
    assert first.rule.startswith("hpl. § 21; hpl. § 25")
    assert first.role == "helsesykepleier" and first.dimension == "information"
    assert first.evidence[0].day == 0 and first.evidence[0].scene == "s1"
    assert report.debrief.findings.index(first) < len(report.debrief.findings)


def test_the_description_has_a_summary_and_one_line_per_visited_scene(breach) -> None:
    _, debrief = debrief_of(breach, "samtykke", "samtale", "meld")
    lines = [f.text for f in debrief.phase("description").findings]
    assert lines[0].startswith("Saken gikk over 3 dager og 2 scener og endte med «Ferdig» (god).")
    assert lines[1].startswith("Dag 0 – «S1»: ")
    assert "Helsesykepleier ba om samtykke, delte «Søvn og hodepine» med Kontaktlærer" in lines[1]
    assert lines[2] == "Dag 3 – «S2»: Kontaktlærer sendte bekymringsmelding til barneverntjenesten."


def test_weak_dimensions_get_observations_and_each_role_a_plus_or_delta(breach) -> None:
    report, debrief = debrief_of(breach, "samtykke", "vent", "vent2")
    analysis = debrief.phase("analysis").findings
    kinds = [f.kind for f in analysis]
    assert kinds[0] == "critical"  # the missed report
    assert "Ingen sendte bekymringsmelding" in analysis[0].text
    assert any(
        f.kind == "delta" and f.role == "kontaktlaerer" and "Ekspertvalget var" in f.text for f in analysis
    )
    assert any(f.kind == "plus" and f.role == "helsesykepleier" for f in analysis)
    for finding in analysis:
        if finding.kind in ("critical", "observation", "divergence"):
            assert finding.inquiry.endswith("?")


def test_the_summary_has_takeaways_and_an_improvement_plan_for_m_and_u(breach) -> None:
    report, debrief = debrief_of(breach, "samtykke", "vent", "vent2")
    summary = debrief.phase("summary").findings
    takeaways = [f for f in summary if f.kind == "takeaway"]
    assert 2 <= len(takeaways) <= 3
    assert takeaways[0].text.startswith("Opplysningsplikten krever grunn til å tro")
    weak = {d.name for d in report.dimensions if d.rating in ("M", "U")}
    assert {p.dimension for p in debrief.improvements} == weak
    escalation = next(p for p in debrief.improvements if p.dimension == "escalation")
    assert escalation.action.startswith("Gå gjennom meldeterskelen")


def test_findings_are_plain_text_never_html() -> None:
    scenario = library("blamerker-i-barnehagen")
    for seed in range(5):
        report = score_drill(scenario, DrillLog.of(random_events(scenario, random.Random(seed))))
        for finding in report.debrief.findings:
            assert "<" not in finding.text and ">" not in finding.text
            assert finding.phase in ("reactions", "description", "analysis", "summary")


def test_the_child_is_named_from_the_front_matter_only() -> None:
    assert child_name(library("fravaer-og-hodepine")) == "Emma"
    named = build(
        scene("s1", 0, {"kontaktlaerer": [choice("a", expert=True)]}, passive=("helsesykepleier", "bvt")),
        meta="child: Sara\n",
    )
    assert child_name(named) == "Sara"
