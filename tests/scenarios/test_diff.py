"""Diffs between scenario versions: line numbers on both sides, and the changes a reviewer reads in words."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from scenarios.check import check_source
from scenarios.diff import ADDED
from scenarios.diff import CHANGED
from scenarios.diff import CONTEXT
from scenarios.diff import REMOVED
from scenarios.diff import RERATED
from scenarios.diff import REROUTED
from scenarios.diff import RETITLED
from scenarios.diff import REVISED
from scenarios.diff import Change
from scenarios.diff import diff_sources
from scenarios.diff import structural_changes
from scenarios.diff import unified
from scenarios.model import Scenario
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import line_of

LIBRARY = sorted((Path(__file__).resolve().parents[2] / "scenarios" / "library").glob("*.md"))

NEW_SCENE = """\
# Scene: Tredje {#s3 dag=14}

## Kontaktlærer

- Følg opp {#folg .ekspert}
  - Handling: evaluering

  Godt.

## Videre

- Ellers: [God](#god)

"""


def scenario(source: str) -> Scenario:
    parsed = check_source(source).scenario
    assert parsed is not None
    return parsed


def changes(old: str, new: str, lang: str = "nb") -> list[Change]:
    return structural_changes(scenario(old), scenario(new), lang)


# --- Line diff ------------------------------------------------------------------------------


def test_identical_sources_have_no_hunks() -> None:
    assert diff_sources(BASE, BASE) == []
    assert diff_sources(BASE, BASE.replace("\n", "\r\n")) == []  # line endings are not a change
    assert unified([]) == ""


def test_a_changed_line_has_its_number_on_both_sides() -> None:
    new = BASE.replace("# Scene: Andre {#s2 dag=7}", "# Scene: Andre runde {#s2 dag=7}")
    [hunk] = diff_sources(BASE, new)
    assert hunk.kind == CHANGED
    changed = [line for line in hunk.lines if line.kind != CONTEXT]
    number = line_of(BASE, "# Scene: Andre")
    assert [(line.kind, line.old_line, line.new_line, line.text) for line in changed] == [
        (REMOVED, number, None, "# Scene: Andre {#s2 dag=7}"),
        (ADDED, None, number, "# Scene: Andre runde {#s2 dag=7}"),
    ]
    context = [line for line in hunk.lines if line.kind == CONTEXT]
    assert len(context) == 6 and all(line.old_line == line.new_line for line in context)


def test_lines_after_an_insertion_are_numbered_on_each_side() -> None:
    new = BASE.replace("# Slutt: God", NEW_SCENE + "# Slutt: God")
    [hunk] = diff_sources(BASE, new)
    assert hunk.kind == ADDED
    added = [line for line in hunk.lines if line.kind == ADDED]
    assert len(added) == NEW_SCENE.count("\n")
    assert added[0].new_line == line_of(new, "# Scene: Tredje")
    after = [line for line in hunk.lines if line.kind == CONTEXT and line.old_line > added[0].new_line]
    assert after and all(line.new_line == line.old_line + len(added) for line in after)


def test_removed_lines_keep_their_old_numbers() -> None:
    new = BASE.replace("- Vent {#vent}\n\n  Å vente er risikabelt.\n\n", "")
    [hunk] = diff_sources(BASE, new)
    assert hunk.kind == REMOVED
    removed = [line for line in hunk.lines if line.kind == REMOVED]
    assert removed[0].old_line == line_of(BASE, "- Vent {#vent}")
    assert [line.text for line in removed][:1] == ["- Vent {#vent}"]


CASES = {
    "change": (BASE, BASE.replace("Mandag.", "Tirsdag.")),
    "insert-at-start": (BASE, "Ny første linje\n" + BASE),
    "delete-at-end": (BASE, BASE.rsplit("\n", 3)[0] + "\n"),
    "from-empty": ("", BASE),
    "to-empty": (BASE, ""),
    "two-places": (BASE, BASE.replace("Mandag.", "Tirsdag.").replace("Dårlig.", "Svakt.")),
}


@pytest.mark.parametrize("old, new", CASES.values(), ids=list(CASES))
def test_hunks_are_numbered_like_diff_u(old: str, new: str) -> None:
    expected = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "old", "new", lineterm=""))
    assert unified(diff_sources(old, new)).splitlines() == expected


@pytest.mark.parametrize("old, new", CASES.values(), ids=list(CASES))
def test_every_line_number_points_at_that_text(old: str, new: str) -> None:
    a, b = old.splitlines(), new.splitlines()
    for hunk in diff_sources(old, new):
        for line in hunk.lines:
            if line.old_line is not None:
                assert a[line.old_line - 1] == line.text
            if line.new_line is not None:
                assert b[line.new_line - 1] == line.text


# --- Structural changes ---------------------------------------------------------------------


def test_no_structural_changes_for_the_same_scenario() -> None:
    assert changes(BASE, BASE) == []
    assert changes(BASE, BASE.replace("Mandag.", "Tirsdag.")) == []  # text only: the line diff shows it


def test_scene_added_and_rerouted() -> None:
    new = BASE.replace("# Slutt: God", NEW_SCENE + "# Slutt: God").replace(
        "- Ellers: [God](#god)\n\n# Scene: Tredje", "- Ellers: [Tredje](#s3)\n\n# Scene: Tredje"
    )
    found = changes(BASE, new)
    assert [(c.kind, c.element, c.id) for c in found] == [
        (REROUTED, "scene", "s2"),
        (ADDED, "scene", "s3"),
    ]
    rerouted, added = found
    assert added.new_line == line_of(new, "# Scene: Tredje") and added.old_line is None
    assert added.message == "Scenen «Tredje» (s3) er lagt til."
    assert rerouted.message == "Scenen «s2» fører nå til «s3» (før «god»)."


def test_scene_removed_retitled_and_ending_rerated() -> None:
    old = BASE.replace("# Slutt: God", NEW_SCENE + "# Slutt: God")
    new = BASE.replace("# Scene: Første {#s1", "# Scene: Den første uka {#s1").replace(
        "{#svak vurdering=svak}", "{#svak vurdering=middels}"
    )
    found = changes(old, new)
    assert [(c.kind, c.element, c.id) for c in found] == [
        (REMOVED, "scene", "s3"),
        (RETITLED, "scene", "s1"),
        (RERATED, "ending", "svak"),
    ]
    removed, retitled, rerated = found
    assert removed.old_line == line_of(old, "# Scene: Tredje") and removed.new_line is None
    assert retitled.message == "Scenen «s1» heter nå «Den første uka» (før «Første»)."
    assert rerated.message == "Slutten «svak» er nå vurdert som middels (før svak)."


def test_roles_choices_information_and_title() -> None:
    new = (
        BASE.replace("title: Test", "title: Test to")
        .replace("    name: Helsesykepleier", "    name: Skolehelsetjenesten")
        .replace("## Helsesykepleier", "## helse")
        .replace("- Vent {#vent}", "- Vent og se {#vent}")
        .replace("- Meld {#meld .ekspert}", "- Ring barnevernet {#ring .ekspert}")
        .replace("## Fravær {#fravaer}", "## Fravær i høst {#fravaer}")
    )
    found = changes(BASE, new)
    assert [(c.kind, c.element, c.id) for c in found] == [
        (RETITLED, "scenario", "test"),
        (RETITLED, "role", "helse"),
        (RETITLED, "info", "fravaer"),
        (REMOVED, "choice", "s2/laerer/meld"),  # removed ones first, then the rest in file order
        (RETITLED, "choice", "s1/laerer/vent"),
        (ADDED, "choice", "s2/laerer/ring"),
    ]
    assert found[0].message == "Scenariet heter nå «Test to» (før «Test»)."
    assert found[1].message == "Rollen «helse» heter nå «Skolehelsetjenesten» (før «Helsesykepleier»)."
    assert found[-1].new_line == line_of(new, "- Ring barnevernet")


def test_choices_of_a_new_scene_come_with_the_scene() -> None:
    new = BASE.replace("# Slutt: God", NEW_SCENE + "# Slutt: God")
    assert [c.element for c in changes(BASE, new)] == ["scene"]


def test_messages_in_english() -> None:
    new = BASE.replace("# Slutt: God", NEW_SCENE + "# Slutt: God").replace("{#god vurdering=god}", "{#god}")
    messages = [c.message for c in changes(BASE, new, lang="en")]
    assert "Scene 'Tredje' (s3) was added." in messages
    assert "Ending 'god' is now rated mixed (was good)." in messages


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_a_library_scenario_against_a_shortened_copy(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    original = scenario(source)
    last = original.endings[-1]
    lines = source.splitlines(keepends=True)
    shortened = "".join(lines[: last.line - 1])
    found = changes(source, shortened)
    assert [(c.kind, c.element, c.id, c.old_line) for c in found] == [(REMOVED, "ending", last.id, last.line)]
    [hunk] = diff_sources(source, shortened)
    assert hunk.kind == REMOVED and hunk.old_start == last.line - 3


def test_a_changed_share_baton_bti_level_and_action_of_a_choice_are_reported() -> None:
    new = (
        BASE.replace("Deler: fravaer -> helse (samtykke)", "Deler: fravaer -> laerer, helse (samtykke)")
        .replace(
            "  - Handling: samtale-barn (støttende)", "  - Handling: samtale-barn (støttende)\n  - BTI: 1"
        )
        .replace("  - Handling: melding-bvt", "  - Handling: melding-bvt\n  - Stafett: foreslå helse")
    )
    found = changes(BASE, new)
    assert [(c.kind, c.element, c.id) for c in found] == [
        (REVISED, "choice", "s1/laerer/del"),
        (REVISED, "choice", "s1/helse/samtale"),
        (REVISED, "choice", "s2/laerer/meld"),
    ]
    assert found[0].message == (
        "Valget «s1/laerer/del» deler nå «fravaer -> laerer, helse (consent)» "
        "(før «fravaer -> helse (consent)»)."
    )
    assert found[1].message == "Valget «s1/helse/samtale» setter nå BTI-nivå «1» (før ingenting)."
    english = [c.message for c in changes(BASE, new, lang="en")]
    assert "Choice 's2/laerer/meld' now does this with the baton: 'propose helse' (was nothing)." in english


def test_a_changed_action_of_a_choice_is_reported() -> None:
    new = BASE.replace("  - Handling: melding-bvt", "  - Handling: samtale-barn")
    [change] = changes(BASE, new)
    assert change.kind == REVISED and "handlingene «talk_child» (før «report_bvt»)" in change.message


def test_a_changed_service_of_a_role_is_reported() -> None:
    new = BASE.replace("    service: helse\n", "    service: annet\n")
    [change] = changes(BASE, new)
    assert change.kind == REVISED and change.element == "role" and change.id == "helse"
    assert "tjenesten «annet» (før «helse»)" in change.message


def test_a_share_moved_to_an_outside_receiver_is_reported() -> None:
    new = BASE.replace("fravaer -> helse (samtykke)", "fravaer -> politi (avverging)")
    [change] = changes(BASE, new)
    assert "fravaer -> politi (duty_to_avert)" in change.message


def test_a_changed_onset_of_the_case_markers_is_reported() -> None:
    summary = "summary: Et lite testscenario.\n"
    old = BASE.replace(summary, summary + "parents: contraindicated\n")
    markers = "parents: {contraindicated_from: s2}\naverting_duty: met\n"
    new = old.replace("parents: contraindicated\n", markers)
    messages = [c.message for c in changes(old, new)]
    assert messages == [
        "Scenariet «test» sier nå at foreldrene er kontraindisert «fra scenen s2» (før «i hele saken»).",
        "Scenariet «test» sier nå at terskelen i strl. § 196 er nådd «i hele saken» (før ingenting).",
    ]
