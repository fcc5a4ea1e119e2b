"""What the format says explicitly: outside receivers, talk kinds, new bases and from when a marker holds."""

from __future__ import annotations

import pytest

from scenarios.check import check_source
from scenarios.model import Onset
from scenarios.onset import onset_holds
from scenarios.play import replay
from scenarios.play import visible_log
from tests.scenarios.conftest import BASE
from tests.scenarios.test_check import broken


def scenario_of(source: str):
    result = check_source(source)
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.scenario


def codes(source: str) -> list[str]:
    return [d.code for d in check_source(source).diagnostics]


# --- outside receivers -------------------------------------------------------------------------


def test_a_share_may_mix_roles_and_outside_receivers() -> None:
    source = broken("fravaer -> helse (samtykke)", "fravaer -> helse, politi, foreldre (avverging)")
    share = scenario_of(source).scene("s1").choice("laerer", "del").shares[0]
    assert (share.to, share.external, share.basis) == (("helse",), ("politi", "foreldre"), "duty_to_avert")


@pytest.mark.parametrize("word", ["foreldre", "politi", "bup", "fastlege", "nav"])
def test_each_outside_receiver_is_accepted_alone(word: str) -> None:
    source = broken("fravaer -> helse (samtykke)", f"fravaer -> {word} (uten)")
    share = scenario_of(source).scene("s1").choice("laerer", "del").shares[0]
    assert share.to == () and share.external == (word,)


@pytest.mark.parametrize("word", ["ingen", "rektor", "naboen"])
def test_an_unknown_receiver_is_an_error_not_silently_dropped(word: str) -> None:
    source = broken("fravaer -> helse (samtykke)", f"fravaer -> {word} (uten)")
    result = check_source(source)
    found = [d for d in result.diagnostics if d.code == "SC042"]
    assert len(found) == 1 and found[0].severity == "error" and not result.ok
    assert "politi" in found[0].hint and "laerer" in found[0].hint


def test_an_outside_share_is_recorded_but_teaches_no_role() -> None:
    source = broken("fravaer -> helse (samtykke)", "fravaer -> politi (avvergingsplikt)")
    scenario = scenario_of(source)
    state = replay(scenario, [{"type": "choose", "role": "laerer", "choice": "del"}])
    assert [(s["to"], s["external"], s["basis"]) for s in state["shares"]] == [
        ("politi", True, "duty_to_avert")
    ]
    assert "fravaer" not in state["knowledge"]["helse"]
    shared = next(e for e in state["log"] if e["kind"] == "shared")
    assert shared["to"] == ["politi"] and shared["external"] == ["politi"]


# --- bases ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "basis"),
    [("oppgave", "task"), ("avverging", "duty_to_avert"), ("avvergingsplikt", "duty_to_avert")],
)
def test_basis_words(word: str, basis: str) -> None:
    source = broken("fravaer -> helse (samtykke)", f"fravaer -> helse ({word})")
    assert scenario_of(source).scene("s1").choice("laerer", "del").shares[0].basis == basis


# --- talks with the child ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["støttende", "utforskende"])
def test_a_talk_with_the_child_keeps_its_kind_as_a_tag(kind: str) -> None:
    source = broken("samtale-barn (støttende)", f"samtale-barn (åpne spørsmål, {kind})")
    action = scenario_of(source).scene("s1").choice("helse", "samtale").actions[0]
    assert action.tags == ("open_questions", kind)


def test_a_talk_without_kind_is_a_warning_with_a_hint() -> None:
    result = check_source(broken("samtale-barn (støttende)", "samtale-barn (åpne spørsmål)"))
    assert [(d.code, d.severity) for d in result.diagnostics] == [("SC043", "warning")]
    assert "støttende" in result.diagnostics[0].hint and "utforskende" in result.diagnostics[0].hint
    assert result.ok


# --- from when a marker holds --------------------------------------------------------------------


def with_meta(line: str) -> str:
    return broken("summary: Et lite testscenario.\n", f"summary: Et lite testscenario.\n{line}\n")


