"""Reports to and from plain JSON data, so the app can store them and pass them back as `history`.

`report_to_data` turns a report into dicts, lists, strings, numbers and ISO dates (NaN becomes None);
`report_from_data` rebuilds the frozen dataclasses from their type hints. Free-form fields typed `Any`
(evidence params, dimension details) come back as JSON gives them, lists instead of tuples.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Mapping
from dataclasses import fields
from dataclasses import is_dataclass
from datetime import datetime
from functools import cache
from typing import Any

from scoring.messages import Message
from scoring.messages import message_from_data
from scoring.model import Report
from scoring.model import ReportSummary


def report_to_data(report: Report) -> dict[str, Any]:
    """A JSON-serialisable dict of the whole report."""
    return _to_data(report)


def report_from_data(data: Mapping[str, Any]) -> Report:
    """Rebuild a report stored with `report_to_data` (and passed through JSON).

    Reports stored before `complete` existed read as complete when they reached an ending. A debrief
    stored as sentences (before findings were messages) reads with each sentence as a literal message
    (`legacy_debrief` tells them apart, so the app can write the debrief anew from the drill's events).
    """
    if "complete" not in data:
        data = {**data, "complete": bool(data.get("ending") or data.get("finished"))}
    if isinstance(data.get("debrief"), Mapping):
        data = {**data, "debrief": _debrief_data(data["debrief"])}
    return _build(Report, data)


def legacy_debrief(report: Report) -> bool:
    """Whether the report's debrief was stored as finished bokmål sentences rather than messages."""
    return report.debrief is not None and any(m.literal for f in report.debrief.findings for m in f.parts)


# A finding stored as sentences: the old field, and the message field it becomes.
_LEGACY_FINDING = {
    "text": "message",
    "observation": "observed",
    "consequence": "concern",
    "inquiry": "question",
}


def _debrief_data(debrief: Mapping[str, Any]) -> dict[str, Any]:
    """A stored debrief in the current shape: sentences become literal messages."""
    phases = []
    for phase in debrief.get("phases", ()):
        findings = []
        for finding in phase.get("findings", ()):
            if "text" in finding and "message" not in finding:
                finding = dict(finding)
                advocacy = bool(finding.get("inquiry"))
                for old, new in _LEGACY_FINDING.items():
                    text = finding.pop(old, "")
                    if text and (advocacy != (old == "text")):
                        finding[new] = text
            findings.append(finding)
        phases.append({**phase, "findings": findings})
    improvements = [
        {**point, "remedy": point.get("remedy", point.get("action", ""))}
        for point in debrief.get("improvements", ())
    ]
    return {**debrief, "phases": phases, "improvements": improvements}


def summarise(report: Report) -> ReportSummary:
    """The numbers of a report that history percentiles and cohorts need."""
    return ReportSummary(
        scenario_id=report.scenario_id,
        total=report.total,
        capped=report.capped,
        rating=report.rating,
        scores=report.scores,
        started_at=report.started_at,
        drill_id=report.drill_id,
        complete=report.complete,
    )


def summary_to_data(summary: ReportSummary) -> dict[str, Any]:
    """A summary as JSON-ready data."""
    return _to_data(summary)


def summary_from_data(data: Mapping[str, Any]) -> ReportSummary:
    """Rebuild a summary stored with `summary_to_data`."""
    return _build(ReportSummary, data)


def _to_data(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_data(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_to_data(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    if annotation is Message:
        return message_from_data(value)
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if isinstance(annotation, type) and is_dataclass(annotation):
        hints = _hints(annotation)
        known = {f.name for f in fields(annotation)}
        return annotation(**{k: _build(hints[k], v) for k, v in value.items() if k in known})
    if origin is tuple:
        args = typing.get_args(annotation)
        item = args[0] if args else Any
        return tuple(_build(item, v) for v in value)
    if origin in (Mapping, dict, typing.Mapping):
        args = typing.get_args(annotation)
        item = args[1] if len(args) == 2 else Any
        return {k: _build(item, v) for k, v in value.items()}
    if annotation is datetime:
        return datetime.fromisoformat(value) if isinstance(value, str) else value
    if annotation is float and isinstance(value, int):
        return float(value)
    return value
