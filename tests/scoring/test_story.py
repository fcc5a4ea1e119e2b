"""Scores that match the story and the law: one test per defect from issue 10.

The scenarios are built here with their own role ids (`laerer-a`, `hs-1`, `bv-1`) and declared
services, so nothing can depend on the ids the library happens to use.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from scenarios.check import check_source
from scenarios.model import Scenario
from scenarios.play import apply
from scenarios.play import available_choices
from scenarios.play import initial_state
from scenarios.profiles import Playthrough
from scenarios.profiles import cautious_choice
from scenarios.profiles import critical_error
from scenarios.profiles import expert_choice
from scoring import cohort
from scoring import compare_runs
from scoring import score_drill
from scoring.debrief import build_debrief
from scoring.model import DrillLog
from scoring.paths import expert_events
from scoring.paths import profile_events
from scoring.paths import random_events
from scoring.storage import report_from_data
from scoring.storage import report_to_data
from scoring.storage import summarise
from scoring.timeline import build_timeline
from tests.scoring.conftest import LIBRARY
from tests.scoring.conftest import LIBRARY_NAMES
from tests.scoring.conftest import library

ROLES = (
    ("laerer-a", "Kontaktlærer", "skole"),
    ("hs-1", "Helsesykepleier", "helse"),
    ("bv-1", "Barnevernet", "barnevern"),
)
NAMES = {r: n for r, n, _ in ROLES}

INFOS = """\
# Opplysninger

## Fravær {#fravaer sensitivitet=personlig}

Mia har 20 % fravær.

- Kjent av: laerer-a

## Mors drikking {#drikking sensitivitet=helse}

Mia har fortalt helsesykepleier at mor drikker.

