"""Every course checker rule, each with a broken copy of the fixture: code, file and line must be right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courses.check import check_course
from courses.diagnostics import CODES
from scenarios.diagnostics import WARNING
from tests.courses.conftest import MINI
from tests.courses.conftest import SCENARIOS
from tests.courses.conftest import broken_course
from tests.courses.conftest import line_of

PRACTICE = (
    "## Øv: Fravær og hodepine {#ov-helse}\n\nSpill helsesykepleieren.\n\n"
    "- Scenario: fravaer-og-hodepine\n- Rolle: helsesykepleier\n- Profil: ekspert\n"
)
KEY_A = "- Alternativ A {#a .riktig}\n  - Tilbakemelding: Godt.\n"
KEY_A_LONG = "- Alternativ A, med en lang og grundig begrunnelse {#a .riktig}\n  - Tilbakemelding: Godt.\n"
KEY_A_SHORT = "- A {#a .riktig}\n  - Tilbakemelding: Godt.\n"
OPTION_B_PLAIN = "- Alternativ B {#b}\n  - Tilbakemelding: Tenk igjen.\n"
OPTION_C_PLAIN = "- Alternativ C {#c}\n  - Tilbakemelding: Nei.\n"
P6 = "Situasjon 6: hva gjør du?\n\n"
OPTION_B = "- Snakker med eleven {#b .riktig}\n  - Tilbakemelding: Riktig, start med barnet.\n"

# (name, edits, expected code, file of the diagnostic, marker on the expected line, the line, or None for 1)
CASES = [
    ("missing metadata", [("course.md", "license: CC BY 4.0\n", "")], "CO001", "course.md", None),
    ("missing lesson metadata", [("04-slutt.md", "minutes: 5\n", "")], "CO001", "04-slutt.md", None),
    ("bad language", [("course.md", "language: nb", "language: de")], "CO002", "course.md", "language:"),
    ("pass mark 0", [("course.md", "pass_mark: 80", "pass_mark: 0")], "CO002", "course.md", "pass_mark:"),
    ("pass mark 101", [("course.md", "pass_mark: 80", "pass_mark: 101")], "CO002", "course.md", "pass_mark:"),
    (
        "validity 61",
        [("course.md", "validity_months: 12", "validity_months: 61")],
        "CO002",
        "course.md",
        "validity_months:",
    ),
    (
        "validity text",
        [("course.md", "validity_months: 12", "validity_months: ett år")],
        "CO002",
        "course.md",
        "validity",
    ),
    ("three lessons", [("04-slutt.md", None, None)], "CO003", "course.md", None),
    (
        "nine lessons",
        [
            (f"{n:02d}-ekstra.md", None, f"---\nid: e{n}\ntitle: E\nminutes: 1\n---\n\nTekst.\n")
            for n in range(5, 10)
        ],
        "CO003",
        "course.md",
        None,
    ),
    ("duplicate lesson id", [("04-slutt.md", "id: slutt", "id: start")], "CO004", "04-slutt.md", "id: start"),
    (
        "duplicate question id",
        [("02-midt.md", "{#q-flere .flervalg}", "{#q-start .flervalg}")],
        "CO004",
        "02-midt.md",
        "## Spørsmål",
    ),
    ("duplicate final question id", [("prove.md", "{#p2}", "{#q-start}")], "CO004", "prove.md", "{#q-start}"),
    (
        "duplicate option id",
        [("02-midt.md", "- Naboen {#c}", "- Naboen {#a}")],
        "CO004",
        "02-midt.md",
        "- Naboen",
    ),
    ("one option", [("01-start.md", OPTION_B, "")], "CO005", "01-start.md", "## Spørsmål"),
    (
        "no options",
        [("01-start.md", "- Venter {#a}", "Venter"), ("01-start.md", OPTION_B, "")],
        "CO005",
        "01-start.md",
        "## Spørsmål",
    ),
    (
        "two correct single",
        [("01-start.md", "- Venter {#a}", "- Venter {#a .riktig}")],
        "CO006",
        "01-start.md",
        "## Spørsmål",
    ),
    ("no correct single", [("01-start.md", "{#b .riktig}", "{#b}")], "CO006", "01-start.md", "## Spørsmål"),
    (
        "multiple without correct",
        [("02-midt.md", "{#a .riktig}", "{#a}"), ("02-midt.md", "{#b .riktig}", "{#b}")],
        "CO007",
        "02-midt.md",
        "## Spørsmål",
    ),
    (
        "no explanation",
        [("01-start.md", "Forklaring: Barnets stemme kommer først.\n", "")],
        "CO008",
        "01-start.md",
        "## Spørsmål",
    ),
    (
        "option without feedback",
        [("01-start.md", "  - Tilbakemelding: Å vente hjelper ikke.\n", "")],
        "CO009",
        "01-start.md",
        "- Venter",
    ),
    ("no final quiz", [("prove.md", None, None)], "CO010", "prove.md", None),
    (
        "nine final questions",
        [("prove.md", "## Spørsmål {#p10}", "### Ikke et spørsmål")],
        "CO010",
        "prove.md",
        None,
    ),
    (
        "unknown scenario",
        [("03-ov.md", "- Scenario: fravaer-og-hodepine", "- Scenario: finnes-ikke")],
        "CO011",
        "03-ov.md",
        "- Scenario:",
    ),
    (
        "unknown role",
        [("03-ov.md", "- Rolle: helsesykepleier", "- Rolle: rektor")],
        "CO012",
        "03-ov.md",
        "- Rolle:",
    ),
    ("no practice", [("03-ov.md", PRACTICE, "")], "CO013", "course.md", None),
    (
        "unknown block",
        [("04-slutt.md", "Oppsummering.\n", "## Oppsummering\n\nTekst.\n")],
        "CO014",
        "04-slutt.md",
        "## Oppsummering",
    ),
    (
        "block in course.md",
        [("course.md", "Velkommen", "## Spørsmål {#x}\n\nVelkommen")],
        "CO014",
        "course.md",
        "## Spørsmål",
    ),
    (
        "reflection in quiz",
        [("prove.md", "## Spørsmål {#p10}", "## Refleksjon {#r}\n\nTekst.\n\n## Spørsmål {#p10}")],
        "CO014",
        "prove.md",
        "## Refleksjon",
    ),
    (
        "unknown practice setting",
        [("03-ov.md", "- Profil: ekspert", "- Profil: ekspert\n- Farge: blå")],
        "CO015",
        "03-ov.md",
        "- Farge",
    ),
    (
        "unknown option setting",
        [("01-start.md", "hjelper ikke.\n", "hjelper ikke.\n  - Poeng: 3\n")],
        "CO015",
        "01-start.md",
        "- Poeng",
    ),
    (
        "image without alt",
        [("01-start.md", "![Et enkelt diagram](bilder/diagram.svg)", "![](bilder/diagram.svg)")],
        "CO016",
        "01-start.md",
        "![](",
    ),
    ("folder id mismatch", [("course.md", "id: mini-kurs", "id: annet-kurs")], "CO017", "course.md", None),
    ("binary lesson", [("04-slutt.md", None, b"\x00\x01\x02")], "CO018", "04-slutt.md", None),
    ("empty lesson", [("04-slutt.md", None, "  \n")], "CO018", "04-slutt.md", None),
    (
        "latin-1 lesson",
        [("04-slutt.md", None, "---\nid: s\n---\nBl\xe5".encode("latin-1"))],
        "CO018",
        "04-slutt.md",
        4,
    ),
    ("no front matter", [("04-slutt.md", None, "Bare tekst.\n")], "CO018", "04-slutt.md", None),
    ("missing course.md", [("course.md", None, None)], "CO018", "course.md", None),
    (
        "broken yaml",
        [("course.md", "title: Minikurs", "title: [Minikurs")],
        "CO019",
        "course.md",
        "language:",
    ),
    ("yaml list", [("04-slutt.md", None, "---\n- a\n- b\n---\n\nTekst.\n")], "CO019", "04-slutt.md", "- a"),
    ("option without id", [("01-start.md", "- Venter {#a}", "- Venter")], "CO020", "01-start.md", "- Venter"),
    (
        "practice without role",
        [("03-ov.md", "- Rolle: helsesykepleier\n", "")],
        "CO021",
        "03-ov.md",
        "## Øv:",
    ),
    ("bad profile", [("03-ov.md", "- Profil: ekspert", "- Profil: modig")], "CO022", "03-ov.md", "- Profil:"),
    (
        "one multiple-choice in quiz",
        [
            ("prove.md", "{#p3 .flervalg}", "{#p3}"),
            ("prove.md", "- Alternativ B {#b .riktig}", "- Alternativ B {#b}"),
        ],
        "CO023",
        "prove.md",
        None,
    ),
    (
        "block without id",
        [("01-start.md", "## Refleksjon {#r-start}", "## Refleksjon")],
        "CO024",
        "01-start.md",
        "## Refleksjon",
    ),
    ("key longest", [("prove.md", KEY_A, KEY_A_LONG)] * 6, "CO025", "course.md", None),
    (
        "key first",
        [
            ("prove.md", OPTION_B_PLAIN + KEY_A, KEY_A + OPTION_B_PLAIN),
            ("prove.md", P6 + OPTION_C_PLAIN + KEY_A, P6 + KEY_A + OPTION_C_PLAIN),
        ],
        "CO026",
        "course.md",
        None,
    ),
    ("key shortest", [("prove.md", KEY_A, KEY_A_SHORT)] * 6, "CO028", "course.md", None),
    ("all but one", [("prove.md", "{#d}", "{#d .riktig}")] * 2, "CO027", "course.md", None),
]


@pytest.mark.parametrize(("name", "edits", "code", "file", "marker"), CASES, ids=[c[0] for c in CASES])
def test_rule(tmp_path, name, edits, code, file, marker) -> None:
    folder = broken_course(tmp_path, edits)
    result = check_course(folder, SCENARIOS)
    path = folder / file
    expected = line_of(path, marker) if path.exists() else 1
    found = [(d.code, d.path, d.line) for d in result.diagnostics]
    assert (code, str(path), expected) in found, found


def test_every_code_has_a_case() -> None:
    assert {c[2] for c in CASES} == set(CODES)


def test_fixture_is_clean_with_given_and_library_scenarios() -> None:
    for scenarios in (SCENARIOS, None):
        result = check_course(MINI, scenarios)
        assert result.diagnostics == (), [d.format() for d in result.diagnostics]
        assert result.ok


def test_warnings_do_not_fail(tmp_path) -> None:
    folder = broken_course(tmp_path, [("course.md", "id: mini-kurs", "id: annet-kurs")])
    result = check_course(folder, SCENARIOS)
    assert [d.severity for d in result.diagnostics] == [WARNING]
    assert result.ok


def test_missing_folder_reports_instead_of_raising(tmp_path) -> None:
    result = check_course(tmp_path / "finnes-ikke", SCENARIOS)
    assert not result.ok
    assert "CO018" in {d.code for d in result.diagnostics}


def test_english_messages(tmp_path) -> None:
    folder = broken_course(tmp_path, [("01-start.md", "{#b .riktig}", "{#b}")])
    result = check_course(folder, SCENARIOS, lang="en")
    message = next(d.message for d in result.diagnostics if d.code == "CO006")
    assert message.startswith("Single-choice question 'q-start'")


def test_every_code_has_both_languages() -> None:
    for code in CODES.values():
        assert code.message_nb and code.message_en and code.hint_nb and code.hint_en
        assert code.message_nb != code.message_en


def test_library_courses_check_clean() -> None:
    library = Path(__file__).resolve().parents[2] / "courses" / "library"
    folders = sorted(p for p in library.iterdir() if p.is_dir()) if library.is_dir() else []
    for folder in folders:
        result = check_course(folder)
        assert result.diagnostics == (), [d.format() for d in result.diagnostics]


def test_docs_list_every_code() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "course-format.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (CO\d+) \| (\S+) \|", doc, re.MULTILINE))
    assert rows == {code: entry.slug for code, entry in CODES.items()}
