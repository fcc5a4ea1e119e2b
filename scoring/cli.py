"""`laget scenarios score PATH`: score the expert path, a cautious team or a scripted team path.

The command lives here because `scoring` uses `scenarios` and never the other way round; `app/cli.py`
attaches it to the `scenarios` group, and `python -m scoring score …` runs it without the web app.
Every failure (a scenario with errors, an unreadable or malformed script, a scripted choice the team
cannot make) is a message in bokmål (English with `--lang en`) and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

from scenarios.check import check_file
from scenarios.diagnostics import ERROR
from scoring.composite import rating_label
from scoring.scorecard import PROFILES
from scoring.scorecard import Scorecard
from scoring.scorecard import score_path
from scoring.script import ScriptError
from scoring.script import load_script

# The words of the text output, in bokmål and English (`--lang en`).
WORDS = {
    "nb": {
        "severity": {"critical": "kritisk", "warning": "advarsel", "info": "info"},
        "path": {"expert": "ekspertstien", "cautious": "forsiktig team"},
        "total": "Totalt:    ",
        "capped": " – begrenset av kritisk feil",
        "critical": " – kritisk feil",
        "complete": "Fullført:  ",
        "yes": "ja",
        "incomplete": "nei (ufullstendig øvelse)",
        "ending": "Slutt:     ",
        "dimension": "Dimensjon",
        "score": "Skår",
        "no_flags": "Flagg: ingen",
        "flags": "Flagg:",
        "choices": "Valg på stien (scene, rolle: valg):",
        "not_acted": "handlet ikke",
    },
    "en": {
        "severity": {"critical": "critical", "warning": "warning", "info": "info"},
        "path": {"expert": "the expert path", "cautious": "a cautious team"},
        "total": "Total:     ",
        "capped": " – capped by a critical error",
        "critical": " – critical error",
        "complete": "Complete:  ",
        "yes": "yes",
        "incomplete": "no (incomplete drill)",
        "ending": "Ending:    ",
        "dimension": "Dimension",
        "score": "Score",
        "no_flags": "Flags: none",
        "flags": "Flags:",
        "choices": "Choices on the path (scene, role: choice):",
        "not_acted": "did not act",
    },
}


def _fail(message: str) -> NoReturn:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def _number(value: float | None, lang: str = "nb") -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if lang == "en" else f"{value:.1f}".replace(".", ",")


def render_text(card: Scorecard, title: str, lang: str = "nb") -> str:
    """A short table: total and rating, completeness, ending, dimensions, flags, then every choice made."""
    words = WORDS["en" if lang == "en" else "nb"]
    label = rating_label(card.rating, card.complete, lang)
    lines = [
        f"{title} – {words['path'].get(card.path, card.path)}",
        f"{words['total']} {_number(card.total, lang)} ({card.rating or '–'}{' – ' + label if label else ''})"
        + (words["capped"] if card.cap_lowered else words["critical"] if card.capped else ""),
        f"{words['complete']} {words['yes'] if card.complete else words['incomplete']}",
        f"{words['ending']} {card.ending or '–'}",
        "",
        f"{words['dimension']:<34} {words['score']}",
    ]
    lines += [f"{name:<34} {_number(score, lang):>5}" for _, name, score in card.dimension_rows(lang)]
    lines.append("")
    if not card.flags:
        lines.append(words["no_flags"])
    else:
        lines.append(words["flags"])
        for flag in card.flags:
            where = ", ".join(p for p in (flag.role, flag.scene) if p)
            severity = words["severity"].get(flag.severity, flag.severity)
            lines.append(f"  [{severity}] {flag.code}" + (f" ({where})" if where else ""))
            lines.append(f"      {flag.message}")
    if card.choices:
        lines += ["", words["choices"]]
        for line in card.choices:
            made = f"{line.choice} («{line.label}»)" if line.choice else words["not_acted"]
            lines.append(f"  {line.scene}, {line.role}: {made}")
    return "\n".join(lines)


@click.command("score")
@click.argument("path", type=click.Path())
@click.option(
    "--path",
    "team_path",
    default="expert",
    show_default=True,
    metavar="expert|cautious|SCRIPT.json",
    help="The team path to score: the expert path, a cautious team, or a JSON script of choices.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the messages.")
def score_command(path: str, team_path: str, fmt: str, lang: str) -> None:
    """Score one team path through a scenario: total, rating, cap, completeness, dimensions, flags and
    the choice each role made on the path."""
    result = check_file(path, lang)
    if not result.ok or result.scenario is None:
        for d in result.diagnostics:
            if d.severity == ERROR:
                click.secho(d.format(), fg="red", err=True)
        english = f"{path} has errors; it cannot be scored."
        _fail(english if lang == "en" else f"{path} har feil; kan ikke skåres.")
    scenario = result.scenario
    try:
        plan = team_path if team_path in PROFILES else load_script(team_path)
        card = score_path(scenario, plan, label=team_path, lang=lang)
    except ScriptError as error:
        _fail(error.message(lang))
    if fmt == "json":
        click.echo(json.dumps(card.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(card, scenario.meta.title, lang))


@click.group("scoring")
def scoring_group() -> None:
    """Score scenarios from the command line without the web app."""


scoring_group.add_command(score_command)
