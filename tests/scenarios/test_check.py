"""Every checker rule, each with a small broken scenario: the code and the line must be right."""

from __future__ import annotations

import pytest

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
            "## Helsesykepleier\n\n- Samtale {#samtale .ekspert}\n  - Handling: samtale-barn\n\n  Godt.\n",
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
        "unknown role in share",
        broken("fravaer -> helse (samtykke)", "fravaer -> rektor (samtykke)"),
        "SC007",
        "-> rektor",
    ),
    ("unknown info", broken("fravaer -> helse", "hodepine -> helse"), "SC008", "hodepine -> helse"),
    (
        "unknown dimension",
        broken("  - Handling: samtale-barn", "  - Vurdering: humor +1"),
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
        broken("  - Handling: samtale-barn", "  - Handling: trylle"),
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
            "  - Handling: samtale-barn",
            "  - Deler: hodepine -> laerer (samtykke)",
            broken("# Scene: Første", "## Hodepine {#hodepine}\n\nVondt.\n\n# Scene: Første"),
        ),
        "SC033",
        "hodepine -> laerer",
    ),
    (
        "accept without proposal",
        broken("  - Handling: samtale-barn", "  - Stafett: tar imot"),
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
        "no scenes",
        BASE.split("# Scene: Første")[0] + "# Slutt: God {#god vurdering=god}\n\nBra.\n",
        "SC024",
        "---",
    ),
    ("no endings", BASE.split("# Slutt: God")[0], "SC025", "---"),
]


@pytest.mark.parametrize(("name", "source", "code", "marker"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_code_at_line(name: str, source: str, code: str, marker: str) -> None:
    expected_line = line_of(source, marker) if marker else 1
    assert (code, expected_line) in codes(source), codes(source)


def test_every_code_in_the_catalogue_has_a_case() -> None:
    tested = {case[2] for case in CASES} | {"SC018"}  # SC018 (too large) is tested below
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
    source = broken("  - Handling: samtale-barn", "  - Handling: trylle", source)
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
