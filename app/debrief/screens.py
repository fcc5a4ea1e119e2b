"""What the debrief pages show, built from a report and a timeline: plain data for the templates.

Nothing here reads the database; ``services`` hands over the scored report and the replayed
timeline, and the templates lay the result out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal

from app.debrief import words
from app.i18n import gettext as _
from app.models import Drill
from app.observing.screens import NoteLine
from scenarios.model import Scenario
from scoring import Report
from scoring.model import Cohort
from scoring.model import CohortRow
from scoring.model import Finding
from scoring.timeline import Decision
from scoring.timeline import Timeline

PHASES = ("reactions", "description", "analysis", "summary")
# Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The chart puts each label above its bar in a narrow drawing, so at phone width its text stays about as
# large as the page's (a wide drawing with labels beside the bars shrank them to 8 px at 390 px).
LABEL_HEIGHT = 18
BAR_HEIGHT = 18
BAR_GAP = 14
CHART_WIDTH = 360
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Notice:
    """Why a drill counts in no comparison, said first in its debrief and its exports."""

    code: str
    title: str
    text: str


@dataclass(frozen=True)
class Bar:
    """One dimension in the chart and its table: label, score, rating and the bar's geometry."""

    name: str
    label: str
    score: float | None
    rating: str | None
    percentile: float | None
    y: int
    width: float


@dataclass(frozen=True)
class Cell:
    """One role's decision in one scene of the timeline; ``choice`` is None when the role did not act."""

    role: str
    choice: str | None
    seconds: float | None


@dataclass(frozen=True)
class Row:
    """One visited scene of the timeline with every role's cell, and the observers' notes on that visit."""

    title: str
    day: int
    cells: tuple[Cell, ...]
    notes: tuple[NoteLine, ...] = ()


@dataclass(frozen=True)
class Made:
    """One choice made, set against the expert's choice with its rationale, laws and feedback."""

    role: str
    role_name: str
    scene: str
    day: int
    label: str
    expert: str | None
    matched: bool
    feedback: str
    rationale: str
    laws: tuple[str, ...]


@dataclass(frozen=True)
class Questions:
    """The discussion questions of one PEARLS phase, in the reader's language."""

    name: str
    title: str
    findings: tuple[Finding, ...]
    questions: tuple[str, ...]


def drill_notices(drill: Drill) -> list[Notice]:
    """The notices that open the drill's debrief: incomplete first, then marked as a test."""
    notices = []
    if drill.incomplete:
        notices.append(
            Notice(
                "incomplete",
                _("Ufullstendig øvelse"),
                _(
                    "Øvelsen ble avsluttet før en slutt. Bare det som ble spilt er vurdert, "
                    "og den teller ikke med i sammenligninger."
                ),
            )
        )
    if drill.is_test:
        notices.append(
            Notice(
                "test",
                _("Testøvelse"),
                _("Øvelsen er merket som test (øvingsrunde), og den teller ikke med i sammenligninger."),
            )
        )
    return notices


def chart(report: Report) -> tuple[list[Bar], int]:
    """The dimension bars (0–100) with their positions, and the chart's height."""
    bars = []
    percentiles = report.percentiles or {}
    for index, dimension in enumerate(report.dimensions):
        bars.append(
            Bar(
                name=dimension.name,
                label=words.dimension_label(dimension.name),
                score=dimension.score,
                rating=dimension.rating,
                percentile=percentiles.get(dimension.name),
                y=index * (LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP),
                width=round((dimension.score or 0) / 100 * (CHART_WIDTH - VALUE_WIDTH), 1),
            )
        )
    return bars, len(bars) * (LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP)


# Line colours for the cohort chart, each at least 3:1 on white (WCAG 1.4.11); the table carries the values.
SERIES_COLOURS = ("#1b1b1f", "#1d4f91", "#a4161a", "#1e6b34", "#7a3e9d", "#8a5a00", "#0b6e6e", "#c2185b")
TREND_WIDTH = 620
TREND_HEIGHT = 220
TREND_PAD = 36


