"""Loop closure: follow-up dates set and kept, evaluation, feedback, nothing left open.

follow_up (FC) – the mean of the loop closures that apply: measures with a follow-up date; follow-up
dates that fell due in the drill and were kept (the role acted, or anyone evaluated, by the first
scene on or after the date); an evaluation when one was expected; feedback to the reporter after
a report, where the child welfare service had a choice to give it after the report; and at the
end a closed case or 1 / (1 + open handovers + measures without follow-up), if anything was started.
A team that started nothing although its choices offered measures, follow-up dates, evaluation or
closure gets 0 for `started`: doing nothing is no loop closed. With no evidence at all: None.
"""

from __future__ import annotations

from scenarios.model import Choice
from scenarios.model import Scenario
from scoring.dimensions.result import finish
from scoring.dimensions.result import weighted
from scoring.lawful import is_child_welfare
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.timeline import Timeline


def _substantive(choice: Choice | None) -> bool:
    """A choice that does something in the case, as opposed to waiting or staying silent."""
    if choice is None:
        return False
    acts = any(a.kind != "wait" for a in choice.actions)
    return acts or bool(choice.shares or choice.measure or choice.follow_up_days or choice.baton)


def follow_up(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Loop closure: follow-up dates set and kept, evaluation, feedback to the reporter, nothing left open."""
    measures, follow_ups = timeline.measures, timeline.follow_ups
    evidence: list[Evidence] = []
    parts: dict[str, float | None] = {}
    unfollowed = []
    if measures:
        for m in measures:
            covered = any(
                f["day"] >= m["day"] and (f["role"] == m["role"] or m["shared"]) for f in follow_ups
            )
            if not covered:
                unfollowed.append(m)
                evidence.append(
                    Evidence(
                        "measure",
                        m["role"],
                        m["scene"],
                        m["day"],
                        m["seq"],
                        {"domain": m["domain"], "follow_up": False},
                    )
                )
        parts["measures_followed_up"] = 1 - len(unfollowed) / len(measures)
    evaluations = timeline.actions_of("evaluate")
    due_follow_ups = []
    for f in follow_ups:
        due = f["day"] + f["days"]
        reached = next((v.day for v in timeline.visits if v.day >= due), None)
        if reached is None:
            continue
        kept = any(
            d.role == f["role"] and f["day"] < d.day <= reached and _substantive(d.choice)
            for d in timeline.decisions
        ) or any(f["day"] < e["day"] <= reached for e in evaluations)
        due_follow_ups.append(kept)
        evidence.append(
            Evidence(
                "follow_up",
                f["role"],
                f["scene"],
                f["day"],
                f["seq"],
                {"days": f["days"], "due_day": due, "kept": kept},
            )
        )
    if due_follow_ups:
        parts["follow_ups_kept"] = sum(due_follow_ups) / len(due_follow_ups)
    expects_evaluation = any(
        e.action == "evaluate"
        and (timeline.finished or (timeline.grace_day(e.due, e.grace_scenes) or 0) <= timeline.end_day)
        for e in scenario.meta.expectations
    )
    first_measure_day = min((m["day"] for m in measures), default=None)
    if first_measure_day is not None and any(
        f["day"] >= first_measure_day and any(v.day >= f["day"] + f["days"] for v in timeline.visits)
        for f in follow_ups
    ):
        expects_evaluation = True
    if expects_evaluation:
        since = first_measure_day if first_measure_day is not None else timeline.start_day
        parts["evaluated"] = 1.0 if any(e["day"] >= since for e in evaluations) else 0.0
    reports = [a for a in timeline.actions_of("report_bvt") if not is_child_welfare(scenario, a["role"])]
    # Feedback is owed only where the child welfare service had a chance to give it after the report.
    if reports and _offered_from(timeline, reports[0]["round"], _gives_feedback):
        feedback = [a for a in timeline.actions_of("feedback_to_reporter") if a["seq"] >= reports[0]["seq"]]
        parts["feedback"] = 1.0 if feedback else 0.0
        for a in feedback[:1]:
            evidence.append(
                Evidence("action", a["role"], a["scene"], a["day"], a["seq"], {"action": a["kind"]})
            )
    open_handovers = [h for h in timeline.handovers if h["status"] == "open"]
    closed = timeline.actions_of("close_case")
    started = bool(measures or follow_ups or timeline.handovers or reports or evaluations or closed)
    if timeline.finished and started:
        parts["closure"] = 1.0 if closed else 1.0 / (1.0 + len(open_handovers) + len(unfollowed))
    if not started and _offered_from(timeline, 0, _starts_follow_up):
        parts["started"] = 0.0  # the team could have set something in motion and did not
    rule = weighted(parts, dict.fromkeys(parts, 1.0)) if parts else None
    details = {
        **parts,
        "open_handovers": len(open_handovers),
        "measures_without_follow_up": len(unfollowed),
        "closed": bool(closed),
    }
    return finish("follow_up", timeline, rule, evidence, details)


def _gives_feedback(choice: Choice) -> bool:
    return any(a.kind == "feedback_to_reporter" for a in choice.actions)


def _starts_follow_up(choice: Choice) -> bool:
    kinds = {"evaluate", "feedback_to_reporter", "close_case"}
    return bool(choice.measure or choice.follow_up_days) or any(a.kind in kinds for a in choice.actions)


def _offered_from(timeline: Timeline, round_: int, offers) -> bool:
    """Whether a role, from scene visit `round_` on, faced an open choice that does what `offers` tests."""
    return any(
        offers(option)
        for decision in timeline.decisions
        if decision.round >= round_
        for option in decision.options
    )
