"""`laget scenarios score`: each option, each error (exit 1 naming scene and role) and the JSON shape."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import score_command
from scoring.paths import expert_events
from scoring.script import Script
from scoring.script import ScriptError
from scoring.script import parse_script
from scoring.script import script_events
from tests.scoring.conftest import LIBRARY
from tests.scoring.conftest import LIBRARY_NAMES
from tests.scoring.conftest import library

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = str(LIBRARY / "fravaer-og-hodepine.md")


def _score(*args: str):
    return CliRunner().invoke(score_command, [SCENARIO, *args])


def _script(tmp_path: Path, data) -> str:
    path = tmp_path / "sti.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_json_has_every_field_with_its_type():
    result = _score("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"total", "rating", "capped", "complete", "ending", "dimensions", "flags"}
    assert 0 <= data["total"] <= 100
    assert data["rating"] in {"P", "S", "M", "U"}
    assert data["complete"] is True and data["ending"] == "slutt-god" and data["capped"] is False
    assert set(data["dimensions"]) >= {"escalation", "information", "ownership", "child_voice"}
    assert data["flags"] == [] or set(data["flags"][0]) == {"code", "severity", "role", "scene", "message"}


def test_expert_is_the_default_and_scores_high():
    expert = json.loads(_score("--format", "json").output)
    explicit = json.loads(_score("--path", "expert", "--format", "json").output)
    assert expert == explicit
    assert expert["total"] >= 90 and not [f for f in expert["flags"] if f["severity"] == "critical"]


def test_cautious_team_scores_below_the_expert_and_its_flags_are_complete():
    data = json.loads(_score("--path", "cautious", "--format", "json").output)
    expert = json.loads(_score("--format", "json").output)
    assert data["path"] == "cautious"
    assert data["total"] < expert["total"]
    assert data["flags"], "a cautious team in this case leaves something undone"
    for flag in data["flags"]:
        assert flag["severity"] in {"critical", "warning", "info"}
        assert flag["message"] and flag["code"]


def test_text_output_is_a_table_in_bokmal():
    result = _score("--path", "cautious")
    assert result.exit_code == 0
    assert "Fravær og hodepine – forsiktig team" in result.output
    assert "Totalt:" in result.output and "Fullført:   ja" in result.output
    assert "Barnets stemme" in result.output
    assert "Flagg:" in result.output


def test_a_script_changes_only_what_it_names(tmp_path):
    late = {"choices": {"helga": {"kontaktlaerer": "k4-vent-mote", "helsesykepleier": "h4-vent"}}}
    result = _score("--path", _script(tmp_path, late), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expert = json.loads(_score("--format", "json").output)
    assert data["total"] < expert["total"]


def test_end_after_gives_an_incomplete_drill_without_ending(tmp_path):
    result = _score("--path", _script(tmp_path, {"end_after": "ressursteam"}), "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert data["complete"] is False and data["ending"] is None
    text = _score("--path", _script(tmp_path, {"end_after": "ressursteam"})).output
    assert "ufullstendig" in text


def test_null_means_the_role_does_not_choose(tmp_path):
    script = Script(choices={"uro": {"kontaktlaerer": None}})
    events = script_events(library("fravaer-og-hodepine"), script)
    assert not any(e.get("role") == "kontaktlaerer" and e.get("scene") == "uro" for e in events)
    assert any(e["type"] == "timeout" for e in events)


def test_an_empty_script_is_exactly_the_expert_path():
    scenario = library("fravaer-og-hodepine")
    assert script_events(scenario, Script()) == expert_events(scenario)


@pytest.mark.parametrize(
    ("script", "scene", "role"),
    [
        # the choice needs `melding`, which nobody sets when the school and the nurse wait
        (
            {
                "choices": {
                    "helga": {"kontaktlaerer": "k4-vent-mote", "helsesykepleier": "h4-vent", "bvt": "b4-ko"}
                }
            },
            "helga",
            "bvt",
        ),
        ({"choices": {"stillhet": {"ppt": "ps-test"}}}, "stillhet", "ppt"),  # not on the expert path
        ({"choices": {"uro": {"rektor": "k1-vent"}}}, "uro", "rektor"),  # unknown role
        ({"choices": {"mandag": {"bvt": "b2-rad"}}}, "mandag", "bvt"),  # unknown scene
        ({"choices": {"uro": {"kontaktlaerer": "finnes-ikke"}}}, "uro", "kontaktlaerer"),  # unknown choice
        ({"choices": {"uro": {"bvt": "b2-rad"}}}, "uro", "bvt"),  # the role does not choose here
        ({"answers": {"ukjent-sjekkpunkt": {"bvt": "a"}}}, None, "bvt"),
    ],
)
def test_a_choice_the_team_cannot_make_names_scene_and_role(tmp_path, script, scene, role):
    result = _score("--path", _script(tmp_path, script))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    if scene:
        assert f"Scene «{scene}»" in result.output
    assert f"rolle «{role}»" in result.output


def test_errors_are_in_english_with_lang_en(tmp_path):
    script = _script(tmp_path, {"choices": {"stillhet": {"ppt": "ps-test"}}})
    result = _score("--path", script, "--lang", "en")
    assert result.exit_code == 1
    assert "Scene 'stillhet', role 'ppt': the team never reaches this scene" in result.output


def test_end_after_an_unknown_or_unreached_scene_is_an_error(tmp_path):
    assert "ingen scene «borte»" in _score("--path", _script(tmp_path, {"end_after": "borte"})).output
    result = _score("--path", _script(tmp_path, {"end_after": "stillhet"}))
    assert result.exit_code == 1 and "kommer aldri til scenen «stillhet»" in result.output


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"choices": ', "ikke gyldig JSON: linje 1"),
        ("[1, 2]", "må være et JSON-objekt"),
        ('{"choise": {}}', "Ukjent nøkkel i skriptet: choise"),
        ('{"choices": {"uro": "k1-vent"}}', "«choices» må være et objekt av objekter"),
        ('{"choices": {"uro": {"kontaktlaerer": 3}}}', "«choices» må være et objekt av objekter"),
        ('{"end_after": 4}', "«end_after» må være en scene-id"),
    ],
)
def test_a_malformed_script_is_a_clear_message(tmp_path, text, words):
    result = _score("--path", _script(tmp_path, text))
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output


def test_a_missing_script_file_is_a_clear_message(tmp_path):
    result = _score("--path", str(tmp_path / "finnes-ikke.json"))
    assert result.exit_code == 1 and "Kan ikke lese skriptet" in result.output


def test_a_scenario_with_errors_prints_them_and_exits_1(tmp_path):
    broken = tmp_path / "brukket.md"
    broken.write_text("---\nid: brukket\n---\n\n# Scene: Uten roller {#a}\n", encoding="utf-8")
    result = CliRunner().invoke(score_command, [str(broken)])
    assert result.exit_code == 1
    assert "SC0" in result.output and "har feil; kan ikke skåres" in result.output


def test_parse_script_reports_the_position_of_a_json_error():
    with pytest.raises(ScriptError) as caught:
        parse_script('{\n  "choices": {,}\n}')
    assert "linje 2" in caught.value.message() and "line 2" in caught.value.message("en")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, check=False, cwd=ROOT)


def test_the_installed_command_and_python_m_scoring_both_work():
    done = _run(str(ROOT / ".venv" / "bin" / "laget"), "scenarios", "score", SCENARIO, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ending"] == "slutt-god"
    module = _run(sys.executable, "-m", "scoring", "score", SCENARIO, "--path", "cautious", "--format=json")
    assert module.returncode == 0, module.stderr
    assert json.loads(module.stdout)["path"] == "cautious"


def test_the_installed_command_fails_cleanly_on_a_bad_script(tmp_path):
    laget = str(ROOT / ".venv" / "bin" / "laget")
    done = _run(laget, "scenarios", "score", SCENARIO, "--path", _script(tmp_path, "{oops"))
    assert done.returncode == 1
    assert "ikke gyldig JSON" in done.stderr and "Traceback" not in done.stderr


def test_the_cap_line_appears_only_when_the_cap_lowered_the_total():
    paths = ROOT / "tests" / "scoring" / "paths" / "fravaer-og-hodepine"
    lowered = json.loads(_score("--path", str(paths / "no-report.json"), "--format", "json").output)
    below = json.loads(_score("--path", str(paths / "harmful.json"), "--format", "json").output)
    assert lowered["capped"] and lowered["cap_lowered"] and lowered["total"] == 50.0
    assert below["capped"] and not below["cap_lowered"] and below["total"] < 50
    assert "begrenset av kritisk feil" in _score("--path", str(paths / "no-report.json")).output
    text = _score("--path", str(paths / "harmful.json")).output
    assert "– kritisk feil" in text and "begrenset" not in text


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_every_library_scenario_scores_at_least_90_on_the_expert_path(name):
    path = str(LIBRARY / f"{name}.md")
    data = json.loads(CliRunner().invoke(score_command, [path, "--path", "expert", "--format=json"]).output)
    assert data["total"] >= 90 and data["complete"]
    assert [f for f in data["flags"] if f["severity"] == "critical"] == []


def test_the_documented_example_script_plays_on_the_documented_example(tmp_path):
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    example = tmp_path / "eksempel.md"
    example.write_text(re.search(r"```markdown\n(.*?)```\n", doc, re.S).group(1), encoding="utf-8")
    script = re.search(r"### Skår en sti.*?```json\n(.*?)```", doc, re.S).group(1)
    args = [str(example), "--path", _script(tmp_path, script), "--format=json"]
    result = CliRunner().invoke(score_command, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["complete"] is True
