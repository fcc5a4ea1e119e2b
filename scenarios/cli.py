"""`laget scenarios …`: check, show, explore, graph and diff scenario files from the command line."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from scenarios.check import check_file
from scenarios.diagnostics import ERROR
from scenarios.diagnostics import check_summary
from scenarios.diff import diff_sources
from scenarios.diff import structural_changes
from scenarios.diff import unified
from scenarios.explore import explore
from scenarios.graph import layout
from scenarios.graph import outline_text
from scenarios.graph import render_svg
from scenarios.graph import scenario_graph
from scenarios.graph import text_outline
from scenarios.outline import outline

# The text report of `explore`: endings reached, not reached, scenes not reached, path length, mean, max.
EXPLORE_LABELS = {
    "nb": ("Slutter nådd", "Slutter ikke nådd", "Scener ikke nådd", "Stilengde (scener)", "snitt", "maks"),
    "en": (
        "Endings reached",
        "Endings not reached",
        "Scenes not reached",
        "Path length (scenes)",
        "mean",
        "max",
    ),
}

# The text outline of `show`: roles, line, inject, ending.
SHOW_LABELS = {"nb": ("Roller", "linje", "Hendelse", "Slutt"), "en": ("Roles", "line", "Inject", "Ending")}


def _paths(paths: tuple[str, ...]) -> list[Path]:
    """Expand folders to the Markdown files inside them, keeping the order given."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(sorted(path.glob("*.md")) if path.is_dir() else [path])
    return found


@click.group("scenarios")
def scenarios() -> None:
    """Work with scenario files: check them, outline them and explore their paths."""


