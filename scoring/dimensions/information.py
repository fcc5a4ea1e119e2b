"""Lawful, need-to-know sharing: F-beta of lawful precision and on-time recall.

information (LIS) – precision P = lawful shares / all shares (`scoring.lawful` rule table); recall
R = mean over needed (info, role) pairs the team had to deliver of exp(−late/τ_info), where late is
the days past the needed scene's day of the first lawful, non-anonymous delivery (0 if never).
Needs the scenario settles itself (holders, injects, items nobody on the team learned on this
path) are not the team's work and are left out.
    LIS = (1 + β²) P R / (β² P + R)              β = 0.5 weighs precision (not over-sharing) higher
With no shares P = 1 (nothing unlawful); with no needs LIS = P. Flags: every choice that shared
unlawfully is the critical `unlawful_disclosure`, with the rule from the table; a needed item
that did not arrive in time although a role who knew it had a choice open, in a scene the team played
by the deadline, that would have given it to the role who needed it on a lawful basis, is
`confidentiality_as_excuse` (one flag per item and role, citing that scene and that basis).
"""

from __future__ import annotations

import math

from scenarios.model import Scenario
from scoring.dimensions.result import decision_at
from scoring.dimensions.result import finish
from scoring.dimensions.result import flag_at
from scoring.dimensions.result import visited_scene
from scoring.infoflow import SCENARIO_DELIVERED
from scoring.infoflow import need_reach
from scoring.lawful import judge_share
from scoring.model import CRITICAL
from scoring.model import INFO
from scoring.model import WARNING
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.model import Flag
from scoring.timeline import Timeline

SEVERITY_ORDER = (CRITICAL, WARNING, INFO)