@dataclass(frozen=True)
class Series:
    """One column of the cohort (the total or a dimension) as a polyline over the months."""

    name: str
    label: str
    colour: str
    points: str


def cohort_chart(rows: Sequence[CohortRow], columns: Sequence[str], total_label: str) -> list[Series]:
    """Polylines of the monthly means for the cohort chart, one per column that has any value."""
    step = (TREND_WIDTH - 2 * TREND_PAD) / max(1, len(rows) - 1)
    scale = (TREND_HEIGHT - 2 * TREND_PAD) / 100
    result = []
    for index, name in enumerate(columns):
        points = [
            f"{TREND_PAD + i * step:.1f},{TREND_PAD + (100 - row.mean[name]) * scale:.1f}"
            for i, row in enumerate(rows)
            if row.mean.get(name) is not None
        ]
        if points:
            label = total_label if name == "total" else words.dimension_label(name)
            result.append(Series(name, label, SERIES_COLOURS[index % len(SERIES_COLOURS)], " ".join(points)))
    return result


def cohort_charts(result: Cohort, total_label: str) -> dict[str, list[Series]]:
    """The cohort chart's lines for every scenario in the cohort."""
    keys = dict.fromkeys(row.scenario_id for row in result.rows)
    return {key: cohort_chart(result.for_scenario(key), result.columns, total_label) for key in keys}


def timeline_rows(scenario: Scenario, timeline: Timeline, notes: Sequence[NoteLine] = ()) -> list[Row]:
    """Scene by scene, what each role chose and how long it took, with the notes observers took there."""
    rows = []
    for visit in timeline.visits:
        decisions = {d.role: d for d in timeline.decisions if d.visit == visit.index}
        cells = tuple(
            Cell(role.id, d.choice.label if d.choice else None, d.latency)
            for role in scenario.meta.roles
            if (d := decisions.get(role.id)) is not None
        )
        here = tuple(note for note in notes if note.round == visit.round)
        rows.append(Row(visit.scene.title, visit.day, cells, here))
    return rows


def choices_made(scenario: Scenario, timeline: Timeline, roles: list[str] | None = None) -> list[Made]:
    """Each choice made (by ``roles`` only, when given) beside the expert's choice and the reasons for it."""
    made = []
    for decision in timeline.decisions:
        if decision.choice is None or (roles is not None and decision.role not in roles):
            continue
        made.append(_made(scenario, decision))
    return made


def _made(scenario: Scenario, decision: Decision) -> Made:
    """One decision as a ``Made`` row."""
    choice, expert = decision.choice, decision.expert
    assert choice is not None
    scene = scenario.scene(decision.scene)
    role = scenario.role(decision.role)
    return Made(
        role=decision.role,
        role_name=role.name if role else decision.role,
        scene=scene.title if scene else decision.scene,
        day=decision.day,
        label=choice.label,
        expert=expert.label if expert else None,
        matched=decision.matched_expert,
        feedback=choice.feedback,
        rationale=(expert.rationale if expert else "") or choice.rationale,
        laws=tuple(dict.fromkeys((*(expert.laws if expert else ()), *choice.laws))),
    )


def phases(report: Report) -> list[Questions]:
    """The PEARLS phases with their findings and what the projector shows of each: questions and the story."""
    if report.debrief is None:
        return []
    result = []
    for phase in report.debrief.phases:
        questions = []
        for finding in phase.findings:
            if finding.question is not None:
                questions.append(words.say(finding.question))
            elif finding.kind in ("question", "takeaway"):
                questions.append(finding_text(finding))
            elif finding.kind == "timeline" and not finding.evidence:
                # The case summary only: the scene lines say what each role did, too personal for a wall.
                questions.append(finding_text(finding))
        result.append(Questions(phase.name, words.phase_title(phase), phase.findings, tuple(questions)))
    return result


