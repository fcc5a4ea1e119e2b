"""Timely escalation: each expected action scored by its delay past the author's deadline.

escalation (TE) – for each expectation e (meta.expectations) with due day d_e (the `day` of its due
scene) and deadline g_e (the day of the scene `grace` visited scenes later, see
`Timeline.grace_day`), take the first matching action (or the first time the BTI level reached N
for `bti:N`) on day t:
    s_e = f · exp(−max(0, t − g_e) / τ)          τ = 14 days by default; never → 0
f = 1, or 0.5 when the expectation names a role and only another role did it. An escalation
(report_bvt, report_police, refer_ppt, bti:N) before d_e is halved unless the acting role had asked
for consent or consulted anonymously first (over-reporting). TE = mean s_e; expectations not yet
due in an unfinished drill are left out. Flags: an expected report_bvt/report_police that nobody
made by the end of the drill, on a path that reached its due scene (or a later day), is the
critical `missed_report` (it caps the total); a path that ended before the story got there scores
0 on the expectation but breaks no duty the team ever faced. One made only
by another role than the one named is `personal_duty` (the duty is personal); a late one is
`late_report`; an unprepared early one `early_escalation`.

Reports to the police are two things. Where the scenario marks the strl. § 196 threshold as met
(`Meta.averting` holds when the deadline passes), a police report nobody made is the critical
`missed_report` and a late one `late_report`. Elsewhere an expected police contact is the practice
of consulting the police (samråd, Bufdir's guidelines for police and child welfare), not a legal
duty: a missing one is the warning `police_not_consulted`, a late one the info `late_police_consultation`,
and neither caps the total. Every flag cites a scene the team visited: the due scene if it was
played, else the first visited scene on or after its day, else the last scene played.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scenarios.model import Scenario
from scoring.dimensions.result import REPORT_ACTIONS
from scoring.dimensions.result import finish
from scoring.dimensions.result import visited_scene
from scoring.lawful import is_health
from scoring.model import CRITICAL
from scoring.model import INFO
from scoring.model import WARNING
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.model import Flag
from scoring.timeline import Timeline

# Escalations that can come too early (over-reporting); other expected actions cannot.
ESCALATIONS = ("report_bvt", "report_police", "refer_ppt")
# Consulting the police below the § 196 threshold is a practice routine, not a legal duty.
POLICE_PRACTICE = (
    "Bufdir: Politi og barnevern – nasjonale retningslinjer for samhandling (praksis, ikke lovkrav)"
)


@dataclass(frozen=True)
class _Occurrence:
    role: str | None
    day: int
    seq: int
    scene: str | None


def _occurrences(timeline: Timeline, action: str) -> list[_Occurrence]:
    if action.startswith("bti:"):
        try:
            level = int(action[4:])
        except ValueError:
            return []
        if timeline.initial["bti"] >= level:
            return [_Occurrence(None, timeline.start_day, 0, timeline.initial["scene"])]
        return [
            _Occurrence(e["role"], e["day"], e["seq"], e["scene"])
            for e in timeline.log_entries("bti_changed")
            if e["new"] >= level
        ][:1]
    return [_Occurrence(a["role"], a["day"], a["seq"], a["scene"]) for a in timeline.actions_of(action)]


def _prepared(timeline: Timeline, occurrence: _Occurrence) -> bool:
    """Whether the acting role asked for consent or consulted anonymously before escalating."""
    role = occurrence.role
    if role is None:
        return True
    asked = any(
        a["seq"] <= occurrence.seq
        for a in timeline.actions_of("request_consent", "consult_anonymous", role=role)
    )
    shared = any(
        s["from"] == role and s["basis"] in ("consent", "anonymous") and s["seq"] <= occurrence.seq
        for s in timeline.shares
    )
    return asked or shared


def escalation(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Timely escalation: each expected action scored by its delay past the deadline the author set."""
    config = timeline.config
    items: list[dict[str, Any]] = []
    evidence: list[Evidence] = []
    flags: list[Flag] = []
    for expectation in scenario.meta.expectations:
        due_scene = scenario.scene(expectation.due)
        deadline = timeline.grace_day(expectation.due, expectation.grace_scenes)
        if due_scene is None or deadline is None:
            continue
        action = expectation.action
        occurrences = _occurrences(timeline, action)
        own = [o for o in occurrences if expectation.role is None or o.role == expectation.role]
        found = own[0] if own else (occurrences[0] if occurrences else None)
        item: dict[str, Any] = {
            "action": action,
            "due": expectation.due,
            "due_day": due_scene.day,
            "deadline_day": deadline,
            "role": expectation.role,
        }
        if found is None and not timeline.finished and timeline.end_day <= deadline:
            items.append({**item, "status": "pending", "score": None})
            continue
        legal = _legal_duty(scenario, timeline, action, found.seq if found else None)
        item["legal_duty"] = legal
        if found is None:
            item.update(status="never", score=0.0, done_by=None, day=None, latency_days=None)
            item["censored_days"] = timeline.end_day - due_scene.day
            # The duty arose only if the story got there: the due scene, or a later day, was played.
            reached = any(v.scene.id == expectation.due or v.day >= due_scene.day for v in timeline.visits)
            if action in REPORT_ACTIONS and timeline.finished and reached:
                code, severity = ("missed_report", CRITICAL) if legal else ("police_not_consulted", WARNING)
                flags.append(
                    _expectation_flag(
                        scenario, timeline, code, severity, expectation, {"due_day": due_scene.day}
                    )
                )
        else:
            factor = 1.0 if own else config.other_role_factor
            late = max(0, found.day - deadline)
            score = factor * math.exp(-late / config.tau_days)
            early = found.day < due_scene.day and (action in ESCALATIONS or action.startswith("bti:"))
            unprepared_early = early and not _prepared(timeline, found)
            if unprepared_early:
                score *= config.early_factor
            status = "early" if unprepared_early else "late" if late > 0 else "on_time"
            item.update(
                status=status,
                score=score,
                done_by=found.role,
                other_role=not own,
                day=found.day,
                latency_days=found.day - due_scene.day,
                late_days=late,
            )
            if action in REPORT_ACTIONS and late > 0:
                code, severity = ("late_report", WARNING) if legal else ("late_police_consultation", INFO)
                flags.append(_escalation_flag(scenario, code, severity, found, action, {"late_days": late}))
            if unprepared_early:
                flags.append(
                    _escalation_flag(
                        scenario, "early_escalation", WARNING, found, action, {"due_day": due_scene.day}
                    )
                )
            if not own and action in REPORT_ACTIONS and expectation.role is not None and legal:
                flags.append(
                    _expectation_flag(
                        scenario, timeline, "personal_duty", WARNING, expectation, {"done_by": found.role}
                    )
                )
        items.append(item)
        evidence.append(
            Evidence(
                kind="expectation",
                role=item.get("done_by") or expectation.role,
                scene=found.scene if found else expectation.due,
                day=found.day if found else due_scene.day,
                seq=found.seq if found else None,
                params={k: v for k, v in item.items() if k not in ("role",)},
            )
        )
    scored = [i["score"] for i in items if i["score"] is not None]
    rule = sum(scored) / len(scored) if scored else None
    evidence.sort(key=lambda e: e.params.get("score", 1.0))
    return finish("escalation", timeline, rule, evidence, {"expectations": items}, flags)


