"""`laget courses check|show`: exit codes and the documented JSON shapes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from courses.cli import courses
from tests.courses.conftest import MINI
from tests.courses.conftest import broken_course


def run(*args: str):
    return CliRunner().invoke(courses, list(args))


def test_check_clean_course_exits_0() -> None:
    result = run("check", str(MINI))
    assert result.exit_code == 0, result.output
    assert "0 feil" in result.output


def test_check_errors_exit_1_with_file_and_line(tmp_path) -> None:
    folder = broken_course(tmp_path, [("01-start.md", "{#b .riktig}", "{#b}")])
    result = run("check", str(folder))
    assert result.exit_code == 1
    assert f"{folder / '01-start.md'}:15: CO006" in result.output


def test_check_json_shape(tmp_path) -> None:
    folder = broken_course(tmp_path, [("01-start.md", "{#b .riktig}", "{#b}")])
    result = run("check", "--format", "json", "--lang", "en", str(folder), str(MINI))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"files"}
    assert len(data["files"]) == 12
    for entry in data["files"]:
        assert set(entry) == {"path", "diagnostics"}
        for d in entry["diagnostics"]:
            assert set(d) == {"code", "severity", "line", "message", "hint"}
    by_path = {entry["path"]: entry["diagnostics"] for entry in data["files"]}
    (diagnostic,) = by_path[str(folder / "01-start.md")]
    assert diagnostic["code"] == "CO006" and diagnostic["line"] == 15 and diagnostic["severity"] == "error"
    assert diagnostic["message"].startswith("Single-choice")
    assert by_path[str(MINI / "course.md")] == []


def test_warnings_only_exit_0(tmp_path) -> None:
    folder = broken_course(tmp_path, [("01-start.md", "  - Tilbakemelding: Å vente hjelper ikke.\n", "")])
    result = run("check", str(folder))
    assert result.exit_code == 0
    assert "CO009" in result.output


def test_show_json() -> None:
    result = run("show", str(MINI), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == "mini-kurs" and data["title"] == "Minikurs"
    assert [(lesson["id"], lesson["title"]) for lesson in data["lessons"]] == [
        ("start", "Start"),
        ("midt", "Midt"),
        ("ov", "Øving"),
        ("slutt", "Slutt"),
    ]
    assert data["questions"] == 12 and data["final_questions"] == 10
    assert data["lessons"][2]["practices"] == [
        {"id": "ov-helse", "scenario": "fravaer-og-hodepine", "role": "helsesykepleier", "profile": "expert"}
    ]


def test_show_text() -> None:
    result = run("show", str(MINI))
    assert result.exit_code == 0
    assert "Minikurs (mini-kurs, nb)" in result.output


def test_show_broken_course_fails(tmp_path) -> None:
    folder = broken_course(tmp_path, [("prove.md", None, None)])
    result = run("show", str(folder), "--format", "json")
    assert result.exit_code == 1
    assert "har feil" in result.output


def test_laget_cli_has_courses_group() -> None:
    from app.cli import cli

    assert "courses" in cli.commands