- Kjent av: hs-1
"""


def option(choice_id: str, *settings: str, expert: bool = False) -> str:
    lines = [f"- {choice_id.capitalize()} {{#{choice_id}{' .ekspert' if expert else ''}}}"]
    lines += [f"  - {s}" for s in settings] + ["", f"  Begrunnelse for {choice_id}.", ""]
    return "\n".join(lines)


def scene(
    scene_id: str, day: int, roles: dict[str, list[str]], next_id: str = "slutt", branch: str = ""
) -> str:
    parts = [f"# Scene: {scene_id.capitalize()} {{#{scene_id} dag={day}}}", "", f"Dag {day}.", ""]
    for role, choices in roles.items():
        parts += [f"## {NAMES[role]}", "", *choices]
    for role in NAMES:
        if role not in roles:
            parts += [f"## {NAMES[role]} {{.passiv}}", "", "Du følger med.", ""]
    return "\n".join(
        [*parts, "## Videre", "", *([branch] if branch else []), f"- Ellers: [Videre](#{next_id})", ""]
    )


def build(*scenes: str, meta: str = "") -> Scenario:
    roles = "".join(f"  - id: {r}\n    name: {n}\n    service: {s}\n" for r, n, s in ROLES)
    source = (
        f"---\nid: historie\ntitle: Historie\nlanguage: nb\nsummary: Mia (9) er mye borte.\nroles:\n{roles}"
        f"{meta}---\n\n# Innledning\n\nMia er mye borte.\n\n{INFOS}\n"
        + "\n".join(scenes)
        + "\n# Slutt: Ferdig {#slutt vurdering=god}\n\nFerdig.\n"
    )
    result = check_source(source)
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    assert result.scenario is not None and not errors, errors
    return result.scenario


def play(scenario: Scenario, *moves: tuple[str, str] | str) -> list[dict]:
    """Events for (role, choice) moves and "timeout"s, validated against the runtime."""
    state, events, clock = initial_state(scenario), [], 0.0
    for move in moves:
        clock += 30.0
        event = (
            {"type": "timeout"}
            if move == "timeout"
            else {"type": "choose", "role": move[0], "choice": move[1]}
        )
        event["at"] = clock
        state = apply(scenario, state, event)
        events.append(event)
    return events


def score(scenario: Scenario, *moves):
    return score_drill(scenario, DrillLog.of(play(scenario, *moves)))


# --- (a) strl. § 196 and police consultation ---------------------------------------------------


def police_scenario() -> Scenario:
    meta = (
        "parents: contraindicated\nexpectations:\n  - action: melding-politi\n    due: s2\n    role: bv-1\n"
    )
    first = scene("s1", 0, {"laerer-a": [option("meld", "Handling: melding-bvt", expert=True)]}, "s2")
    second = scene(
        "s2",
        3,
        {
            "bv-1": [
                option("samrad", "Handling: melding-politi", expert=True),
                option("vent", "Handling: vente"),
            ]
        },
        "s3",
    )
    third = scene(
        "s3",
        10,
        {
            "bv-1": [
                option("sent-samrad", "Handling: melding-politi"),
                option("vent3", "Handling: vente", expert=True),
            ]
        },
    )
    return build(first, second, third, meta=meta)


def test_not_consulting_the_police_below_the_196_threshold_is_practice_not_a_critical_missed_report() -> None:
    report = score(police_scenario(), ("laerer-a", "meld"), ("bv-1", "vent"), ("bv-1", "vent3"))
    assert not report.capped and "missed_report" not in {f.code for f in report.flags}
    flag = next(f for f in report.flags if f.code == "police_not_consulted")
    assert flag.severity == "warning"
    assert "praksis" in flag.rule and "196" not in flag.rule
    text = " ".join(f.text for f in report.debrief.findings)
    assert "terskelen var nådd" not in text


def test_a_late_police_consultation_below_the_threshold_is_only_information() -> None:
    report = score(police_scenario(), ("laerer-a", "meld"), ("bv-1", "vent"), ("bv-1", "sent-samrad"))
    flag = next(f for f in report.flags if f.dimension == "escalation")
    assert (flag.code, flag.severity) == ("late_police_consultation", "info")


# --- (b) and (e): what the cited provisions actually say -----------------------------------------


def test_no_flag_cites_bvl_15_8_for_police_order_or_child_welfare_coordinating() -> None:
    meta = (
        "parents: contraindicated\nexpectations:\n  - action: melding-politi\n    due: s2\n    role: bv-1\n"
    )
    first = scene(
        "s1",
        0,
        {
            "laerer-a": [option("meld", "Handling: melding-bvt", "Stafett: tar", expert=True)],
            "bv-1": [option("ta", "Stafett: tar", expert=True)],
        },
        "s2",
    )
    second = scene(
        "s2",
        3,
        {
            "laerer-a": [option("foreldre", "Handling: samtale-foreldre (forberedt)", expert=True)],
            "bv-1": [option("vent", "Handling: vente", expert=True)],
        },
    )
    report = score(
        build(first, second, meta=meta),
        ("laerer-a", "meld"),
        ("bv-1", "ta"),
        ("laerer-a", "foreldre"),
        ("bv-1", "vent"),
    )
    codes = {f.code for f in report.flags}
    assert {"parents_told_before_police", "parallel_ownership", "police_not_consulted"} <= codes, codes
    for flag in report.flags:
        assert "15-8" not in flag.rule, flag


def test_confronting_parents_first_cites_the_guidance_not_13_2_as_the_order() -> None:
    confront = scene("s1", 0, {"laerer-a": [option("konfronter", "Handling: samtale-foreldre (uforberedt)")]})
    report = score(build(confront, meta="parents: contraindicated\n"), ("laerer-a", "konfronter"))
    flag = next(f for f in report.flags if f.code == "parents_confronted_first")
    assert flag.severity == "critical"
    assert "NKVTS" in flag.rule and "meld først (bvl. § 13-2)" not in flag.rule


# --- scores that match the story -------------------------------------------------------------------


def three_scenes() -> Scenario:
    meta = "expectations:\n  - action: melding-bvt\n    due: s1\n    role: laerer-a\n"
    teacher = [
        option("snakk", "Handling: samtale-barn (åpne spørsmål)", "Vurdering: stemme +2"),
        option("meld", "Handling: melding-bvt", expert=True),
        option("vent", "Handling: vente", "Vurdering: eskalering -2"),
    ]
    later = [
        option("meld-sent", "Handling: melding-bvt"),
        option("vent-igjen", "Handling: vente", expert=True),
    ]
    nurse = [
        option("tiltak", "Tiltak: helse", "Oppfølging: 7", expert=True),
        option("h-vent", "Handling: vente"),
    ]
    return build(
        scene("s1", 0, {"laerer-a": teacher, "hs-1": nurse}, "s2"),
        scene("s2", 14, {"laerer-a": later}, "s3"),
        scene("s3", 30, {"laerer-a": [option("slutt-valg", "Handling: vente", expert=True)]}),
        meta=meta,
    )


def test_a_drill_ended_without_choices_rises_nowhere_above_neutral_and_is_incomplete() -> None:
    report = score_drill(three_scenes(), DrillLog.of([]))
    assert not report.complete
    assert all(d.score is None or d.score <= 50.0 for d in report.dimensions), report.scores
    assert report.dimension("child_voice").score != 100.0


def test_an_incomplete_drill_is_scored_on_what_was_played_and_says_so_first() -> None:
    scenario = three_scenes()
    report = score(scenario, ("laerer-a", "meld"), ("hs-1", "tiltak"))
    assert not report.complete and report.ending is None
    assert report.debrief.phase("description").findings[0].text.startswith("Ufullstendig")
    assert report.debrief.phase("summary").findings[0].text.startswith("Øvelsen ble avsluttet før")
    assert not summarise(report).complete


def test_a_late_report_always_beats_no_report_at_the_same_point() -> None:
    scenario = three_scenes()
    late = score(
        scenario,
        ("laerer-a", "vent"),
        ("hs-1", "h-vent"),
        ("laerer-a", "meld-sent"),
        ("laerer-a", "slutt-valg"),
    )
    never = score(
        scenario,
        ("laerer-a", "vent"),
        ("hs-1", "h-vent"),
        ("laerer-a", "vent-igjen"),
        ("laerer-a", "slutt-valg"),
    )
    assert late.complete and never.complete
    assert late.total > never.total
    assert late.dimension("escalation").score > never.dimension("escalation").score


def test_doing_nothing_cannot_score_high_on_follow_up_or_be_praised_for_it() -> None:
    scenario = three_scenes()
    passive = score(
        scenario,
        ("laerer-a", "vent"),
        ("hs-1", "h-vent"),
        ("laerer-a", "vent-igjen"),
        ("laerer-a", "slutt-valg"),
    )
    assert passive.dimension("follow_up").score < 50.0
    summary = " ".join(f.text for f in passive.debrief.phase("summary").findings)
    assert "lyktes best med oppfølging" not in summary


def test_flags_cite_only_scenes_the_team_visited() -> None:
    meta = "expectations:\n  - action: melding-bvt\n    due: omvei\n    role: laerer-a\n"
    teacher = [option("vent", "Handling: vente", expert=True), option("omvei-valg", "Setter: omvei")]
    first = scene("s1", 0, {"laerer-a": teacher}, "s2", branch="- Hvis `omvei`: [Omvei](#omvei)")
    detour = scene("omvei", 5, {"laerer-a": [option("o-meld", "Handling: melding-bvt", expert=True)]})
    second = scene("s2", 7, {"laerer-a": [option("vent2", "Handling: vente", expert=True)]})
    report = score(build(first, detour, second, meta=meta), ("laerer-a", "vent"), ("laerer-a", "vent2"))
    visited = {"s1", "s2"}
    assert report.flags and all(f.scene in visited for f in report.flags), report.flags


def test_a_nurse_promising_total_secrecy_does_not_score_high_on_the_childs_voice() -> None:
    nurse = [
        option("apen", "Handling: samtale-barn (åpne spørsmål)", "Vurdering: stemme +2", expert=True),
        option(
            "lov", "Handling: samtale-barn", "Setter: lovet_taushet", "Vurdering: stemme -1, eskalering -1"
        ),
    ]
    scenario = build(scene("s1", 0, {"hs-1": nurse}))
    promised = score(scenario, ("hs-1", "lov")).dimension("child_voice")
    listened = score(scenario, ("hs-1", "apen")).dimension("child_voice")
    assert promised.score < 50.0 < listened.score
    assert any(e.params.get("undermines") for e in promised.evidence)


def test_the_library_secrecy_promise_scores_low_on_the_childs_voice() -> None:
    scenario = library("fravaer-og-hodepine")
    events = []
    for event in expert_events(scenario):
        if event.get("role") == "helsesykepleier" and event.get("choice") == "h1-samtale":
            event = {**event, "choice": "h1-lov"}
        events.append(event)
    report = score_drill(scenario, DrillLog.of(events))
    assert report.dimension("child_voice").score < 85.0


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_summary_and_cap_line_match_the_numbers_beside_them(name: str) -> None:
    scenario = library(name)
    for seed in range(12):
        report = score_drill(scenario, DrillLog.of(random_events(scenario, random.Random(seed))))
        summary = " ".join(f.text for f in report.debrief.phase("summary").findings)
        if "på alle dimensjoner" in summary:
            assert report.rating == "P" and not report.capped
        if report.cap_lowered:
            assert report.total == 50.0 and report.uncapped_total > 50.0
        elif report.capped:
            assert report.uncapped_total is None or report.uncapped_total <= 50.0
        for d in report.dimensions:
            if "lyktes best med" in summary and d.score is not None:
                assert (
                    max(x.score for x in report.dimensions if x.score is not None and x.name != "alignment")
                    > 50.0
                )


def test_a_report_without_complete_reads_as_complete_when_it_had_an_ending() -> None:
    scenario = three_scenes()
    report = score(
        scenario,
        ("laerer-a", "meld"),
        ("hs-1", "tiltak"),
        ("laerer-a", "vent-igjen"),
        ("laerer-a", "slutt-valg"),
    )
    data = report_to_data(report)
    assert report_from_data(data).complete
    old = {k: v for k, v in data.items() if k != "complete"}
    assert report_from_data(old).complete
    assert not report_from_data({**old, "ending": None, "finished": False}).complete


# --- the cautious profile -------------------------------------------------------------------------


def test_a_cautious_role_with_two_options_never_takes_the_critical_one() -> None:
    nurse = [
        option("del-uten", "Deler: drikking -> laerer-a (uten)"),
        option("samtykke", "Handling: samtykke", expert=True),
    ]
    scenario = build(scene("s1", 0, {"hs-1": nurse}))
    state = initial_state(scenario)
    assert critical_error(scenario, state, scenario.scene("s1").choice("hs-1", "del-uten"))
    assert cautious_choice(scenario, state, "hs-1").id == "samtykke"


def test_a_cautious_role_makes_a_report_that_is_due() -> None:
    scenario = three_scenes()
    assert cautious_choice(scenario, initial_state(scenario), "laerer-a").id == "meld"


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_a_cautious_team_plays_lawfully_and_below_the_expert(name: str) -> None:
    scenario = library(name)
    cautious = score_drill(scenario, DrillLog.of(profile_events(scenario, "cautious")))
    expert = score_drill(scenario, DrillLog.of(expert_events(scenario)))
    assert not cautious.critical_flags, cautious.critical_flags
    assert cautious.total < expert.total


# --- the key target ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_the_expert_path_scores_at_least_90_without_a_critical_flag(name: str) -> None:
    scenario = library(name)
    report = score_drill(scenario, DrillLog.of(expert_events(scenario)))
    assert report.total >= 90.0 and not report.critical_flags


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_renaming_every_role_id_changes_no_score(name: str) -> None:
    source = (LIBRARY / f"{name}.md").read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    for role in library(name).role_ids:
        pattern = re.compile(rf"(?<![\w-]){re.escape(role)}(?![\w-])", re.IGNORECASE)
        new_id = f"rolle-{len(role)}-x{role[:2]}"
        lines = [line if "service:" in line else pattern.sub(new_id, line) for line in lines]
    renamed = "".join(lines)
    other = check_source(renamed).scenario
    assert other is not None and other.role_ids != library(name).role_ids
    for profile in ("expert", "cautious"):
        a = score_drill(library(name), DrillLog.of(profile_events(library(name), profile)))
        b = score_drill(other, DrillLog.of(profile_events(other, profile)))
        assert (a.total, a.scores, len(a.flags)) == (b.total, b.scores, len(b.flags)), profile


# --- the scenario's own markers: the § 196 threshold, parents from a point, outside receivers ------


def test_a_missed_police_report_is_critical_only_once_the_scenario_marks_the_196_threshold() -> None:
    meta = "parents: contraindicated\naverting_duty: {met_from: s2}\n"
    meta += "expectations:\n  - action: melding-politi\n    due: s2\n    role: bv-1\n"
    first = scene("s1", 0, {"laerer-a": [option("meld", "Handling: melding-bvt", expert=True)]}, "s2")
    second = scene(
        "s2",
        3,
        {
            "bv-1": [
                option("politi", "Handling: melding-politi", expert=True),
                option("vent", "Handling: vente"),
            ]
        },
    )
    report = score(build(first, second, meta=meta), ("laerer-a", "meld"), ("bv-1", "vent"))
    flag = next(f for f in report.flags if f.code == "missed_report")
    assert flag.severity == "critical" and flag.rule == "strl. § 196" and flag.scene == "s2"
    assert report.capped


def test_a_196_share_is_lawful_to_the_police_and_the_child_welfare_service_only() -> None:
    teacher = [
        option("til-politi", "Deler: fravaer -> politi (avvergingsplikt)", expert=True),
        option("til-bv", "Deler: fravaer -> bv-1 (avvergingsplikt)"),
        option("til-nav", "Deler: fravaer -> nav (avvergingsplikt)"),
    ]
    scenario = build(scene("s1", 0, {"laerer-a": teacher}))
    for choice_id, lawful in (("til-politi", True), ("til-bv", True), ("til-nav", False)):
        report = score(scenario, ("laerer-a", choice_id))
        unlawful = [f for f in report.flags if f.code == "unlawful_disclosure"]
        assert (not unlawful) == lawful, choice_id
        if unlawful:
            assert unlawful[0].severity == "critical" and unlawful[0].params["external"]


def test_sharing_with_parents_is_fine_before_the_onset_and_a_confrontation_after_it() -> None:
    meta = "parents: {contraindicated_from: s2}\n"
    teacher1 = [option("fortell", "Deler: fravaer -> foreldre (uten)", expert=True)]
    teacher2 = [
        option("fortell-igjen", "Deler: fravaer -> foreldre (uten)"),
        option("meld", "Handling: melding-bvt", expert=True),
    ]
    scenario = build(
        scene("s1", 0, {"laerer-a": teacher1}, "s2"), scene("s2", 5, {"laerer-a": teacher2}), meta=meta
    )
    before = score(scenario, ("laerer-a", "fortell"), ("laerer-a", "meld"))
    assert not before.critical_flags
    after = score(scenario, ("laerer-a", "fortell"), ("laerer-a", "fortell-igjen"))
    flag = next(f for f in after.flags if f.code == "parents_confronted_first")
    assert flag.severity == "critical" and flag.scene == "s2" and flag.params["via"] == "share_parents"


def test_supportive_talks_are_never_repeated_interviews_but_investigative_ones_are() -> None:
    def talks(kind: str) -> Scenario:
        return build(
            scene(
                "s1",
                0,
                {
                    "laerer-a": [option("snakk", f"Handling: samtale-barn ({kind})", expert=True)],
                    "hs-1": [option("h-snakk", f"Handling: samtale-barn ({kind})", expert=True)],
                },
            ),
            meta="parents: contraindicated\n",
        )

    supportive = score(talks("støttende"), ("laerer-a", "snakk"), ("hs-1", "h-snakk"))
    assert "repeated_interviews" not in {f.code for f in supportive.flags}
    investigative = score(talks("utforskende"), ("laerer-a", "snakk"), ("hs-1", "h-snakk"))
    flag = next(f for f in investigative.flags if f.code == "repeated_interviews")
    assert set(flag.params["roles"]) == {"laerer-a", "hs-1"}


def test_a_teacher_sharing_for_the_schools_own_tasks_is_lawful() -> None:
    teacher = [option("oppgave", "Deler: fravaer -> hs-1 (oppgave)", expert=True)]
    report = score(build(scene("s1", 0, {"laerer-a": teacher})), ("laerer-a", "oppgave"))
    assert not [f for f in report.flags if f.code == "unlawful_disclosure"]
    assert report.dimension("information").details["lawful_shares"] == 1


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_random_drills_keep_the_report_honest(name: str) -> None:
    """Over random drills: flags and needs cite played scenes, severities are known, cap iff critical."""
    scenario = library(name)
    for seed in range(15):
        log = DrillLog.of(random_events(scenario, random.Random(seed)))
        report = score_drill(scenario, log)
        visited = {v.scene.id for v in build_timeline(scenario, log).visits}
        for flag in report.flags:
            assert flag.scene is None or flag.scene in visited, (seed, flag)
            assert flag.severity in ("critical", "warning", "info")
        for dimension in report.dimensions:
            for e in dimension.evidence:
                if e.kind == "need":
                    assert e.scene is None or e.scene in visited, (seed, e)
        assert report.capped == bool(report.critical_flags)


def test_no_summary_claims_p_on_all_dimensions_when_the_total_is_not_p() -> None:
    scenario = library("fravaer-og-hodepine")
    log = DrillLog.of(expert_events(scenario))
    report = score_drill(scenario, log)
    assert all(d.score >= 85.0 for d in report.dimensions if d.score is not None)
    capped = replace(report, total=50.0, rating="M", capped=True, cap_reasons=("unlawful_disclosure",))
    summary = " ".join(
        f.text for f in build_debrief(scenario, build_timeline(scenario, log), capped).findings
    )
    assert "på alle dimensjoner" not in summary
    assert "totalen ble 50 (M)" in summary
    plain = " ".join(f.text for f in report.debrief.phase("summary").findings)
    assert "på alle dimensjoner" in plain


def test_a_nurse_telling_the_parents_health_details_is_a_warning_to_weigh_not_a_breach() -> None:
    nurse = [
        option("fortell-mor", "Deler: drikking -> foreldre (uten)"),
        option("vent", "Handling: vente", expert=True),
    ]
    report = score(build(scene("s1", 0, {"hs-1": nurse})), ("hs-1", "fortell-mor"))
    flag = next(f for f in report.flags if f.code == "parents_health")
    assert flag.severity == "warning" and flag.rule == "pbrl. § 3-4" and flag.params["to"] == "foreldre"
    assert not report.capped


def test_a_report_the_story_never_reached_is_no_critical_breach_but_scores_nothing() -> None:
    meta = "expectations:\n  - action: melding-bvt\n    due: s2\n    role: laerer-a\n"
    teacher = [option("videre", "Setter: videre", expert=True), option("stopp", "Handling: vente")]
    first = scene("s1", 0, {"laerer-a": teacher}, "slutt", branch="- Hvis `videre`: [Uke 2](#s2)")
    second = scene("s2", 7, {"laerer-a": [option("meld", "Handling: melding-bvt", expert=True)]})
    scenario = build(first, second, meta=meta)
    ended_early = score(scenario, ("laerer-a", "stopp"))
    assert ended_early.complete and not ended_early.critical_flags
    assert ended_early.dimension("escalation").rule_score == 0.0
    passed_by = score(scenario, ("laerer-a", "videre"), "timeout")
    assert [f.code for f in passed_by.critical_flags] == ["missed_report"]


def test_the_cap_line_belongs_only_to_totals_the_cap_lowered() -> None:
    teacher = [
        option("konfronter", "Handling: samtale-foreldre (uforberedt)", "Vurdering: foreldre -2"),
        option("meld", "Handling: melding-bvt", expert=True),
    ]
    scenario = build(scene("s1", 0, {"laerer-a": teacher}), meta="parents: contraindicated\n")
    poor = score(scenario, ("laerer-a", "konfronter"))
    assert poor.capped and poor.uncapped_total <= 50.0 and not poor.cap_lowered
    minimal = check_source(
        (LIBRARY.parent.parent / "tests/scenarios/fixtures/minimal.md").read_text()
    ).scenario
    events = play(minimal, ("kontaktlaerer", "del"), ("helsesykepleier", "samtale"), "timeout")
    good_but_silent = score_drill(minimal, DrillLog.of(events))
    assert good_but_silent.cap_lowered and good_but_silent.total == 50.0 < good_but_silent.uncapped_total


def _scripted(scenario: Scenario, overrides: dict[str, dict[str, str]]) -> list[dict]:
    """The expert path with some choices replaced: {scene id: {role id: choice id}}."""

    def policy(scn, state, role):
        wanted = overrides.get(state["scene"], {}).get(role)
        if wanted is None:
            return expert_choice(scn, state, role)
        return next(c for c in available_choices(scn, state, role) if c.id == wanted)

    run = Playthrough(scenario)
    while run.state["status"] == "running" and run.state["round"] <= run.round_limit:
        round_ = run.state["round"]
        run.fire_timed_injects()
        run.answer_checkpoints(scenario.role_ids)
        pending = run.choose_by(policy, list(run.scene.active_roles), 45.0)
        run.choose_first_open(pending, 45.0)
        if run.running_in(round_):
            run.play({"type": "timeout"}, 1.0)
    return run.events


def test_in_the_library_a_late_report_beats_never_reporting() -> None:
    scenario = library("fravaer-og-hodepine")
    silent_weekend = {"helga": {"kontaktlaerer": "k4-vent-mote", "helsesykepleier": "h4-vent"}}
    late = _scripted(scenario, silent_weekend)
    never = _scripted(
        scenario, {**silent_weekend, "stillhet": {"kontaktlaerer": "ks-brev", "helsesykepleier": "hs-vent"}}
    )
    late_report = score_drill(scenario, DrillLog.of(late))
    never_report = score_drill(scenario, DrillLog.of(never))
    assert late_report.ending == "slutt-sent" and never_report.ending == "slutt-venting"
    assert "missed_report" in {f.code for f in never_report.critical_flags}
    assert late_report.total > never_report.total
    assert late_report.dimension("escalation").score > never_report.dimension("escalation").score


def test_incomplete_drills_stay_out_of_percentiles_cohorts_and_team_progress() -> None:
    scenario = three_scenes()
    full = score(
        scenario,
        ("laerer-a", "meld"),
        ("hs-1", "tiltak"),
        ("laerer-a", "vent-igjen"),
        ("laerer-a", "slutt-valg"),
    )
    half = score(scenario, ("laerer-a", "vent"), ("hs-1", "h-vent"))
    assert full.complete and not half.complete
    assert len(compare_runs([full, half]).runs) == 1
    assert cohort([summarise(full), summarise(half)]).rows[0].n == 1
    again = score_drill(scenario, DrillLog.of(play(scenario, ("laerer-a", "meld"))), history=[half])
    assert again.percentiles is None


def test_a_late_police_report_past_the_threshold_is_a_late_report_under_196() -> None:
    meta = "parents: contraindicated\naverting_duty: {met_from: s2}\n"
    meta += "expectations:\n  - action: melding-politi\n    due: s2\n    role: bv-1\n"
    first = scene("s1", 0, {"laerer-a": [option("meld", "Handling: melding-bvt", expert=True)]}, "s2")
    second = scene(
        "s2",
        3,
        {
            "bv-1": [
                option("politi", "Handling: melding-politi", expert=True),
                option("vent", "Handling: vente"),
            ]
        },
        "s3",
    )
    third = scene(
        "s3",
        10,
        {
            "bv-1": [
                option("sent", "Handling: melding-politi"),
                option("vent3", "Handling: vente", expert=True),
            ],
            "laerer-a": [
                option("l-politi", "Handling: melding-politi"),
                option("l-vent", "Handling: vente", expert=True),
            ],
        },
    )
    scenario = build(first, second, third, meta=meta)
    late = score(scenario, ("laerer-a", "meld"), ("bv-1", "vent"), ("bv-1", "sent"), ("laerer-a", "l-vent"))
    flag = next(f for f in late.flags if f.dimension == "escalation")
    assert (flag.code, flag.severity, flag.rule) == ("late_report", "warning", "strl. § 196")
    assert not late.capped
    by_teacher = score(
        scenario, ("laerer-a", "meld"), ("bv-1", "vent"), ("bv-1", "vent3"), ("laerer-a", "l-politi")
    )
    assert "personal_duty" in {f.code for f in by_teacher.flags}
    below = build(first, second, third, meta=meta.replace("averting_duty: {met_from: s2}\n", ""))
    practice = score(
        below, ("laerer-a", "meld"), ("bv-1", "vent"), ("bv-1", "vent3"), ("laerer-a", "l-politi")
    )
    assert "personal_duty" not in {f.code for f in practice.flags}
