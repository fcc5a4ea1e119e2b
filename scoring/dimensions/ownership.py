"""Role clarity: one baton holder over case time, found early, no parallel work.

ownership (RCO) – t0 is the first day ownership was called for (BTI ≥ 1, a measure, a baton move, a
meeting or a stafettlogg; the start if none happened but the scenario has batons). The clock starts
at s = max(t0, r), where r is the day the expert path first has a baton holder: a scenario may
offer no baton before a given scene, and no team is asked to be faster than the authors' path.
    coverage   = Σ w_v [exactly one holder at the end of visit v, day_v ≥ s] / Σ w_v [day_v ≥ s]
    timeliness = exp(−max(0, first holder day − s) / τ_owner)              (0 if nobody ever held it)
    clarity    = 1 / (1 + parallel measures + dropped batons + parallel-ownership episodes)
A dropped baton is one released with nobody left holding it, or a handover never accepted whose
receiver does not hold the baton at the end.
    RCO = 0.5·coverage + 0.2·timeliness + 0.3·clarity
"""

from __future__ import annotations

import math
from typing import Any

from scenarios.model import Scenario
from scoring.dimensions.result import finish
from scoring.model import WARNING
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.model import Flag
from scoring.paths import expert_first_owner_day
from scoring.timeline import Timeline

# Who holds the baton is BTI practice; the law (bvl. § 15-8 annet ledd and the other welfare acts from
# 2022) puts the duty to coordinate on the municipality, not on the child welfare service.
ONE_HOLDER_RULE = "BTI-handlingsveileder: én stafettholder om gangen (praksis); kommunen samordner"
ONE_PLAN_RULE = "Samarbeidsplikten i velferdstjenestelovene (2022): tiltak samordnes i én plan"


def _new_log(step) -> list[dict[str, Any]]:
    return step.after["log"][len(step.before["log"]) :]


