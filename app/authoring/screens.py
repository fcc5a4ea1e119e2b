"""Read-side views for authors: the checker's verdict on a text, one role's view of a scene, the explorer.

Everything here is built from the pure ``scenarios`` package and handed to templates as plain data;
nothing here writes. Author text reaches HTML only through the ``markdown`` filter in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale

from app.models import ScenarioVersion
from scenarios.check import check_source
from scenarios.diagnostics import ERROR
from scenarios.diagnostics import Diagnostic
from scenarios.explore import ExploreReport
from scenarios.explore import explore
from scenarios.model import Choice
from scenarios.model import Info
from scenarios.model import Role
from scenarios.model import RoleSection
from scenarios.model import Scenario
from scenarios.model import Scene
from scenarios.play import Rejected

PERSONAL_DATA_CODE = "SC035"
# Bounds that keep the explorer to a page load (under 2 s for the built-in library, see
# bench/authoring.py): a small exhaustive search, else a seeded sample. With these bounds the
# built-in scenarios reach the same scenes and endings as with the command line's defaults.
EXPLORE_MAX_STATES = 2_000
EXPLORE_MAX_COMBINATIONS = 2_000
EXPLORE_SAMPLES = 200


def solo_ready() -> bool:
    """Whether the solo player is installed, so test play can be offered."""
    return "solo.start" in current_app.view_functions


def export_filename(source: str, number: int) -> str:
    """The file name a downloaded version gets: the scenario's id (or "scenario") and the version."""
    model = verdict(source).scenario
    stem = (model.meta.id if model and model.meta.id else "scenario").replace('"', "")
    return f"{stem}-v{number}.md"


def checker_language() -> str:
    """Diagnostics in English for English pages, otherwise in bokmål (the checker speaks nb and en)."""
    return "en" if str(get_locale() or "nb") == "en" else "nb"


@dataclass(frozen=True)
class Verdict:
    """The checker's verdict on a text: the model if it parsed, and every diagnostic with its line."""

    scenario: Scenario | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        """The problems that stop the scenario from being played."""
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The problems worth fixing before publishing."""
        return [d for d in self.diagnostics if d.severity != ERROR]

    @property
    def personal_data(self) -> list[Diagnostic]:
        """Places where the text looks like real personal data."""
        return [d for d in self.diagnostics if d.code == PERSONAL_DATA_CODE]

    @property
    def ok(self) -> bool:
        """Whether the text can be played (and so submitted for review)."""
        return self.scenario is not None and not self.errors


def verdict(text: str) -> Verdict:
    """Check the text the way ``laget scenarios check`` does, in the page's language."""
    result = check_source(text, "", checker_language())
    return Verdict(result.scenario, result.diagnostics)


@dataclass(frozen=True)
class RoleView:
    """What one role sees of one scene: the shared text, its private text, its choices and what it knows."""

    role: Role
    scene: Scene
    section: RoleSection | None
    choices: tuple[Choice, ...]
    known: tuple[Info, ...]

    @property
    def passive(self) -> bool:
        """Whether the role only reads in this scene."""
        return self.section is not None and self.section.passive


def role_view(scenario: Scenario | None, role_id: str | None, scene_id: str | None) -> RoleView | None:
    """Build the chosen role's view of the chosen scene (the first of each when none or unknown is chosen)."""
    if scenario is None or not scenario.meta.roles or not scenario.scenes:
        return None
    role = scenario.role(role_id or "") or scenario.meta.roles[0]
    scene = scenario.scene(scene_id or "") or scenario.scenes[0]
    section = scene.section(role.id)
    return RoleView(
        role=role,
        scene=scene,
        section=section,
        choices=section.choices if section else (),
        known=tuple(info for info in scenario.infos if role.id in info.holders),
    )


@dataclass(frozen=True)
class ExplorerPage:
    """The explorer's report with the titles of what it found and missed."""

    report: ExploreReport
    scenes_reached: list[Scene]
    scenes_unreached: list[Scene]
    endings_reached: list[tuple[str, str, int]]
    endings_unreached: list[tuple[str, str]]


def explorer_page(scenario: Scenario) -> ExplorerPage | None:
    """Run the bounded explorer and name each scene and ending it reached or not.

    None when the runtime cannot start the scenario at all (no scenes yet, say): a draft may be
    anything, and the page then asks the author to fix the errors first.
    """
    if not scenario.scenes:
        return None
    try:
        report = explore(
            scenario,
            samples=EXPLORE_SAMPLES,
            max_states=EXPLORE_MAX_STATES,
            max_combinations=EXPLORE_MAX_COMBINATIONS,
        )
    except Rejected:
        return None

    def scenes(ids: tuple[str, ...]) -> list[Scene]:
        return [scene for scene in scenario.scenes if scene.id in ids]

    def title(ending_id: str) -> str:
        ending = scenario.ending(ending_id)
        return ending.title if ending else ending_id

    return ExplorerPage(
        report=report,
        scenes_reached=scenes(report.scenes_reached),
        scenes_unreached=scenes(report.scenes_unreached),
        endings_reached=[(e, title(e), report.ending_counts.get(e, 0)) for e in report.endings_reached],
        endings_unreached=[(e, title(e)) for e in report.endings_unreached],
    )


@dataclass(frozen=True)
class NumberedLine:
    """One line of a version's text with the comments made on it."""

    number: int
    text: str
    comments: list


def numbered_lines(text: str, comments: list) -> list[NumberedLine]:
    """Split a text into numbered lines, each carrying its comments, for the review view."""
    by_line: dict[int, list] = {}
    for comment in comments:
        if comment.line is not None:
            by_line.setdefault(comment.line, []).append(comment)
    return [
        NumberedLine(number, line, by_line.get(number, []))
        for number, line in enumerate(text.split("\n"), start=1)
    ]


def saved_version_context(version: ScenarioVersion, comments: list, readable: bool) -> dict:
    """Template values of a page showing a saved version: its verdict, numbered lines and test play."""
    return {
        "version": version,
        "verdict": verdict(version.source),
        "lines": numbered_lines(version.source, comments),
        "solo_ready": solo_ready() and readable,
    }