def information(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Lawful, need-to-know sharing: F-beta of lawful precision and on-time recall of needed information."""
    config = timeline.config
    shares = timeline.shares
    verdicts = [judge_share(s, scenario) for s in shares]
    lawful = sum(v.lawful for v in verdicts)
    precision = lawful / len(shares) if shares else None
    evidence: list[Evidence] = []
    flags: list[Flag] = []
    # One flag per choice that disclosed unlawfully, listing every item and receiver it reached.
    grouped: dict[tuple[int, str], list[int]] = {}
    for index, (share, verdict) in enumerate(zip(shares, verdicts, strict=True)):
        if not verdict.lawful:
            grouped.setdefault((share["seq"], share["from"]), []).append(index)
    for (seq, sender), indexes in grouped.items():
        # The gravest verdict of the choice speaks for it: one critical item makes the choice critical.
        first = min(indexes, key=lambda i: SEVERITY_ORDER.index(verdicts[i].severity or WARNING))
        share, verdict = shares[first], verdicts[first]
        infos = tuple(dict.fromkeys(shares[i]["info"] for i in indexes))
        decision = decision_at(timeline, sender, seq)
        params = {
            "info": infos[0],
            "infos": infos,
            "info_title": _info_title(scenario, infos[0]),
            "info_titles": tuple(_info_title(scenario, i) for i in infos),
            "sensitivity": tuple(
                dict.fromkeys(scenario.info(i).sensitivity for i in infos if scenario.info(i))
            ),
            "to": tuple(dict.fromkeys(shares[i]["to"] for i in indexes)),
            "basis": share["basis"],
            "reason": verdict.reason,
            "external": any(shares[i].get("external", False) for i in indexes),
            "laws": decision.choice.laws if decision else (),
            "choice": decision.choice.id if decision else None,
        }
        flags.append(
            Flag(
                code="unlawful_disclosure",
                severity=verdict.severity or CRITICAL,
                rule=verdict.rule,
                role=sender,
                scene=share["scene"],
                day=share["day"],
                dimension="information",
                params=params,
            )
        )
        evidence.append(Evidence("share", sender, share["scene"], share["day"], seq, params))
    for share, verdict in zip(shares, verdicts, strict=True):
        if verdict.lawful and verdict.severity is not None:
            params = {
                "info": share["info"],
                "info_title": _info_title(scenario, share["info"]),
                "to": share["to"],
            }
            flags.append(
                flag_at("information", verdict.reason, verdict.severity, verdict.rule, share, params)
            )
    reach = need_reach(scenario, timeline)
    in_scene = bool(timeline.visits) and not timeline.visits[-1].finished
    credits: list[float] = []
    missing = []
    for need in reach:
        if need.via in SCENARIO_DELIVERED:
            continue
        if need.reached_day is None and not timeline.finished and need.due_day is not None:
            if need.due_day > timeline.end_day or (need.due_day == timeline.end_day and in_scene):
                continue  # not due yet in a drill still running, or due in the scene still being played
        if need.via == "share" and need.reached_day is not None:
            late = 0 if need.due_day is None else max(0, need.reached_day - need.due_day)
            credit = math.exp(-late / config.info_tau_days)
        else:
            credit = 0.0
        credits.append(credit)
        if credit < 1.0:
            missing.append(need)
            evidence.append(
                Evidence(
                    "need",
                    need.role,
                    *visited_scene(timeline, need.due_scene, need.due_day),
                    None,
                    {
                        "info": need.info,
                        "info_title": _info_title(scenario, need.info),
                        "via": need.via,
                        "reached_day": need.reached_day,
                        "credit": round(credit, 3),
                    },
                )
            )
    flags.extend(_confidentiality_as_excuse(scenario, timeline, missing))
    recall = sum(credits) / len(credits) if credits else None
    if recall is None:
        rule = precision
    else:
        p = 1.0 if precision is None else precision
        beta2 = config.beta**2
        rule = (1 + beta2) * p * recall / (beta2 * p + recall) if (beta2 * p + recall) > 0 else 0.0
    details = {
        "shares": len(shares),
        "lawful_shares": lawful,
        "precision": precision,
        "recall": recall,
        "beta": config.beta,
        "needs": len(credits),
    }
    return finish("information", timeline, rule, evidence, details, flags)


def _info_title(scenario: Scenario, info_id: str) -> str:
    info = scenario.info(info_id)
    return info.title if info else info_id


def _confidentiality_as_excuse(scenario: Scenario, timeline: Timeline, missing) -> list[Flag]:
    """Needed information a role kept although it had a choice to share it lawfully, in time.

    One flag per (item, needed by, role), only for a role that knew the item and, in a scene the team
    played by the deadline, had a choice open that would have given exactly that item to the role who
    needed it on a lawful basis (`judge_share`), and did not take it. The flag cites the last such
    scene, names that basis, and never a consent the scenario did not tie to that share.
    """
    flags: list[Flag] = []
    knowledge = timeline.final["knowledge"]
    for need in missing:
        deadline = need.due_day if need.due_day is not None else timeline.end_day
        info = scenario.info(need.info)
        holders = set(info.holders) if info else set()
        for role in scenario.role_ids:
            if role == need.role:
                continue
            known = knowledge.get(role, {}).get(need.info)
            chances = []
            for decision in timeline.decisions:
                if decision.role != role or decision.day > deadline:
                    continue
                if role not in holders and (known is None or known["day"] > decision.day):
                    continue
                if decision.choice is not None and _offer(scenario, decision.choice, need) is not None:
                    continue  # took a choice that shares it (reached late or not at all: another flag)
                offers = [(o, v) for o in decision.options if (v := _offer(scenario, o, need)) is not None]
                if offers:
                    chances.append((decision, offers[0]))
            if not chances:
                continue
            decision, (option, (basis, verdict)) = chances[-1]
            flags.append(
                Flag(
                    code="confidentiality_as_excuse",
                    severity=WARNING,
                    rule=verdict.rule,
                    role=role,
                    scene=decision.scene,
                    day=decision.day,
                    dimension="information",
                    params={
                        "info": need.info,
                        "info_title": _info_title(scenario, need.info),
                        "needed_by": need.role,
                        "basis": basis,
                        "law": verdict.rule,
                        "option": option.id,
                        "option_label": option.label,
                        "reached_day": need.reached_day,
                    },
                )
            )
    return flags


def _offer(scenario: Scenario, choice, need) -> tuple[str, object] | None:
    """The basis and verdict on which `choice` gives the needed item to the role who needs it, if lawful."""
    for share in choice.shares:
        if need.info in share.infos and need.role in share.to and share.basis != "anonymous":
            record = {"from": choice.role, "to": need.role, "info": need.info, "basis": share.basis}
            verdict = judge_share(record, scenario)
            if verdict.lawful:
                return share.basis, verdict
    return None