def ownership(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Role clarity: one baton holder over case time, found early, no parallel measures or dropped batons."""
    config = timeline.config
    triggers: list[int] = []
    if timeline.initial["bti"] >= 1:
        triggers.append(timeline.start_day)
    triggers += [e["day"] for e in timeline.log_entries("bti_changed") if e["new"] >= 1]
    triggers += [m["day"] for m in timeline.measures]
    triggers += [e["day"] for e in timeline.log_entries("baton_taken", "baton_proposed", "baton_accepted")]
    triggers += [a["day"] for a in timeline.actions_of("convene_meeting", "open_log")]
    has_batons = any(c.baton for s in scenario.scenes for sec in s.roles for c in sec.choices)
    evidence: list[Evidence] = []
    flags: list[Flag] = []
    if not triggers and not has_batons:
        return finish("ownership", timeline, None, details={"applicable": False})
    if not any(v.finished for v in timeline.visits) and not timeline.decisions:
        # Not one scene played to its end and nobody chose: nothing to judge ownership on yet.
        return finish("ownership", timeline, None, details={"applicable": True, "played": False})
    t0 = min(triggers) if triggers else timeline.start_day
    reference = expert_first_owner_day(scenario)
    # Nobody is expected to hold the baton before the authors' own expert path manages to.
    start = max(t0, reference) if reference is not None else t0

    weights = timeline.weights
    window = [(v, w) for v, w in zip(timeline.visits, weights, strict=True) if v.day >= start]
    span = sum(w for _, w in window)
    single = sum(w for v, w in window if len(v.owners_end) == 1)
    coverage = single / span if span else 0.0

    first_owner_day = next((s.before["day"] for s in timeline.steps if s.after["owners"]), None)
    if first_owner_day is None:
        timeliness = 0.0
    else:
        timeliness = math.exp(-max(0, first_owner_day - start) / config.owner_tau_days)

    # Parallel ownership episodes and batons released with nobody left holding them.
    episodes = 0
    dropped = 0
    for step in timeline.steps:
        before, after = step.before["owners"], step.after["owners"]
        role = step.event.get("role")
        for entry in _new_log(step):
            if entry["kind"] in ("baton_taken", "baton_accepted", "baton_proposed", "baton_released"):
                evidence.append(
                    Evidence(
                        "baton",
                        entry["role"],
                        entry["scene"],
                        entry["day"],
                        entry["seq"],
                        {"event": entry["kind"], "to": entry.get("to"), "from": entry.get("from_role")},
                    )
                )
            if entry["kind"] == "baton_released" and entry["role"] in before and not after:
                dropped += 1
                flags.append(
                    Flag(
                        code="dropped_baton",
                        severity=WARNING,
                        rule="BTI: stafettholderen slipper først når en ny har tatt imot",
                        role=entry["role"],
                        scene=entry["scene"],
                        day=entry["day"],
                        dimension="ownership",
                        params={"kind": "released"},
                    )
                )
        if len(after) >= 2 and (len(before) < 2 or set(after) != set(before)):
            episodes += 1
            flags.append(
                Flag(
                    code="parallel_ownership",
                    severity=WARNING,
                    rule=ONE_HOLDER_RULE,
                    role=role if isinstance(role, str) else None,
                    scene=step.before["scene"],
                    day=step.before["day"],
                    dimension="ownership",
                    params={"owners": tuple(after)},
                )
            )
    if timeline.finished:
        final_owners = set(timeline.final["owners"])
        for handover in timeline.handovers:
            # An open proposal to someone who holds the baton anyway was superseded, not dropped.
            if handover["status"] == "open" and handover["to"] not in final_owners:
                dropped += 1
                proposed = next(
                    (e for e in timeline.log_entries("baton_proposed") if e["seq"] == handover["seq"]), None
                )
                flags.append(
                    Flag(
                        code="dropped_baton",
                        severity=WARNING,
                        rule="BTI: en overlevering teller først når mottakeren tar imot",
                        role=handover["from"],
                        scene=proposed["scene"] if proposed else None,
                        day=proposed["day"] if proposed else None,
                        dimension="ownership",
                        params={"kind": "not_accepted", "to": handover["to"]},
                    )
                )

    parallel = 0
    by_domain: dict[str, list[dict[str, Any]]] = {}
    for measure in timeline.measures:
        by_domain.setdefault(measure["domain"], []).append(measure)
    for domain, measures in by_domain.items():
        roles = {m["role"] for m in measures}
        outside = sorted({m["role"] for m in measures if not m["shared"]})
        if len(roles) >= 2 and outside:
            parallel += len(outside)
            first = min((m for m in measures if not m["shared"]), key=lambda m: m["seq"])
            flags.append(
                Flag(
                    code="parallel_measures",
                    severity=WARNING,
                    rule=ONE_PLAN_RULE,
                    role=first["role"],
                    scene=first["scene"],
                    day=first["day"],
                    dimension="ownership",
                    params={"domain": domain, "roles": tuple(sorted(roles)), "outside_plan": tuple(outside)},
                )
            )
            for m in measures:
                evidence.append(
                    Evidence(
                        "measure",
                        m["role"],
                        m["scene"],
                        m["day"],
                        m["seq"],
                        {"domain": domain, "shared": m["shared"]},
                    )
                )
    problems = parallel + dropped + episodes
    clarity = 1.0 / (1.0 + problems)
    rule = 0.5 * coverage + 0.2 * timeliness + 0.3 * clarity
    details = {
        "t0_day": t0,
        "reference_owner_day": reference,
        "window_start_day": start,
        "coverage": coverage,
        "first_owner_day": first_owner_day,
        "timeliness": timeliness,
        "clarity": clarity,
        "parallel_measures": parallel,
        "dropped_batons": dropped,
        "parallel_ownership": episodes,
        "owners_over_time": tuple((v.scene.id, v.day, v.owners_end) for v in timeline.visits),
    }
    return finish("ownership", timeline, rule, evidence, details, flags)
