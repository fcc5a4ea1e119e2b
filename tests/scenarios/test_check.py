"""Every checker rule, each with a small broken scenario: the code and the line must be right."""

from __future__ import annotations

import pytest

from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.diagnostics import CODES
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import codes
from tests.scenarios.conftest import line_of


def broken(old: str, new: str, source: str = BASE) -> str:
    """Replace one exact fragment of the base scenario, failing loudly if it is not there."""
    assert old in source, old
    return source.replace(old, new, 1)


SCENE3 = """
# Scene: Ekstra {#s3}

## Kontaktlærer

- Noe {#noe .ekspert}

  Grunn.

## Videre

- Ellers: [God](#god)
"""

TIMED_INJECT = """
# Hendelse: Mor skriver {#mor-skriver}

Mor skriver til skolen.

- Til: Kontaktlærer
- Utløses: i s1 etter 2 min
"""

# (name, source, expected code, marker on the expected line)
CASES = [
    ("unknown target", broken("- Ellers: [God](#god)", "- Ellers: [God](#godt)"), "SC001", "(#godt)"),
    ("unreachable scene", BASE + SCENE3, "SC002", "# Scene: Ekstra"),
    (
        "dead end",
        broken("## Videre\n\n- Ellers: [God](#god)\n", ""),
        "SC003",
        "# Scene: Andre",
    ),
    (
        "cycle without exit",
        broken(
            "- Ellers: [God](#god)",
            "- Ellers: [Første](#s1)",
            broken("- Ellers: [Svak](#svak)", "- Ellers: [Andre](#s2)"),
        ),
        "SC004",
        "# Scene: Første",
    ),
    (
        "active role without choice",
        broken(
            "## Helsesykepleier\n\n- Samtale {#samtale .ekspert}\n"
            "  - Handling: samtale-barn (støttende)\n\n  Godt.\n",
            "## Helsesykepleier\n\nDu er på kurs.\n",
        ),
        "SC005",
        "## Helsesykepleier",
    ),
    (
        "flag never set",
        broken("- Hvis `delt`:", "- Hvis `delt og samtykke`:"),
        "SC006",
        "Hvis `delt og samtykke`",
    ),
    ("unknown role in section", broken("## Helsesykepleier", "## Rektor"), "SC007", "## Rektor"),
    (
        "unknown receiver in share",
        broken("fravaer -> helse (samtykke)", "fravaer -> rektor (samtykke)"),
        "SC042",
        "-> rektor",
    ),
    (
        "nobody as receiver",
        broken("fravaer -> helse (samtykke)", "fravaer -> ingen (uten)"),
        "SC042",
        "ingen",
    ),
    (
        "talk with the child without kind",
        broken("samtale-barn (støttende)", "samtale-barn"),
        "SC043",
        "Handling: samtale-barn",
    ),
    (
        "onset flag never set",
        broken(
            "summary: Et lite testscenario.\n",
            "summary: Et lite testscenario.\nparents: {contraindicated_when: x}\n",
        ),
        "SC045",
        "contraindicated_when",
    ),
    ("unknown info", broken("fravaer -> helse", "hodepine -> helse"), "SC008", "hodepine -> helse"),
    (
        "unknown dimension",
        broken("  - Handling: samtale-barn (støttende)", "  - Vurdering: humor +1"),
        "SC009",
        "humor +1",
    ),
    (
        "duplicate scene id",
        broken("# Scene: Andre {#s2 dag=7}", "# Scene: Andre {#s1 dag=7}"),
        "SC010",
        "# Scene: Andre",
    ),
    ("duplicate choice id", broken("- Vent {#vent}", "- Vent {#del}"), "SC010", "- Vent {#del}"),
    ("missing metadata", broken("title: Test\n", ""), "SC011", "---"),
    ("condition never true", broken("- Hvis `delt`:", "- Hvis `bti > 3`:"), "SC012", "bti > 3"),
    (
        "contradictory condition",
        broken("- Hvis `delt`:", "- Hvis `laerer valgte del og laerer valgte vent`:"),
        "SC012",
        "laerer valgte del og",
    ),
    ("choice without rationale", broken("\n  Å vente er risikabelt.\n", ""), "SC013", "- Vent {#vent}"),
    (
        "info never received",
        broken("fravaer -> helse (samtykke)", "fravaer -> laerer (samtykke)"),
        "SC014",
        "Trengs av",
    ),
    ("invalid metadata", broken("language: nb", "language: sv"), "SC015", "language: sv"),
    ("broken front matter", broken("title: Test", "title: [Test"), "SC016", "language: nb"),
    ("empty file", "   \n", "SC017", ""),
    ("no front matter", BASE.split("---\n", 2)[2], "SC017", ""),
    ("condition syntax", broken("- Hvis `delt`:", "- Hvis `delt og (bti >`:"), "SC019", "delt og (bti"),
    (
        "unknown setting",
        broken("  - Setter: delt", "  - Setter: delt\n  - Farge: blå"),
        "SC020",
        "Farge: blå",
    ),
    (
        "invalid value",
        broken("  - Handling: samtale-barn (støttende)", "  - Handling: trylle"),
        "SC021",
        "Handling: trylle",
    ),
    (
        "share without basis",
        broken("fravaer -> helse (samtykke)", "fravaer -> helse"),
        "SC021",
        "Deler: fravaer -> helse",
    ),
    (
        "bad attributes",
        broken("# Scene: Andre {#s2 dag=7}", '# Scene: Andre {#s2 dag="7}'),
        "SC022",
        "# Scene: Andre",
    ),
    ("unknown section", BASE + "\n# Vedlegg\n\nTekst.\n", "SC023", "# Vedlegg"),
    (
        "transition after default",
        broken("- Ellers: [Svak](#svak)", "- Ellers: [Svak](#svak)\n- Hvis `delt`: [God](#god)"),
        "SC026",
        "- Hvis `delt`: [God]",
    ),
    ("no default transition", broken("- Ellers: [Svak](#svak)\n", ""), "SC027", "# Scene: Første"),
    (
        "unknown choice in condition",
        broken("- Hvis `delt`:", "- Hvis `laerer valgte ringe`:"),
        "SC028",
        "laerer valgte ringe",
    ),
    (
        "checkpoint without correct option",
        broken(
            "## Videre\n\n- Hvis",
            "## Sjekkpunkt: Nivå? {#cp}\n\n- Null {#n0}\n- En {#n1}\n\n## Videre\n\n- Hvis",
        ),
        "SC029",
        "## Sjekkpunkt",
    ),
    ("missing introduction", broken("# Innledning\n\nMia er mye borte.\n", ""), "SC030", "---"),
    ("unknown scene in need", broken("helse (innen s2)", "helse (innen s9)"), "SC031", "innen s9"),
    (
        "stray content",
        broken("---\n\n# Innledning", "---\n\nLøs tekst.\n\n# Innledning"),
        "SC032",
        "Løs tekst.",
    ),
    (
        "shares what it cannot know",
        broken(
            "  - Handling: samtale-barn (støttende)",
            "  - Deler: hodepine -> laerer (samtykke)",
            broken("# Scene: Første", "## Hodepine {#hodepine}\n\nVondt.\n\n# Scene: Første"),
        ),
        "SC033",
        "hodepine -> laerer",
    ),
    (
        "accept without proposal",
        broken("  - Handling: samtale-barn (støttende)", "  - Stafett: tar imot"),
        "SC034",
        "Stafett: tar imot",
    ),
    (
        "personal data",
        broken("Mia er mye borte.", "Mia er mye borte. Ring 22 33 44 55."),
        "SC035",
        "Ring 22 33 44 55",
    ),
    (
        "no expert choice",
        broken("- Samtale {#samtale .ekspert}", "- Samtale {#samtale}"),
        "SC036",
        "## Helsesykepleier",
    ),
    ("several expert choices", broken("- Vent {#vent}", "- Vent {#vent .ekspert}"), "SC037", "- Vent {#vent"),
    (
        "unreachable ending",
        BASE + "\n# Slutt: Ekstra {#ekstra vurdering=middels}\n\nTekst.\n",
        "SC038",
        "# Slutt: Ekstra",
    ),
    (
        "misplaced content",
        broken("## Videre\n\n- Hvis `delt`", "## Videre\n\nTekst her.\n\n- Hvis `delt`"),
        "SC039",
        "Tekst her.",
    ),
    (
        "text relies on a timed inject",
        broken("Mandag.", "Mandag. Mor har skrevet (se hendelsen).") + TIMED_INJECT,
        "SC049",
        "# Scene: Første",
    ),
    (
        "role text links to a timed inject",
        broken("- Del {#del .ekspert}", "Les [meldingen](#mor-skriver).\n\n- Del {#del .ekspert}")
        + TIMED_INJECT,
        "SC049",
        "## Kontaktlærer",
    ),
    (
        "no scenes",
        BASE.split("# Scene: Første")[0] + "# Slutt: God {#god vurdering=god}\n\nBra.\n",
        "SC024",
        "---",
    ),
    ("no endings", BASE.split("# Slutt: God")[0], "SC025", "---"),
    ("bad scenario id", broken("id: test", "id: Test;1"), "SC044", "id: Test;1"),
    ("bad role id", broken("  - id: helse\n", "  - id: Helse\n"), "SC044", "  - id: Helse"),
    ("bad scene id", broken("{#s2 dag=7}", "{#s2_b dag=7}").replace("(#s2)", "(#s2_b)"), "SC044", "{#s2_b"),
    ("bad choice id", broken("- Vent {#vent}", "- Vent {#vént}"), "SC044", "- Vent {#vént}"),
    ("role without service", broken("    service: helse\n", ""), "SC040", "  - id: helse"),
    ("unknown service", broken("service: helse", "service: sykehus"), "SC041", "  - id: helse"),
    (
        "task basis from health personnel",
        broken(
            "- Samtale {#samtale .ekspert}\n  - Handling: samtale-barn (støttende)\n",
            "- Samtale {#samtale .ekspert}\n  - Handling: samtale-barn (støttende)\n"
            "  - Deler: fravaer -> laerer (oppgave)\n",
        ),
        "SC048",
        "  - Deler: fravaer -> laerer (oppgave)",
    ),
]


