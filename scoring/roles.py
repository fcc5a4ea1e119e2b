"""Per-role contributions and the comparison with the expert path.

Decision latency is the seconds from the start of the scene (the `at` of the event that opened it;
0 for the first scene) to the role's choice. Agreement with the expert counts only decisions where the
expert choice was actually open to the role (a `Krever` condition may have closed it); a role that
could have chosen but did not act counts as not matching.
"""

from __future__ import annotations

import statistics

from scenarios.model import Scenario
from scoring.model import ExpertComparison
from scoring.model import RoleContribution
from scoring.timeline import Timeline


def role_contributions(scenario: Scenario, timeline: Timeline) -> tuple[RoleContribution, ...]:
    """One contribution per role in the scenario, in the scenario's role order."""
    weights = timeline.weights
    span = sum(weights)
    result = []
    for role in scenario.meta.roles:
        mine = [d for d in timeline.decisions if d.role == role.id]
        latencies = [d.latency for d in mine if d.latency is not None and d.latency >= 0]
        owned = sum(w for v, w in zip(timeline.visits, weights, strict=True) if role.id in v.owners_end)
        expert = [d for d in mine if d.expert_available]
        result.append(
            RoleContribution(
                role=role.id,
                name=role.name,
                latency_median_s=statistics.median(latencies) if latencies else None,
                latency_mean_s=statistics.fmean(latencies) if latencies else None,
                choices=sum(d.choice is not None for d in mine),
                not_acted=sum(d.choice is None for d in mine),
                shares_made=sum(s["from"] == role.id for s in timeline.shares),
                shares_received=sum(s["to"] == role.id for s in timeline.shares),
                ownership_share=owned / span if span else None,
                expert_agreement=sum(d.matched_expert for d in expert) / len(expert) if expert else None,
                expert_decisions=len(expert),
            )
        )
    return tuple(result)


def expert_comparison(scenario: Scenario, timeline: Timeline) -> ExpertComparison:
    """Share of the team's decisions that matched the expert choice, overall and per role."""
    eligible = [d for d in timeline.decisions if d.expert_available]
    matched = sum(d.matched_expert for d in eligible)
    per_role: dict[str, float | None] = {}
    for role in scenario.role_ids:
        mine = [d for d in eligible if d.role == role]
        per_role[role] = sum(d.matched_expert for d in mine) / len(mine) if mine else None
    return ExpertComparison(
        matched=matched,
        decisions=len(eligible),
        share=matched / len(eligible) if eligible else None,
        per_role=per_role,
    )
