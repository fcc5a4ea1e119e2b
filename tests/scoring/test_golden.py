"""The golden corpus: scripted team paths through every library scenario, with the order, critical flags,
ending and completeness a child-welfare practitioner expects of them (`tests/scoring/paths/<id>/`).

Each folder holds at least an expert path, two good variants, a mediocre, a harmful, a late-report and
an incomplete path, plus `expected.json`: `order` lists pairs [a, b] where path a must score strictly
higher than path b; `critical` the distinct critical flag codes per path; `ending` and `complete`.
Expectations the scoring does not meet yet are written up in `disputed.md` beside them instead.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from scenarios.check import check_source
from scenarios.model import Scenario
from scenarios.play import replay
from scoring.scorecard import Scorecard
from scoring.scorecard import score_path
from scoring.script import Script
from scoring.script import load_script
from scoring.script import script_events
from tests.scoring.conftest import LIBRARY
from tests.scoring.conftest import LIBRARY_NAMES
from tests.scoring.conftest import library

PATHS = Path(__file__).resolve().parent / "paths"
KINDS = ("expert", "good-*", "mediocre", "harmful", "late-report", "incomplete")


def _expected(scenario_id: str) -> dict:
    return json.loads((PATHS / scenario_id / "expected.json").read_text(encoding="utf-8"))


def _path_names(scenario_id: str) -> list[str]:
    return sorted(p.stem for p in (PATHS / scenario_id).glob("*.json") if p.stem != "expected")


CASES = [(s, name) for s in LIBRARY_NAMES for name in _path_names(s)]
ORDER = [(s, a, b) for s in LIBRARY_NAMES for a, b in _expected(s)["order"]]


@cache
def _card(scenario_id: str, name: str) -> Scorecard:
    return score_path(library(scenario_id), load_script(PATHS / scenario_id / f"{name}.json"), label=name)


@pytest.mark.parametrize("scenario_id", LIBRARY_NAMES)
def test_every_library_scenario_has_the_six_kinds_of_path(scenario_id):
    folder = PATHS / scenario_id
    assert folder.is_dir(), f"no golden paths for {scenario_id}"
    for kind in KINDS:
        found = list(folder.glob(f"{kind}.json"))
        assert len(found) >= (2 if kind == "good-*" else 1), f"{scenario_id}: missing {kind}"
    expected = _expected(scenario_id)
    assert set(expected["critical"]) == set(_path_names(scenario_id))
    assert load_script(folder / "incomplete.json").end_after is not None


@pytest.mark.parametrize(("scenario_id", "name"), CASES)
def test_each_path_has_its_expected_critical_flags_ending_and_completeness(scenario_id, name):
    expected = _expected(scenario_id)
    card = _card(scenario_id, name)
    assert sorted(set(card.critical_codes)) == sorted(expected["critical"][name])
    assert card.complete is expected["complete"].get(name, True)
    assert card.ending == expected["ending"][name]
    if not card.complete:
        assert card.ending is None


@pytest.mark.parametrize(("scenario_id", "name"), CASES)
def test_every_flag_cites_a_scene_the_team_played(scenario_id, name):
    scenario = library(scenario_id)
    events = script_events(scenario, load_script(PATHS / scenario_id / f"{name}.json"))
    state = replay(scenario, events)
    played = {visit["scene"] for visit in state["history"]} | {state["scene"]}
    for flag in _card(scenario_id, name).flags:
        assert flag.scene is None or flag.scene in played, (flag.code, flag.scene)


@pytest.mark.parametrize(("scenario_id", "higher", "lower"), ORDER)
def test_the_paths_score_in_the_expected_order(scenario_id, higher, lower):
    above, below = _card(scenario_id, higher), _card(scenario_id, lower)
    assert above.total > below.total, f"{higher} {above.total} should be above {lower} {below.total}"


@pytest.mark.parametrize("scenario_id", LIBRARY_NAMES)
def test_the_expert_path_scores_at_least_90_without_a_critical_flag(scenario_id):
    card = _card(scenario_id, "expert")
    assert card.total >= 90
    assert card.critical_codes == []
    assert card.complete and not card.capped


SERVICE_LINE = re.compile(r"^\s*service:")


def _renamed(scenario: Scenario, mapping: dict[str, str]) -> Scenario:
    """The scenario with its role ids (and every reference to them) renamed in the Markdown text."""
    lines = (LIBRARY / f"{scenario.meta.id}.md").read_text(encoding="utf-8").split("\n")
    for old, new in mapping.items():
        pattern = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])", flags=re.IGNORECASE)
        # a role's `service:` word is not a reference to a role id, even where it is spelt the same
        lines = [line if SERVICE_LINE.match(line) else pattern.sub(new, line) for line in lines]
    source = "\n".join(lines)
    result = check_source(source, f"{scenario.meta.id}-renamed.md")
    assert result.ok, [d.format() for d in result.diagnostics if d.severity == "error"]
    assert set(result.scenario.role_ids) == set(mapping.values())
    return result.scenario


def _script_renamed(script: Script, mapping: dict[str, str]) -> Script:
    def roles(table):
        return {key: {mapping[r]: v for r, v in inner.items()} for key, inner in table.items()}

    return Script(choices=roles(script.choices), answers=roles(script.answers), end_after=script.end_after)


RENAMES = {
    "suffix": lambda ids: {r: f"{r}-x" for r in ids},
    "service-words": lambda ids: {
        r: {"bvt": "barnevernet", "helsesykepleier": "skolehelse", "ppt": "pp-tjenesten"}.get(r, f"rolle-{r}")
        for r in ids
    },
}


@pytest.mark.parametrize("rename", sorted(RENAMES))
@pytest.mark.parametrize("scenario_id", LIBRARY_NAMES)
def test_renaming_every_role_id_changes_no_score(scenario_id, rename):
    original = library(scenario_id)
    mapping = RENAMES[rename](original.role_ids)
    renamed = _renamed(original, mapping)
    for name in _path_names(scenario_id):
        script = load_script(PATHS / scenario_id / f"{name}.json")
        before = _card(scenario_id, name)
        after = score_path(renamed, _script_renamed(script, mapping), label=name)
        assert (after.total, after.capped, after.ending) == (before.total, before.capped, before.ending), name
        assert after.critical_codes == before.critical_codes, name
    for profile in ("expert", "cautious"):
        assert score_path(renamed, profile).total == score_path(original, profile).total, profile