def finding_text(finding: Finding) -> str:
    """The whole finding in the reader's language."""
    return " ".join(text for text in (words.say(part) for part in finding.parts) if text)


def findings_in_words(report: Report) -> list[dict[str, Any]]:
    """Every finding of the debrief with its text in the reader's language, for the JSON export."""
    if report.debrief is None:
        return []
    return [
        {
            "phase": f.phase,
            "kind": f.kind,
            "role": f.role,
            "dimension": f.dimension,
            "severity": f.severity,
            "text": finding_text(f),
        }
        for f in report.debrief.findings
    ]


def score_text(value: float | None) -> str:
    """A score rounded to one decimal in the reader's language ("86,1" in Norwegian), or a dash."""
    if value is None:
        return "–"
    return format_decimal(round(value, 1), format="#,##0.#")


def critical_findings(report: Report) -> list[Finding]:
    """The debrief's findings about critical errors, which open the debrief."""
    if report.debrief is None:
        return []
    return [f for f in report.debrief.findings if f.kind == "critical"]


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


CSV_HEADER = (
    "kind",
    "seq",
    "type",
    "role",
    "role_name",
    "scene",
    "scene_title",
    "choice",
    "choice_text",
    "at_seconds",
    "name",
    "score",
    "rating",
    "note",
)


def _event_texts(scenario: Scenario | None, event: dict[str, Any]) -> dict[str, str]:
    """The words beside an event's ids: the role's name, the scene's title, the choice, answer or inject."""
    if scenario is None:
        return {}
    role = scenario.role(event.get("role") or "")
    scene = scenario.scene(event.get("scene") or "")
    text = ""
    if scene is not None and event.get("choice"):
        choice = scene.choice(event.get("role") or "", event["choice"])
        text = choice.label if choice else ""
    elif scene is not None and event.get("option"):
        checkpoint = next((c for c in scene.checkpoints if c.id == event.get("checkpoint")), None)
        option = (
            next((o for o in checkpoint.options if o.id == event["option"]), None) if checkpoint else None
        )
        text = option.label if option else ""
    elif event.get("inject"):
        inject = scenario.inject(event["inject"])
        text = inject.title if inject else ""
    return {
        "role_name": role.name if role else "",
        "scene_title": scene.title if scene else "",
        "choice_text": text,
    }


def report_csv(
    report: Report,
    events: list[dict[str, Any]],
    notices: Sequence[Notice] = (),
    scenario: Scenario | None = None,
) -> str:
    """Notices, events and scores as one CSV table (the view encodes it as utf-8-sig for spreadsheets).

    Each event has its ids for machines and, with ``scenario``, the words people read beside them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    rows: list[dict[str, Any]] = [{"kind": "notice", "name": n.code, "note": n.text} for n in notices]
    for event in events:
        rows.append(
            {
                "kind": "event",
                "seq": event.get("seq"),
                "type": event.get("type"),
                "role": event.get("role"),
                "scene": event.get("scene"),
                "choice": event.get("choice") or event.get("option") or event.get("inject"),
                "at_seconds": event.get("at"),
                **_event_texts(scenario, event),
            }
        )
    ratings = words.rating_words()
    rows.append(
        {
            "kind": "score",
            "name": "total",
            "score": report.total,
            "rating": report.rating,
            "note": ratings.get(report.rating or "", ""),
        }
    )
    for dimension in report.dimensions:
        rows.append(
            {
                "kind": "score",
                "name": dimension.name,
                "score": dimension.score,
                "rating": dimension.rating,
                # The dimension's name and rating in words, in the reader's language.
                "note": " – ".join(
                    w
                    for w in (words.dimension_label(dimension.name), ratings.get(dimension.rating or ""))
                    if w
                ),
            }
        )
    for row in rows:
        writer.writerow([safe_cell(row.get(column, "")) for column in CSV_HEADER])
    return buffer.getvalue()
