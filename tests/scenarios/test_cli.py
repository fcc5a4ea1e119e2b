"""`laget scenarios check|show|explore`: exit codes and the documented JSON shapes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scenarios.cli import scenarios
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import FIXTURES


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
    assert "SC017" in result.output


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
    assert data["roles"][0] == {"id": "kontaktlaerer", "name": "Kontaktlærer"}
    assert [(s["id"], s["line"]) for s in data["scenes"]] == [("uke1", 39), ("uke2", 81)]
    assert data["endings"] == [
        {"id": "slutt-god", "title": "Mia får hjelp", "rating": "good", "line": 105},
        {"id": "slutt-svak", "title": "Ingen gjør noe", "rating": "poor", "line": 109},
    ]


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