@pytest.mark.parametrize(
    ("line", "parents", "onset"),
    [
        ("parents: indicated", "indicated", None),
        ("parents: contraindicated", "contraindicated", (True, None, None)),
        ("parents: kontraindisert", "contraindicated", (True, None, None)),
        ("parents: {contraindicated_from: s2}", "contraindicated", (False, "s2", None)),
        ("parents:\n  contraindicated_when: delt", "contraindicated", (False, None, "delt")),
    ],
)
def test_parents_may_be_contraindicated_from_a_scene_or_a_flag(line, parents, onset) -> None:
    meta = scenario_of(with_meta(line)).meta
    assert meta.parents == parents
    found = meta.parents_onset
    assert (found and (found.always, found.scene, found.flag)) == onset


def test_no_parents_key_means_indicated() -> None:
    meta = scenario_of(BASE).meta
    assert (meta.parents, meta.parents_onset, meta.averting) == ("indicated", None, None)


@pytest.mark.parametrize(
    ("line", "onset"),
    [
        ("averting_duty: met", (True, None, None)),
        ("averting_duty: {met_from: s2}", (False, "s2", None)),
        ("averting_duty: {met_when: delt}", (False, None, "delt")),
    ],
)
def test_the_averting_duty_threshold(line, onset) -> None:
    found = scenario_of(with_meta(line)).meta.averting
    assert (found.always, found.scene, found.flag) == onset


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("parents: {contraindicated_from: s9}", "SC031"),
        ("parents: {contraindicated_when: ukjent}", "SC045"),
        ("averting_duty: {met_from: s9}", "SC031"),
        ("averting_duty: {met_when: ukjent}", "SC045"),
        ("parents: sometimes", "SC015"),
        ("parents: {contraindicated_after: s2}", "SC015"),
        ("averting_duty: kanskje", "SC015"),
    ],
)
def test_a_marker_that_points_nowhere_is_an_error(line: str, code: str) -> None:
    source = with_meta(line)
    marker_line = source.splitlines().index(line.splitlines()[0]) + 1
    assert (code, marker_line) in [(d.code, d.line) for d in check_source(source).diagnostics]


@pytest.mark.parametrize(
    ("onset", "visited", "flags", "holds"),
    [
        (None, ["s1", "s2"], {"delt": True}, False),
        (Onset(True, None, None, 1), [], {}, True),
        (Onset(False, "s2", None, 1), ["s1"], {}, False),
        (Onset(False, "s2", None, 1), ["s1", "s2"], {}, True),
        (Onset(False, None, "delt", 1), ["s1"], {"delt": False}, False),
        (Onset(False, None, "delt", 1), ["s1"], {"delt": True}, True),
    ],
)
def test_onset_holds(onset, visited, flags, holds) -> None:
    assert onset_holds(onset, visited, flags) is holds


# --- services, not ids ---------------------------------------------------------------------------


def test_a_report_is_shown_to_the_child_welfare_service_whatever_its_id() -> None:
    source = BASE.replace(
        "  - id: helse\n    name: Helsesykepleier\n    service: helse\n",
        "  - id: helse\n    name: Helsesykepleier\n    service: helse\n"
        "  - id: barnevernet\n    name: Barneverntjenesten\n    service: barnevern\n",
    ).replace(
        "## Helsesykepleier\n\n- Samtale",
        "## Barneverntjenesten {.passiv}\n\nDu venter.\n\n## Helsesykepleier\n\n- Samtale",
    )
    source = broken("  - Setter: delt", "  - Setter: delt\n  - Handling: melding-bvt", source)
    state = replay(scenario_of(source), [{"type": "choose", "role": "laerer", "choice": "del"}])
    reports = [e for e in visible_log(state, "barnevernet") if e["kind"] == "action"]
    assert [e["action"] for e in reports] == ["report_bvt"]
    assert not [e for e in visible_log(state, "helse") if e["kind"] == "action"]
