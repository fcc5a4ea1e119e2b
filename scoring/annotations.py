"""The authors' per-choice annotations (`Vurdering: dimensjon ±N`) as a secondary signal for each dimension.

A raw mean of the chosen annotations is not comparable across scenes: one scene may offer only
choices from −2 to 0, another from 0 to +2. So each decision is scored *relative to the options the
role actually had* (the available choices at that moment; a missing annotation counts as 0):

    a_d = (v_chosen − v_min) / (v_max − v_min)          in [0, 1]

A role that could have chosen but did not act gets the worst option (a_d = 0). Decisions where all
options carry the same value for the dimension say nothing about it and are skipped. The
dimension's annotation score is the mean of a_d over decisions, times 100.

The blend with the rule-based score from the event log is linear:

    score = (1 − α) · rule + α · annotation          α = ScoringConfig.annotation_weight (0.25)

falling back to whichever part exists when the other is not applicable.
"""

from __future__ import annotations

from scenarios.model import Choice
from scoring.model import Evidence
from scoring.timeline import Decision
from scoring.timeline import Timeline


def annotation_value(choice: Choice, dimension: str) -> int:
    """The author's annotation of a choice on a dimension, 0 when the author said nothing."""
    return sum(a.value for a in choice.annotations if a.dimension == dimension)


def relative_value(decision: Decision, dimension: str) -> float | None:
    """Where the decision sits between the worst (0) and best (1) option on the dimension, or None."""
    if not decision.options:
        return None
    values = [annotation_value(o, dimension) for o in decision.options]
    low, high = min(values), max(values)
    if high == low:
        return None
    if decision.choice is None:
        return 0.0
    chosen = annotation_value(decision.choice, dimension)
    return min(1.0, max(0.0, (chosen - low) / (high - low)))


def annotation_score(timeline: Timeline, dimension: str) -> tuple[float | None, tuple[Evidence, ...]]:
    """The relative annotation score (0–100) for a dimension, with the weakest decisions as evidence."""
    values: list[float] = []
    weak: list[tuple[float, Evidence]] = []
    for decision in timeline.decisions:
        value = relative_value(decision, dimension)
        if value is None:
            continue
        values.append(value)
        if value < 0.5:
            choice = decision.choice
            weak.append(
                (
                    value,
                    Evidence(
                        kind="choice" if choice else "not_acted",
                        role=decision.role,
                        scene=decision.scene,
                        day=decision.day,
                        seq=decision.seq,
                        params={
                            "dimension": dimension,
                            "choice": choice.id if choice else None,
                            "label": choice.label if choice else "",
                            "value": annotation_value(choice, dimension) if choice else None,
                            "relative": round(value, 3),
                            "expert": decision.expert.id if decision.expert else None,
                            "expert_label": decision.expert.label if decision.expert else "",
                        },
                    ),
                )
            )
    if not values:
        return None, ()
    weak.sort(key=lambda item: (item[0], item[1].day or 0))
    return 100.0 * sum(values) / len(values), tuple(e for _, e in weak)


def blend(rule: float | None, annotation: float | None, weight: float) -> float | None:
    """Mix the rule-based and annotation scores; either alone when the other is missing."""
    if rule is None:
        return annotation
    if annotation is None:
        return rule
    return (1.0 - weight) * rule + weight * annotation
