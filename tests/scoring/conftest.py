"""Builders for the scoring tests: tiny inline scenarios that isolate one rule, and drills played on them.

`build()` assembles a valid scenario from scene snippets; `choice()` writes one choice; `Drill` plays
choices, answers and timeouts with a running clock and hands back the `DrillLog`. Nothing here imports
Flask or the app.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.model import Scenario
from scenarios.play import apply
from scenarios.play import initial_state
from scoring.model import DrillLog

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "library"
FIXTURES = Path(__file__).resolve().parents[1] / "scenarios" / "fixtures"

ROLES = {
    "kontaktlaerer": "Kontaktlærer",
    "helsesykepleier": "Helsesykepleier",
    "bvt": "Barneverntjenesten",
    "ppt": "PPT",
}
SERVICES = {"kontaktlaerer": "skole", "helsesykepleier": "helse", "bvt": "barnevern", "ppt": "ppt"}

INFOS = """\
# Opplysninger

## Fravær {#fravaer sensitivitet=personlig}

Mia har 20 % fravær.

- Kjent av: kontaktlaerer

## Søvn og hodepine {#sovn sensitivitet=helse}

Mia sover dårlig og har vondt i hodet.

- Kjent av: helsesykepleier
"""


def choice(choice_id: str, *settings: str, expert: bool = False, label: str | None = None) -> str:
    """One choice in scenario syntax, e.g. choice("meld", "Handling: melding-bvt", expert=True)."""
    marker = " .ekspert" if expert else ""
    lines = [f"- {label or choice_id.capitalize()} {{#{choice_id}{marker}}}"]
    lines += [f"  - {s}" for s in settings]
    lines += ["", f"  Begrunnelse for {choice_id}.", ""]
    return "\n".join(lines)


def scene(
    scene_id: str,
    day: int,
    roles: dict[str, list[str]],
    *,
    next_id: str = "slutt",
    passive: tuple[str, ...] = (),
    extra: str = "",
) -> str:
    """A scene with one section per role (a list of `choice()` strings) and a single way on."""
    parts = [f"# Scene: {scene_id.capitalize()} {{#{scene_id} dag={day}}}", "", f"Dag {day}.", ""]
    for role, choices in roles.items():
        parts += [f"## {ROLES[role]}", ""]
        parts += choices
    for role in passive:
        parts += [f"## {ROLES[role]} {{.passiv}}", "", "Du følger med.", ""]
    if extra:
        parts += [extra, ""]
    parts += ["## Videre", "", f"- Ellers: [Neste](#{next_id})", ""]
    return "\n".join(parts)


def build(*scenes: str, meta: str = "", infos: str = INFOS, roles: tuple[str, ...] | None = None) -> Scenario:
    """A checked scenario from scene snippets; fails the test on any checker error."""
    used = roles or ("kontaktlaerer", "helsesykepleier", "bvt")
    role_yaml = "".join(f"  - id: {r}\n    name: {ROLES[r]}\n    service: {SERVICES[r]}\n" for r in used)
    source = (
        "---\nid: liten\ntitle: Liten\nlanguage: nb\nsummary: Mia (9) er mye borte fra skolen.\n"
        + ("" if "child:" in meta else "child: Mia\n")
        + f"roles:\n{role_yaml}{meta}---\n\n# Innledning\n\nMia er mye borte.\n\n{infos}\n"
        + "\n".join(scenes)
        + "\n# Slutt: Ferdig {#slutt vurdering=god}\n\nFerdig.\n"
    )
    result = check_source(source)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert result.scenario is not None and not errors, [d.format() for d in errors]
    return result.scenario


class Drill:
    """Play a drill move by move (validating each event) and collect the log."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.state = initial_state(scenario)
        self.events: list[dict[str, Any]] = []
        self.clock = 0.0

    def _play(self, event: dict[str, Any], seconds: float) -> Drill:
        self.clock += seconds
        event = {**event, "at": self.clock}
        self.state = apply(self.scenario, self.state, event)
        self.events.append(event)
        return self

    def choose(self, role: str, choice_id: str, seconds: float = 30.0) -> Drill:
        return self._play({"type": "choose", "role": role, "choice": choice_id}, seconds)

    def answer(self, role: str, checkpoint: str, option: str) -> Drill:
        return self._play({"type": "answer", "role": role, "checkpoint": checkpoint, "option": option}, 5.0)

    def timeout(self) -> Drill:
        return self._play({"type": "timeout"}, 1.0)

    def log(self, **meta: Any) -> DrillLog:
        return DrillLog.of(self.events, **meta)


@cache
def library(name: str) -> Scenario:
    """A built-in scenario, checked once per test session."""
    result = check_file(LIBRARY / f"{name}.md")
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.scenario


LIBRARY_NAMES = sorted(p.stem for p in LIBRARY.glob("*.md"))


@pytest.fixture(scope="session", params=LIBRARY_NAMES)
def library_scenario(request: pytest.FixtureRequest) -> Scenario:
    """Each built-in scenario in turn."""
    return library(request.param)


def old_shape(data: dict[str, Any]) -> dict[str, Any]:
    """Stored report data as it was before findings were messages: every finding a bokmål sentence.

    Built from a report of today (`report_to_data`), with the fields the old `Finding` and
    `ImprovementPoint` had, so a test can store a report the way earlier versions of Laget did.
    """
    from scoring.debrief import improvement_area  # noqa: PLC0415 - only for this helper
    from scoring.storage import report_from_data  # noqa: PLC0415

    report = report_from_data(data)
    assert report.debrief is not None
    phases = []
    for phase in report.debrief.phases:
        findings = []
        for finding in phase.findings:
            findings.append(
                {
                    "phase": finding.phase,
                    "kind": finding.kind,
                    "text": finding.text,
                    "evidence": data_of(finding.evidence),
                    "role": finding.role,
                    "dimension": finding.dimension,
                    "severity": finding.severity,
                    "observation": finding.observation,
                    "consequence": finding.consequence,
                    "inquiry": finding.inquiry,
                    "rule": finding.rule,
                }
            )
        phases.append({"name": phase.name, "title": phase.title, "findings": findings})
    improvements = [
        {
            "dimension": p.dimension,
            "rating": p.rating,
            "area": str(improvement_area(p)),
            "action": p.action,
            "owner": p.owner,
        }
        for p in report.debrief.improvements
    ]
    return {**data, "debrief": {"phases": phases, "improvements": improvements}}


def data_of(value: Any) -> Any:
    """Plain JSON data of a dataclass tree, as `scoring.storage` stores it."""
    from scoring.storage import _to_data  # noqa: PLC0415

    return _to_data(value)
