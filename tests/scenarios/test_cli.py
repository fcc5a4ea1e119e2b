"""`laget scenarios check|show|explore`: exit codes and the documented JSON shapes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from scenarios.cli import scenarios
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import FIXTURES
from tests.scenarios.conftest import line_of


def run(*args: str):
    return CliRunner().invoke(scenarios, list(args))


def test_check_clean_file_exits_0() -> None:
    result = run("check", str(FIXTURES / "minimal.md"))
    assert result.exit_code == 0, result.output
    assert "0 feil" in result.output


def test_check_errors_exit_1_with_line(tmp_path) -> None:
    path = tmp_path / "feil.md"
    path.write_text(BASE.replace("- Ellers: [God](#god)", "- Ellers: [God](#godt)"), encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert f"{path}:" in result.output and "SC001" in result.output


def test_check_json_shape(tmp_path) -> None:
    path = tmp_path / "feil.md"
    path.write_text(BASE.replace("language: nb", "language: sv"), encoding="utf-8")
    result = run("check", "--format", "json", str(path), str(FIXTURES / "minimal.md"))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [f["path"] for f in data["files"]] == [str(path), str(FIXTURES / "minimal.md")]
    diagnostic = data["files"][0]["diagnostics"][0]
    assert set(diagnostic) == {"code", "severity", "line", "message", "hint"}
    assert diagnostic["code"] == "SC015" and diagnostic["line"] == 4
    assert data["files"][1]["diagnostics"] == []


def test_check_missing_file_is_a_diagnostic(tmp_path) -> None:
    result = run("check", str(tmp_path / "finnes-ikke.md"))
    assert result.exit_code == 1
    assert "SC046 [error] Fila kan ikke leses: fila finnes ikke." in result.output
    assert "No such file" not in result.output


def test_check_english_messages(tmp_path) -> None:
    path = tmp_path / "feil.md"
    path.write_text(BASE.replace("- Ellers: [God](#god)", "- Ellers: [God](#godt)"), encoding="utf-8")
    result = run("check", "--lang", "en", str(path))
    assert "no scene or ending" in result.output


def test_show_json() -> None:
    result = run("show", "--format", "json", str(FIXTURES / "minimal.md"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == "minimal" and data["language"] == "nb"
    assert data["roles"][0] == {"id": "kontaktlaerer", "name": "Kontaktlærer", "service": "skole"}
    assert [(s["id"], s["line"]) for s in data["scenes"]] == [("uke1", 41), ("uke2", 83)]
    assert data["endings"] == [
        {"id": "slutt-god", "title": "Mia får hjelp", "rating": "good", "line": 107},
        {"id": "slutt-svak", "title": "Ingen gjør noe", "rating": "poor", "line": 111},
    ]
    # An author can confirm how the expectation and "Trengs av" were read.
    assert data["expectations"] == [
        {"action": "report_bvt", "due": "uke2", "role": None, "grace_scenes": 0, "line": 17}
    ]
    needed = {i["id"]: i["needed_by"] for i in data["information"]}
    assert needed == {"fravaer": [{"role": "helsesykepleier", "by": "uke2", "line": 33}], "hodepine": []}
    assert data["child"] == "" and data["averting_duty"] is None


def test_show_refuses_broken_file(tmp_path) -> None:
    path = tmp_path / "feil.md"
    path.write_text("tull", encoding="utf-8")
    result = run("show", str(path))
    assert result.exit_code != 0
    assert "har feil" in result.output


def test_explore_json() -> None:
    result = run("explore", "--format", "json", str(FIXTURES / "minimal.md"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["exhaustive"] is True
    assert data["endings_reached"] == ["slutt-god", "slutt-svak"]
    assert data["endings_unreached"] == [] and data["scenes_unreached"] == []


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("nb", ["uttømmende", "Slutter nådd: slutt-god, slutt-svak", "Scener ikke nådd: –"]),
        ("en", ["exhaustive", "Endings reached: slutt-god, slutt-svak", "Scenes not reached: –"]),
    ],
)
def test_explore_text_is_in_the_chosen_language(lang: str, lines: list[str]) -> None:
    result = run("explore", "--lang", lang, str(FIXTURES / "minimal.md"))
    assert result.exit_code == 0, result.output
    for line in lines:
        assert line in result.output
    if lang == "en":
        assert "Slutter" not in result.output and "snitt" not in result.output


def test_show_text_in_english() -> None:
    result = run("show", "--lang", "en", str(FIXTURES / "minimal.md"))
    assert result.exit_code == 0, result.output
    assert "Roles: " in result.output and "(line " in result.output and "  Ending slutt-god" in result.output


def test_graph_svg_is_an_image_of_the_scenes() -> None:
    result = run("graph", str(FIXTURES / "minimal.md"))
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
    assert "Uke 1" in result.output and "Mia får hjelp" in result.output


def test_graph_json_shape() -> None:
    result = run("graph", "--format", "json", str(FIXTURES / "minimal.md"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["start"] == "uke1"
    assert [(n["id"], n["kind"], n["line"]) for n in data["nodes"]] == [
        ("uke1", "scene", 41),
        ("uke2", "scene", 83),
        ("slutt-god", "ending", 107),
        ("slutt-svak", "ending", 111),
    ]
    assert data["edges"][0] == {
        "source": "uke1",
        "target": "uke2",
        "line": 80,
        "label": "delt og bekymring >= 1",
        "kind": "branch",
    }
    assert [item["id"] for item in data["outline"]] == [n["id"] for n in data["nodes"]]


def test_graph_text_marks_problems_in_a_file_with_errors(tmp_path) -> None:
    source = BASE.replace("- Hvis `delt`: [Andre](#s2)\n", "")
    path = tmp_path / "feil.md"
    path.write_text(source, encoding="utf-8")
    result = run("graph", "--format", "text", "--lang", "en", str(path))
    assert result.exit_code == 0, result.output
    assert f"Scene s2 (line {line_of(source, '# Scene: Andre')}): Andre – Unreachable" in result.output
    assert f"  -> svak (line {line_of(source, '- Ellers: [Svak]')}): otherwise" in result.output


def test_graph_of_an_unreadable_file_fails(tmp_path) -> None:
    result = run("graph", str(tmp_path / "finnes-ikke.md"))
    assert result.exit_code == 1
    assert "SC046" in result.output and "kan ikke leses som et scenario" in result.output


def test_diff_tells_changes_in_words_then_lines(tmp_path) -> None:
    old, new = tmp_path / "v1.md", tmp_path / "v2.md"
    old.write_text(BASE, encoding="utf-8")
    new.write_text(BASE.replace("# Scene: Andre {#s2", "# Scene: Andre runde {#s2"), encoding="utf-8")
    result = run("diff", str(old), str(new))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "* Scenen «s2» heter nå «Andre runde» (før «Andre»)."
    assert f"--- {old}" in lines and "-# Scene: Andre {#s2 dag=7}" in lines
    assert "+# Scene: Andre runde {#s2 dag=7}" in lines


def test_diff_json_and_no_difference(tmp_path) -> None:
    old, new = tmp_path / "v1.md", tmp_path / "v2.md"
    old.write_text(BASE, encoding="utf-8")
    new.write_text(BASE.replace("Mandag.", "Tirsdag."), encoding="utf-8")
    data = json.loads(run("diff", "--format", "json", str(old), str(new)).output)
    assert data["changes"] == []
    [hunk] = data["hunks"]
    assert [(x["kind"], x["text"]) for x in hunk["lines"] if x["kind"] != "context"] == [
        ("removed", "Mandag."),
        ("added", "Tirsdag."),
    ]
    assert run("diff", "--lang", "en", str(old), str(old)).output.strip() == "No differences."


def test_the_check_summary_counts_in_singular_and_plural() -> None:
    from scenarios.diagnostics import COURSE_WORDS
    from scenarios.diagnostics import check_summary

    assert check_summary(1, 1, 1) == "1 fil, 1 feil, 1 advarsel"
    assert check_summary(2, 0, 3) == "2 filer, 0 feil, 3 advarsler"
    assert check_summary(1, 2, 1, "en") == "1 file, 2 errors, 1 warning"
    assert check_summary(1, 0, 0, "en", COURSE_WORDS) == "1 course, 0 errors, 0 warnings"
