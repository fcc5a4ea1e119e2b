"""The scene graph and version comparison for authors, drawn by the pure ``scenarios.graph`` and ``diff``.

The SVG comes from ``scenarios.graph.render_svg``, which escapes every author text itself, so it is
marked safe here and nowhere else. Nodes link to their line: in the editor for the owner, in the
saved version's text for a reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup

from app.authoring.screens import checker_language
from app.models import ScenarioVersion
from app.models.authoring import AuthoredScenario
from scenarios.check import check_source
from scenarios.diff import Change
from scenarios.diff import DiffHunk
from scenarios.diff import diff_sources
from scenarios.diff import structural_changes
from scenarios.graph import OutlineItem
from scenarios.graph import describe
from scenarios.graph import layout
from scenarios.graph import render_svg
from scenarios.graph import scenario_graph
from scenarios.graph import text_outline
from scenarios.model import Scenario


@dataclass(frozen=True)
class Drawing:
    """The graph as a picture and as a list, with a sentence that sums it up."""

    svg: Markup
    outline: list[OutlineItem]
    summary: str


def line_href(scenario: AuthoredScenario, editable: bool, version: ScenarioVersion | None):
    """Where a node's line lives: the editor (for the owner's working copy) or the saved version's text."""
    if editable and version is None:
        return lambda line: url_for("authoring.edit", public_id=scenario.public_id, line=line)
    if version is not None:
        base = url_for("authoring.version", public_id=scenario.public_id, number=version.number)
        return lambda line: f"{base}#line-{line}"
    return None


def drawing(
    scenario: AuthoredScenario, model: Scenario | None, editable: bool, version: ScenarioVersion | None
) -> Drawing | None:
    """Draw the scenario's graph, or None when the text does not parse into a scenario."""
    if model is None:
        return None
    lang = checker_language()
    graph = scenario_graph(model)
    href = line_href(scenario, editable, version)
    svg = render_svg(graph, layout(graph), href=href, lang=lang, id_prefix="scenegraf")
    return Drawing(Markup(svg), text_outline(graph, lang), describe(graph, lang))


@dataclass(frozen=True)
class Comparison:
    """Two versions compared: the changed lines, and the changes in structure when both parse."""

    hunks: list[DiffHunk]
    changes: list[Change] | None


def comparison(old: str, new: str) -> Comparison:
    """Compare two texts line by line and, when both are scenarios, element by element."""
    old_model = check_source(old).scenario
    new_model = check_source(new).scenario
    changes = None
    if old_model is not None and new_model is not None:
        changes = structural_changes(old_model, new_model, checker_language())
    return Comparison(diff_sources(old, new), changes)
