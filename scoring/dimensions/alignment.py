"""Shared mental model: plan agreement per scene and checkpoint answers.

alignment (SMM) – 0.3·plan agreement (per scene, the share of the roles in the modal plan category,
  relative to the same share on the expert path, capped at 1: roles with different jobs may pull in
  different directions by design)
  + 0.3·raw checkpoint agreement (mean share of agreeing rater pairs per checkpoint)
  + 0.4·checkpoint accuracy against the expert answer. Fleiss' kappa (over the roles that answered
  every checkpoint; the categories are the checkpoints' own options, so chance agreement comes from
  the pooled answer distribution) and the scene entropies are reported in the details as debrief
  material, not in the score: with 2–6 raters and a few items kappa is too noisy to grade on.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from scenarios.model import Scenario
from scoring.dimensions.result import finish
from scoring.dimensions.result import weighted
from scoring.model import DimensionScore
from scoring.model import DivergentScene
from scoring.model import Evidence
from scoring.stats import category_counts
from scoring.stats import fleiss_kappa
from scoring.stats import shannon_entropy
from scoring.timeline import Timeline


def scene_agreement(scenario: Scenario, timeline: Timeline) -> list[DivergentScene]:
    """Per visited scene with two or more plans: the roles' plan categories against the expert path's."""
    scenes: list[DivergentScene] = []
    for visit in timeline.visits:
        decisions = [d for d in timeline.decisions if d.visit == visit.index and d.choice is not None]
        plans = {d.role: d.choice.plan for d in decisions if d.choice.plan}
        if len(plans) < 2:
            continue
        counts = Counter(plans.values())
        reference = [d.expert.plan for d in decisions if d.role in plans and d.expert and d.expert.plan]
        experts = [d for d in decisions if d.expert_available]
        entropy = shannon_entropy(plans.values())
        scenes.append(
            DivergentScene(
                scene=visit.scene.id,
                title=visit.scene.title,
                day=visit.day,
                plans=plans,
                modal_share=max(counts.values()) / len(plans),
                entropy=entropy,
                normalised_entropy=entropy / math.log2(len(plans)),
                expert_match=(sum(d.matched_expert for d in experts) / len(experts)) if experts else None,
                expert_entropy=shannon_entropy(reference) if len(reference) >= 2 else 0.0,
                expert_modal_share=(
                    max(Counter(reference).values()) / len(reference) if len(reference) >= 2 else 1.0
                ),
            )
        )
    return scenes


def alignment(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Shared mental model: roles pulling in one direction and answering checkpoints alike and correctly."""
    scenes = scene_agreement(scenario, timeline)
    relative = [min(1.0, s.modal_share / s.expert_modal_share) for s in scenes]
    plan = sum(relative) / len(relative) if relative else None
    answers: dict[str, dict[str, dict[str, Any]]] = timeline.final["answers"]
    evidence: list[Evidence] = []
    items = {cp: by_role for cp, by_role in answers.items() if len(by_role) >= 2}
    pair_agreement = []
    for by_role in items.values():
        options = Counter(a["option"] for a in by_role.values())
        n = len(by_role)
        pair_agreement.append(sum(c * (c - 1) for c in options.values()) / (n * (n - 1)))
    agreement = sum(pair_agreement) / len(pair_agreement) if pair_agreement else None
    kappa = None
    if items:
        raters = sorted(set.intersection(*(set(by_role) for by_role in items.values())))
        if len(raters) >= 2:
            table, _ = category_counts([[items[cp][r]["option"] for r in raters] for cp in sorted(items)])
            result = fleiss_kappa(table)
            kappa = {
                "statistic": None if math.isnan(result.statistic) else result.statistic,
                "p_bar": result.p_bar,
                "p_e": result.p_e,
                "items": result.subjects,
                "raters": result.raters,
            }
    all_answers = [(cp, role, a) for cp, by_role in answers.items() for role, a in by_role.items()]
    accuracy = sum(a["correct"] for _, _, a in all_answers) / len(all_answers) if all_answers else None
    for cp, role, a in all_answers:
        evidence.append(
            Evidence(
                "answer",
                role,
                None,
                None,
                a.get("seq"),
                {"checkpoint": cp, "option": a["option"], "correct": a["correct"]},
            )
        )
    parts = {"plan_agreement": plan, "checkpoint_agreement": agreement, "accuracy": accuracy}
    rule = weighted(parts, {"plan_agreement": 0.3, "checkpoint_agreement": 0.3, "accuracy": 0.4})
    details = {
        **parts,
        "fleiss_kappa": kappa,
        "scenes": tuple((s.scene, round(s.modal_share, 3), round(s.entropy, 3)) for s in scenes),
    }
    evidence.sort(key=lambda e: e.params.get("correct", True))
    return finish("alignment", timeline, rule, evidence, details)
