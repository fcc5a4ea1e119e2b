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
from scoring.messages import N_
from scoring.messages import catalogue
from scoring.scorecard import PROFILES
from scoring.scorecard import Scorecard
from scoring.scorecard import score_path
from scoring.script import ScriptError
from scoring.script import load_script

# The words of the text output, as msgids of the app's catalogue (`--lang en` reads its English).
WORDS = {
    "severity": {"critical": N_("kritisk"), "warning": N_("advarsel"), "info": N_("info")},
    "path": {"expert": N_("ekspertstien"), "cautious": N_("forsiktig team")},
    "total": N_("Totalt:"),
    "capped": N_("begrenset av kritisk feil"),
    "critical": N_("kritisk feil"),
    "complete": N_("Fullført:"),
    "yes": N_("ja"),
    "incomplete": N_("nei (ufullstendig øvelse)"),
    "ending": N_("Slutt:"),
    "dimension": N_("Dimensjon"),
    "score": N_("Skår"),
    "no_flags": N_("Flagg: ingen"),
    "flags": N_("Flagg:"),
    "choices": N_("Valg på stien (scene, rolle: valg):"),
    "not_acted": N_("handlet ikke"),
}
LABEL_WIDTH = 11


def _fail(message: str) -> NoReturn:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def _number(value: float | None, lang: str = "nb") -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if lang == "en" else f"{value:.1f}".replace(".", ",")


def render_text(card: Scorecard, title: str, lang: str = "nb") -> str:
    """A short table: total and rating, completeness, ending, dimensions, flags, then every choice made."""
    words = catalogue(lang)

    def say(key: str) -> str:
        return words.gettext(WORDS[key])

    def head(key: str) -> str:
        return say(key).ljust(LABEL_WIDTH)

    label = rating_label(card.rating, card.complete, lang)
    path = WORDS["path"].get(card.path)
    cap = "capped" if card.cap_lowered else "critical" if card.capped else None
    lines = [
        f"{title} – {words.gettext(path) if path else card.path}",
        f"{head('total')} {_number(card.total, lang)} ({card.rating or '–'}{' – ' + label if label else ''})"
        + (f" – {say(cap)}" if cap else ""),
        f"{head('complete')} {say('yes') if card.complete else say('incomplete')}",
        f"{head('ending')} {card.ending or '–'}",
        "",
        f"{say('dimension'):<34} {say('score')}",
    ]
    lines += [f"{name:<34} {_number(score, lang):>5}" for _, name, score in card.dimension_rows(lang)]
    lines.append("")
    if not card.flags:
        lines.append(say("no_flags"))
    else:
        lines.append(say("flags"))
        for flag in card.flags:
            where = ", ".join(p for p in (flag.role, flag.scene) if p)
            severity = WORDS["severity"].get(flag.severity)
            severity = words.gettext(severity) if severity else flag.severity
            lines.append(f"  [{severity}] {flag.code}" + (f" ({where})" if where else ""))
            lines.append(f"      {flag.message}")
    if card.choices:
        lines += ["", say("choices")]
        for line in card.choices:
            made = f"{line.choice} («{line.label}»)" if line.choice else say("not_acted")
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