@scenarios.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the messages.")
def check_command(paths: tuple[str, ...], fmt: str, lang: str) -> None:
    """Check scenario files and report every problem with its line; exit 1 on any error."""
    results = [check_file(p, lang) for p in _paths(paths)]
    errors = sum(1 for r in results for d in r.diagnostics if d.severity == ERROR)
    if fmt == "json":
        payload = {
            "files": [
                {"path": str(p), "diagnostics": [d.as_dict() for d in r.diagnostics]}
                for p, r in zip(_paths(paths), results, strict=True)
            ]
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for path, result in zip(_paths(paths), results, strict=True):
            for d in result.diagnostics:
                colour = "red" if d.severity == ERROR else "yellow"
                click.secho(d.format(), fg=colour)
                click.echo(f"    {d.hint}")
            if not result.diagnostics:
                click.secho(f"{path}: OK", fg="green")
        warnings = sum(len(r.diagnostics) for r in results) - errors
        click.echo(check_summary(len(results), errors, warnings, lang))
    sys.exit(1 if errors else 0)


def _load(path: str, lang: str):
    result = check_file(path, lang)
    if not result.ok:
        for d in result.diagnostics:
            if d.severity == ERROR:
                click.secho(d.format(), fg="red", err=True)
        message = (
            "has errors; run `laget scenarios check`"
            if lang == "en"
            else "har feil; kjør `laget scenarios check`"
        )
        raise click.ClickException(f"{path} {message}")
    return result.scenario


@scenarios.command("show")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the messages.")
def show_command(path: str, fmt: str, lang: str) -> None:
    """Print an outline of a scenario: roles, scenes, checkpoints, injects and endings."""
    scenario = _load(path, lang)
    data = outline(scenario)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    roles, line, inject_word, ending_word = SHOW_LABELS["en" if lang == "en" else "nb"]
    click.secho(f"{data['title']} ({data['id']}, {data['language']})", bold=True)
    click.echo(f"{roles}: " + ", ".join(f"{r['name']} ({r['id']})" for r in data["roles"]))
    for scene in data["scenes"]:
        click.echo(f"  Scene {scene['id']} ({line} {scene['line']}): {scene['title']}")
        for role, choices in scene["choices"].items():
            click.echo(f"    {role}: " + ", ".join(choices))
        for target in scene["next"]:
            click.echo(f"    -> {target}")
    for inject in data["injects"]:
        click.echo(f"  {inject_word} {inject['id']}: {inject['title']}")
    for ending in data["endings"]:
        click.echo(f"  {ending_word} {ending['id']} [{ending['rating']}]: {ending['title']}")


@scenarios.command("explore")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--samples", default=5000, show_default=True, help="Paths to sample when the space is large.")
@click.option("--seed", default=1, show_default=True)
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the messages.")
def explore_command(path: str, fmt: str, samples: int, seed: int, lang: str) -> None:
    """Walk the team's possible choices and report which scenes and endings can be reached."""
    scenario = _load(path, lang)
    report = explore(scenario, samples=samples, seed=seed)
    data = report.as_dict()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    en = lang == "en"
    if report.exhaustive:
        how = "exhaustive" if en else "uttømmende"
    else:
        how = (
            f"sample of {report.paths} paths (seed {seed})"
            if en
            else f"utvalg på {report.paths} stier (frø {seed})"
        )
    click.secho(f"{scenario.meta.title}: {how}", bold=True)
    labels = EXPLORE_LABELS["en" if en else "nb"]
    click.echo(f"{labels[0]}: {', '.join(report.endings_reached) or '–'}")
    click.echo(f"{labels[1]}: {', '.join(report.endings_unreached) or '–'}")
    click.echo(f"{labels[2]}: {', '.join(report.scenes_unreached) or '–'}")
    click.echo(
        f"{labels[3]}: min {report.path_length_min}, {labels[4]} {report.path_length_mean:.1f}, "
        f"{labels[5]} {report.path_length_max}"
    )
    for ending, count in report.ending_counts.items():
        click.echo(f"  {ending}: {count}")


def _parsed(path: str, lang: str):
    """The scenario in a file even when it has errors, since the graph and diff are how authors find them."""
    result = check_file(path, lang)
    if result.scenario is None:
        for d in result.diagnostics:
            click.secho(d.format(), fg="red", err=True)
        message = "cannot be read as a scenario" if lang == "en" else "kan ikke leses som et scenario"
        raise click.ClickException(f"{path} {message}")
    return result.scenario


@scenarios.command("graph")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["svg", "json", "text"]), default="svg", show_default=True)
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb")
def graph_command(path: str, fmt: str, lang: str) -> None:
    """Draw the scene graph as SVG, or list it as JSON or text, marking unreachable scenes and dead ends."""
    graph = scenario_graph(_parsed(path, lang))
    if fmt == "svg":
        click.echo(render_svg(graph, layout(graph), lang=lang))
    elif fmt == "json":
        payload = graph.as_dict() | {"outline": [asdict(item) for item in text_outline(graph, lang)]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(outline_text(text_outline(graph, lang), lang))


@scenarios.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb")
def diff_command(old: str, new: str, fmt: str, lang: str) -> None:
    """Show what changed between two versions: scenes, endings and choices in words, then the lines."""
    before = Path(old).read_text(encoding="utf-8", errors="replace")
    after = Path(new).read_text(encoding="utf-8", errors="replace")
    hunks = diff_sources(before, after)
    old_scenario, new_scenario = check_file(old, lang).scenario, check_file(new, lang).scenario
    changes = (
        structural_changes(old_scenario, new_scenario, lang)
        if old_scenario is not None and new_scenario is not None
        else []
    )
    if fmt == "json":
        payload = {"changes": [asdict(c) for c in changes], "hunks": [asdict(h) for h in hunks]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not hunks:
        click.echo("No differences." if lang == "en" else "Ingen forskjeller.")
        return
    for change in changes:
        click.echo(f"* {change.message}")
    if changes:
        click.echo()
    for line in unified(hunks, old, new).splitlines():
        colour = "green" if line.startswith("+") else "red" if line.startswith("-") else None
        click.secho(line, fg="cyan" if line.startswith("@@") else colour)


if __name__ == "__main__":
    scenarios()