def _legal_duty(scenario: Scenario, timeline: Timeline, action: str, seq: int | None) -> bool:
    """Whether an expected report is a legal duty: always for BVT, for the police only past § 196."""
    if action != "report_police":
        return True
    return timeline.holds(scenario.meta.averting, seq)


def _report_rule(scenario: Scenario, action: str, role: str | None, legal: bool = True) -> str:
    if action == "report_police":
        return "strl. § 196" if legal else POLICE_PRACTICE
    return "hpl. § 33; bvl. § 13-2" if is_health(scenario, role) else "bvl. § 13-2"


def _expectation_flag(
    scenario: Scenario,
    timeline: Timeline,
    code: str,
    severity: str,
    expectation: Any,
    params: dict[str, Any],
) -> Flag:
    """A flag about an expected report, pinned to the role the author named and a scene the team played."""
    due = scenario.scene(expectation.due)
    scene, day = visited_scene(timeline, expectation.due, due.day if due else timeline.end_day)
    legal = severity == CRITICAL or code == "personal_duty"
    return Flag(
        code=code,
        severity=severity,
        rule=_report_rule(scenario, expectation.action, expectation.role, legal),
        role=expectation.role,
        scene=scene,
        day=day,
        dimension="escalation",
        params={"action": expectation.action, "due": expectation.due, **params},
    )


def _escalation_flag(
    scenario: Scenario, code: str, severity: str, found: _Occurrence, action: str, params: dict[str, Any]
) -> Flag:
    if action in REPORT_ACTIONS:
        rule = _report_rule(scenario, action, found.role, severity != INFO)
    else:
        rule = "BTI-handlingsveileder"
    return Flag(
        code=code,
        severity=severity,
        rule=rule,
        role=found.role,
        scene=found.scene,
        day=found.day,
        dimension="escalation",
        params={"action": action, **params},
    )
