"""The built-in scenarios check clean, meet the content bar, and reach every scene and ending."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.explore import explore

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "library"
FILES = sorted(LIBRARY.glob("*.md"))
STANDARD_SERVICES = {"ppt", "barnevern", "helse"}


def test_library_has_three_scenarios() -> None:
    assert len(FILES) >= 3


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_checks_clean_without_warnings(path: Path) -> None:
    result = check_file(path)
    assert [d.format() for d in result.diagnostics] == []


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_meets_the_content_bar(path: Path) -> None:
    scenario = check_file(path).scenario
    assert scenario.meta.language == "nb"
    services = {r.service for r in scenario.meta.roles}
    assert STANDARD_SERVICES <= services and services & {"skole", "barnehage"}
    assert len(scenario.scenes) >= 6
    assert {"good", "mixed", "poor"} <= {e.rating for e in scenario.endings}
    # Information asymmetry: at least two roles start with knowledge the others lack.
    holders = {h for info in scenario.infos for h in info.holders}
    assert len(holders) >= 2
    # A consent or confidentiality dilemma: some choice shares on consent, some without a basis.
    bases = {s.basis for scene in scenario.scenes for r in scene.roles for c in r.choices for s in c.shares}
    assert "consent" in bases and "none" in bases
    # Every choice cites its reasoning.
    assert all(c.rationale for scene in scenario.scenes for r in scene.roles for c in r.choices)
    assert scenario.meta.id == path.stem


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_scene_and_ending_is_reachable(path: Path) -> None:
    report = explore(check_file(path).scenario, samples=5000, seed=1)
    assert report.scenes_unreached == ()
    assert report.endings_unreached == ()
    assert report.stuck_paths == 0


def test_the_documented_example_checks_clean_and_reaches_every_ending() -> None:
    doc = (LIBRARY.parents[1] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    start = doc.index("```markdown\n---") + len("```markdown\n")
    example = doc[start : doc.index("\n```\n", start)] + "\n"
    result = check_source(example)
    assert [d.format() for d in result.diagnostics] == []
    report = explore(result.scenario)
    assert report.exhaustive and report.endings_unreached == () and report.scenes_unreached == ()