@pytest.mark.parametrize(("name", "source", "code", "marker"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_code_at_line(name: str, source: str, code: str, marker: str) -> None:
    expected_line = line_of(source, marker) if marker else 1
    assert (code, expected_line) in codes(source), codes(source)


def test_every_code_in_the_catalogue_has_a_case() -> None:
    # SC018 (too large) and SC046 (unreadable file) are tested below, SC047 (remote image) in test_images.py.
    tested = {case[2] for case in CASES} | {"SC018", "SC046", "SC047"}
    assert tested == set(CODES)


def test_too_large_file_is_one_diagnostic() -> None:
    huge = BASE + ("x" * 1024 + "\n") * 6000
    assert codes(huge) == [("SC018", 1)]


def test_binary_input_is_a_diagnostic() -> None:
    result = check_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert [d.code for d in result.diagnostics] == ["SC017"]
    assert result.scenario is None


def test_not_utf8_reports_line() -> None:
    result = check_source("---\nid: x\n---\n\n# Innledning\n\nLøs".encode("latin-1"))
    assert [(d.code, d.line) for d in result.diagnostics] == [("SC017", 7)]


def test_all_problems_reported_in_one_pass() -> None:
    source = broken("- Ellers: [God](#god)", "- Ellers: [God](#godt)")
    source = broken("language: nb", "language: sv", source)
    source = broken("  - Handling: samtale-barn (støttende)", "  - Handling: trylle", source)
    found = {code for code, _ in codes(source)}
    assert {"SC001", "SC015", "SC021"} <= found


def test_messages_in_english_with_flag() -> None:
    source = broken("- Ellers: [God](#god)", "- Ellers: [God](#godt)")
    nb = next(d for d in check_source(source).diagnostics if d.code == "SC001")
    en = next(d for d in check_source(source, lang="en").diagnostics if d.code == "SC001")
    assert "finnes ingen scene" in nb.message
    assert "no scene or ending" in en.message
    assert en.code == nb.code and en.line == nb.line


def test_warnings_do_not_block_play() -> None:
    result = check_source(broken("\n  Å vente er risikabelt.\n", ""))
    assert [d.severity for d in result.diagnostics] == ["warning"]
    assert result.ok


def test_valid_base_has_no_diagnostics() -> None:
    assert codes(BASE) == []


@pytest.mark.parametrize(
    ("role", "name", "guess"),
    [
        ("helsesykepleier", "Helsesykepleier", "helse"),
        ("bvt", "BVT", "barnevern"),
        ("kontaktlaerer", "Kontaktlærer", "skole"),
        ("pedagogisk-leder", "Pedagogisk leder (barnehage)", "barnehage"),
        ("rektor", "Rektor", "leder"),
        ("ppt", "PPT", "ppt"),
    ],
)
def test_a_role_without_service_gets_a_hint_with_the_likely_service(role: str, name: str, guess: str) -> None:
    declared = "  - id: helse\n    name: Helsesykepleier\n    service: helse\n"
    source = broken(declared, f"  - id: {role}\n    name: {name}\n")
    source = source.replace("Helsesykepleier", name).replace("helse (innen", f"{role} (innen")
    source = source.replace("-> helse (", f"-> {role} (")
    found = [d for d in check_source(source).diagnostics if d.code == "SC040"]
    assert len(found) == 1 and found[0].severity == "error"
    assert f"`service: {guess}`" in found[0].hint
    assert "skole, barnehage, ppt, barnevern, helse, leder, annet" in found[0].hint


def test_an_unknown_service_lists_the_seven_words() -> None:
    found = next(d for d in check_source(broken("service: helse", "service: sykehus")).diagnostics)
    assert found.code == "SC041" and "sykehus" in found.message
    assert found.hint.endswith("skole, barnehage, ppt, barnevern, helse, leder, annet.")


def test_the_service_lands_on_the_role() -> None:
    scenario = check_source(BASE).scenario
    assert [(r.id, r.service) for r in scenario.meta.roles] == [("laerer", "skole"), ("helse", "helse")]


@pytest.mark.parametrize("bad", ["test\r\nx", "tëst", "te;st", "te st", "Test"])
def test_a_scenario_id_is_only_lower_case_ascii_digits_and_hyphens(bad: str) -> None:
    source = broken("id: test", 'id: "' + bad.encode("unicode_escape").decode() + '"')
    found = [d for d in check_source(source).diagnostics if d.code == "SC044"]
    assert len(found) == 1 and found[0].severity == "error"
    assert "\n" not in found[0].message and "\r" not in found[0].message
    assert check_source(source).scenario.meta.id == bad


@pytest.mark.parametrize(
    "source",
    [
        broken("title: Test", "title: [Test"),
        BASE.split("---\n", 2)[2],
        BASE.replace("---\n\n# Innledning", "\n# Innledning"),
        broken("id: test\n", "- x\n"),
    ],
    ids=["bad yaml", "no front matter", "unclosed front matter", "not a mapping"],
)
def test_a_broken_front_matter_is_one_root_cause_diagnostic(source: str) -> None:
    result = check_source(source)
    assert [d.code for d in result.diagnostics] in (["SC016"], ["SC017"])
    assert not result.ok


def test_an_unclosed_front_matter_says_so() -> None:
    [diagnostic] = check_source(BASE.replace("---\n\n# Innledning", "\n# Innledning")).diagnostics
    assert "ingen `---`-linje som avslutter" in diagnostic.message


def test_unknown_setting_hint_lists_the_norwegian_keys() -> None:
    hint = next(
        d.hint
        for d in check_source(broken("  - Setter: delt", "  - Setter: delt\n  - Farge: blå")).diagnostics
    )
    for key in (
        "Krever:",
        "Setter:",
        "BTI:",
        "Deler:",
        "Stafett:",
        "Handling:",
        "Tiltak:",
        "Oppfølging:",
        "Vurdering:",
        "Retning:",
        "Tilbakemelding:",
        "Hjemmel:",
    ):
        assert f"`{key}`" in hint
    assert "action" not in hint and "assessment" not in hint and "baton" not in hint


def test_unknown_action_hint_lists_every_action() -> None:
    [diagnostic] = check_source(broken("samtale-barn (støttende)", "trylle")).diagnostics
    from scenarios.vocabulary import ACTIONS

    assert len(set(ACTIONS.values())) == 17
    for word in (
        "observere",
        "dokumentere",
        "drøfte-leder",
        "anonym-drøfting",
        "samtale-barn",
        "samtale-foreldre",
        "samtykke",
        "melding-bvt",
        "melding-politi",
        "henvisning-ppt",
        "samarbeidsmøte",
        "stafettlogg",
        "evaluering",
        "tilbakemelding-melder",
        "avslutte",
        "undersøkelse",
        "vente",
    ):
        assert word in diagnostic.hint


NURSE_PASSES_ON = (
    "## Videre\n\n- Ellers: [God](#god)",
    "## Helsesykepleier\n\n- Gi videre {#videre .ekspert}\n  - Deler: fravaer -> laerer (samtykke)\n\n"
    "  Grunn.\n\n## Videre\n\n- Ellers: [God](#god)",
)


def sc033(source: str) -> list[str]:
    return [d.message for d in check_source(source).diagnostics if d.code == "SC033"]


def test_a_share_reached_only_after_the_item_was_given_is_fine() -> None:
    # s2 is reached only when `delt` is set, and only the choice that shares `fravaer` sets it.
    assert sc033(broken(*NURSE_PASSES_ON)) == []


def test_sc033_names_the_path_on_which_the_role_never_got_the_item() -> None:
    source = broken(
        *NURSE_PASSES_ON,
        broken("- Hvis `delt`: [Andre](#s2)\n- Ellers: [Svak](#svak)", "- Ellers: [Andre](#s2)"),
    )
    assert sc033(source) == [
        "«Helsesykepleier» deler «fravaer» i scenen «s2», men har ikke fått den på veien "
        "s1 (laerer: vent) → s2."
    ]
    [diagnostic] = [d for d in check_source(source).diagnostics if d.code == "SC033"]
    assert (
        diagnostic.line == line_of(source, "fravaer -> laerer") and "`helse vet fravaer`" in diagnostic.hint
    )


def test_a_choice_that_requires_the_item_is_not_reported() -> None:
    source = broken(
        *NURSE_PASSES_ON,
        broken("- Hvis `delt`: [Andre](#s2)\n- Ellers: [Svak](#svak)", "- Ellers: [Andre](#s2)"),
    )
    source = broken(
        "  - Deler: fravaer -> laerer (samtykke)",
        "  - Krever: `helse vet fravaer`\n  - Deler: fravaer -> laerer (samtykke)",
        source,
    )
    assert sc033(source) == []


def test_a_transition_that_knows_the_item_guards_the_next_scene() -> None:
    source = broken(
        *NURSE_PASSES_ON, broken("- Hvis `delt`: [Andre](#s2)", "- Hvis `helse vet fravaer`: [Andre](#s2)")
    )
    assert sc033(source) == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nb", "Fila kan ikke leses: fila finnes ikke."),
        ("en", "The file cannot be read: the file does not exist."),
    ],
)
def test_missing_file_is_named_in_the_users_language(tmp_path, lang: str, expected: str) -> None:
    [diagnostic] = check_file(tmp_path / "finnes-ikke.md", lang).diagnostics
    assert (diagnostic.code, diagnostic.message) == ("SC046", expected)


def test_folder_given_as_file_says_it_is_a_folder(tmp_path) -> None:
    [diagnostic] = check_file(tmp_path).diagnostics
    assert diagnostic.message == "Fila kan ikke leses: det er en mappe, ikke en fil."


def test_a_timed_inject_the_text_does_not_rely_on_is_fine() -> None:
    assert not [c for c in codes(BASE + TIMED_INJECT) if c[0] == "SC049"]


def test_speaking_of_the_event_is_fine_when_one_fires_as_the_scene_begins() -> None:
    at_start = TIMED_INJECT.replace(
        "# Hendelse: Mor skriver {#mor-skriver}", "# Hendelse: Brev {#brev}"
    ).replace(" etter 2 min", "")
    source = broken("Mandag.", "Mandag. Se hendelsen.") + TIMED_INJECT + at_start
    assert not [c for c in codes(source) if c[0] == "SC049"]
