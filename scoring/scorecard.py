"""A scorecard: the few numbers and flags an author needs to judge one team path through a scenario.

`score_path` plays the expert path, the cautious team or a script (`scoring.script`) and scores it
with `score_drill`; `Scorecard.as_dict` is the JSON of `laget scenarios score --format json` and the
authoring test-play page shows the same fields. A flag's message is the debrief's own sentence about
it when the debrief has one, else a short line naming the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from scenarios.model import Scenario
from scenarios.profiles import CAUTIOUS
from scenarios.profiles import EXPERT
from scoring import score_drill
from scoring.debrief import flag_observations
from scoring.messages import Message
from scoring.messages import catalogue
from scoring.messages import render
from scoring.model import DIMENSION_LABELS
from scoring.model import DrillLog
from scoring.model import Report
from scoring.script import Script
from scoring.script import script_events
from scoring.timeline import Timeline
from scoring.timeline import build_timeline

PROFILES = (EXPERT, CAUTIOUS)


@dataclass(frozen=True)
class FlagLine:
    """One flag as an author reads it: what, how bad, who, where, and a sentence."""

    code: str
    severity: str  # critical | warning | info
    role: str | None
    scene: str | None
    message: str  # the debrief's observation, rendered in the language the card was asked for
    info: str | None = None  # the information item the flag is about, when it is about one
    words: Message | None = field(default=None, compare=False)  # the same, to render in any language


@dataclass(frozen=True)
class ChoiceLine:
    """What one role did at one scene on the path: the choice's id and label, or None if it did not act."""

    scene: str
    role: str
    choice: str | None
    label: str | None


@dataclass(frozen=True)
class Scorecard:
    """The score of one team path: total, rating, cap, whether the drill was complete, and the flags."""

    scenario: str
    path: str
    total: float | None
    rating: str | None
    capped: bool
    complete: bool
    ending: str | None
    dimensions: Mapping[str, float | None] = field(hash=False)
    flags: tuple[FlagLine, ...] = ()
    cap_lowered: bool = False  # the critical-error cap lowered the total, not only a flag was raised
    choices: tuple[ChoiceLine, ...] = ()  # the choices each role made, scene by scene, on this path

    @property
    def critical_codes(self) -> list[str]:
        """The codes of the critical flags, in report order (repeats kept)."""
        return [f.code for f in self.flags if f.severity == "critical"]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON data, in the order authors read it."""
        return {
            "scenario": self.scenario,
            "path": self.path,
            "total": self.total,
            "rating": self.rating,
            "capped": self.capped,
            "cap_lowered": self.cap_lowered,
            "complete": self.complete,
            "ending": self.ending,
            "dimensions": dict(self.dimensions),
            "flags": [
                {
                    "code": f.code,
                    "severity": f.severity,
                    "role": f.role,
                    "scene": f.scene,
                    "message": f.message,
                    **({"info": f.info} if f.info else {}),
                }
                for f in self.flags
            ],
            "choices": [
                {"scene": c.scene, "role": c.role, "choice": c.choice, "label": c.label} for c in self.choices
            ],
        }

    def dimension_rows(self, lang: str = "nb") -> list[tuple[str, str, float | None]]:
        """(id, label, score) per dimension, for tables; the label in bokmål, or English with `lang="en"`."""
        words = catalogue(lang)
        return [
            (name, words.gettext(DIMENSION_LABELS.get(name, name)), score)
            for name, score in self.dimensions.items()
        ]


def scorecard_of(
    scenario: Scenario, timeline: Timeline, report: Report, path: str, lang: str = "nb"
) -> Scorecard:
    """The scorecard of a scored drill; each flag's message is the debrief's sentence about that flag."""
    messages = flag_observations(scenario, timeline, report)
    words = catalogue(lang)
    flags = tuple(
        FlagLine(
            code=f.code,
            severity=f.severity,
            role=f.role,
            scene=f.scene,
            message=render(message, words),
            info=f.params.get("info") if isinstance(f.params.get("info"), str) else None,
            words=message,
        )
        for f, message in zip(report.flags, messages, strict=True)
    )
    choices = tuple(
        ChoiceLine(d.scene, d.role, d.choice.id if d.choice else None, d.choice.label if d.choice else None)
        for d in timeline.decisions
    )
    return Scorecard(
        scenario=scenario.meta.id,
        path=path,
        total=report.total,
        rating=report.rating,
        capped=report.capped,
        complete=report.complete,
        cap_lowered=report.cap_lowered,
        ending=report.ending,
        dimensions=report.scores,
        flags=flags,
        choices=choices,
    )


def score_events(
    scenario: Scenario, events: Sequence[Mapping[str, Any]], path: str, lang: str = "nb"
) -> Scorecard:
    """Score a played list of events."""
    log = DrillLog.of(events)
    return scorecard_of(scenario, build_timeline(scenario, log), score_drill(scenario, log), path, lang)


def score_path(
    scenario: Scenario, path: str | Script, label: str | None = None, lang: str = "nb"
) -> Scorecard:
    """Play and score the expert path, the cautious team, or a script (other roles on the expert path).

    :raise ScriptError: when a script cannot be played on this scenario.
    :raise KeyError: for an unknown profile name.
    """
    if isinstance(path, Script):
        return score_events(scenario, script_events(scenario, path), label or "script", lang)
    if path not in PROFILES:
        raise KeyError(path)
    return score_events(scenario, script_events(scenario, profile=path), label or path, lang)
