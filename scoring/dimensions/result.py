"""What every dimension shares: the blend into a `DimensionScore`, and making flags and evidence.

A dimension module computes a rule score (0–1) and its flags and evidence from the timeline, then
calls `finish`, which blends in the authors' annotations (`scoring.annotations`) and rates the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from scoring.annotations import annotation_score
from scoring.annotations import blend
from scoring.composite import rating
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.model import Flag
from scoring.timeline import Decision
from scoring.timeline import Timeline

REPORT_ACTIONS = ("report_bvt", "report_police")
# No dimension rises above this without a single choice by the team to rest on.
NEUTRAL = 50.0


def finish(
    name: str,
    timeline: Timeline,
    rule: float | None,
    evidence: Iterable[Evidence] = (),
    details: dict[str, Any] | None = None,
    flags: Iterable[Flag] = (),
) -> DimensionScore:
    """Blend the rule score (0–1) with the annotations and package the result."""
    rule_100 = None if rule is None else 100.0 * min(1.0, max(0.0, rule))
    annotation, weak_choices = annotation_score(timeline, name)
    score = blend(rule_100, annotation, timeline.config.annotation_weight)
    if score is not None and not any(d.choice is not None for d in timeline.decisions):
        score = min(score, NEUTRAL)  # no choice made, so nothing shows the team did well
    score = None if score is None else round(min(100.0, max(0.0, score)), 1)
    return DimensionScore(
        name=name,
        score=score,
        rating=rating(score),
        evidence=tuple(evidence) + weak_choices[:3],
        details=details or {},
        flags=tuple(flags),
        rule_score=None if rule_100 is None else round(rule_100, 1),
        annotation_score=None if annotation is None else round(annotation, 1),
    )


def weighted(parts: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Weighted mean of the parts that apply."""
    used = [(weights[k], v) for k, v in parts.items() if v is not None]
    total = sum(w for w, _ in used)
    return sum(w * v for w, v in used) / total if total else None


def decision_at(timeline: Timeline, role: str | None, seq: int | None) -> Decision | None:
    """The decision (with a choice) a role made at a given event number."""
    return next((d for d in timeline.decisions if d.role == role and d.seq == seq and d.choice), None)


def flag_at(
    dimension: str,
    code: str,
    severity: str,
    rule: str,
    record: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
) -> Flag:
    """A flag pinned to the role, scene and day of a runtime record (an action, share or log entry)."""
    role = record.get("role", record.get("from"))
    return Flag(
        code=code,
        severity=severity,
        rule=rule,
        role=role if isinstance(role, str) else None,
        scene=record.get("scene"),
        day=record.get("day"),
        dimension=dimension,
        params=dict(params or {}),
    )


def action_evidence(action: Mapping[str, Any], **params: Any) -> Evidence:
    """Evidence citing one action of the runtime's action list, with its tags."""
    return Evidence(
        "action",
        action["role"],
        action["scene"],
        action["day"],
        action["seq"],
        {"action": action["kind"], "tags": tuple(action["tags"]), **params},
    )


def visited_scene(timeline: Timeline, scene_id: str | None, day: int | None) -> tuple[str | None, int | None]:
    """The scene a flag about `scene_id` cites: itself if played, else the next one played, else the last.

    Flags must point at something the team saw; a scene on another path would confuse the debrief.
    """
    played = [v for v in timeline.visits if v.scene.id == scene_id]
    if not played and day is not None:
        played = [v for v in timeline.visits if v.day >= day]
    played = played or list(timeline.visits[-1:])
    return (played[0].scene.id, played[0].day) if played else (None, day)
