"""The child's voice: heard before key decisions, with open questions, not interviewed twice.

child_voice (CV) – heard: share of key decisions (reports, PPT referral, stafettlogg, measures) preceded
in the same or an earlier scene by hearing the child (talk_child without leading questions; in an
abuse case also documenting the child's own words, since interviews belong to Statens barnehus);
quality: open / (open + leading + undermining) talk_child actions; repeats: 1 / (1 + extra
interviewing roles) where interviewing is a leading talk or one the author tags investigative
(`utforskende`); a supportive talk (`støttende`) is never an interview, however many there are.
A talk whose choice the author annotates as harming the child's voice (`Vurdering: stemme` below 0,
e.g. a nurse promising the child total secrecy) undermines it: it does not count as hearing the child
and counts against quality; and since such a promise costs the child's trust in every adult, the
rule score is divided by 1 + the number of undermining talks. Repeats apply only when someone talked
with the child.
    CV = (0.5·heard + 0.3·quality + 0.2·repeats) / (1 + undermining)   (over the parts that apply)
"""

from __future__ import annotations

from scenarios.model import Scenario
from scoring.annotations import annotation_value
from scoring.dimensions.parents import contraindicated_at
from scoring.dimensions.result import action_evidence
from scoring.dimensions.result import decision_at
from scoring.dimensions.result import finish
from scoring.dimensions.result import flag_at
from scoring.dimensions.result import weighted
from scoring.lawful import is_child_welfare
from scoring.model import WARNING
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.model import Flag
from scoring.timeline import Timeline

INVESTIGATIVE = "utforskende"
SUPPORTIVE = "støttende"
# Decisions the child's voice should inform, besides starting a measure.
KEY_DECISIONS = ("report_bvt", "report_police", "refer_ppt", "open_log")


def child_voice(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """The child heard before key decisions, with open questions, and not interviewed by several adults."""
    abuse = contraindicated_at(scenario, timeline, None)
    talks = timeline.actions_of("talk_child")
    undermining = [t for t in talks if _undermines(timeline, t)]
    hearing = [t for t in talks if "leading_questions" not in t["tags"] and t not in undermining]
    if abuse:
        hearing += timeline.actions_of("document")
    decisions = list(timeline.actions_of(*KEY_DECISIONS)) + [
        {**m, "kind": "measure"} for m in timeline.measures
    ]
    evidence: list[Evidence] = []
    flags: list[Flag] = []
    if decisions:
        heard_flags = []
        for d in decisions:
            heard_before = any(h["round"] <= d["round"] for h in hearing)
            heard_flags.append(heard_before)
            if not heard_before:
                evidence.append(
                    Evidence(
                        "action",
                        d["role"],
                        d["scene"],
                        d["day"],
                        d["seq"],
                        {"decision": d["kind"], "heard": False},
                    )
                )
        heard: float | None = sum(heard_flags) / len(heard_flags)
    elif timeline.finished:
        heard = 1.0 if hearing else 0.0
    else:
        heard = None
    open_talks = [t for t in talks if "open_questions" in t["tags"]]
    leading = [t for t in talks if "leading_questions" in t["tags"]]
    poor = leading + [t for t in undermining if t not in leading]
    good = [t for t in open_talks if t not in undermining]
    quality = len(good) / (len(good) + len(poor)) if (good or poor) else None
    interviewers = {t["role"] for t in leading} | {
        t["role"] for t in talks if INVESTIGATIVE in t["tags"] and SUPPORTIVE not in t["tags"]
    }
    repeats = 1.0 / (1.0 + max(0, len(interviewers) - 1)) if talks else None
    for talk in undermining:
        evidence.append(action_evidence(talk, undermines=True))
    seen_leading: set[str] = set()
    for talk in leading:
        evidence.append(action_evidence(talk))
        if talk["role"] not in seen_leading:
            seen_leading.add(talk["role"])
            flags.append(
                flag_at(
                    "child_voice",
                    "leading_questions",
                    WARNING,
                    "NKVTS: åpne spørsmål; avhør hører hjemme i Statens barnehus",
                    talk,
                    {},
                )
            )
    if len(interviewers) >= 2:
        # The investigative talk is the child welfare service's task: when it interviewed, the flag
        # sits on the first role outside child welfare that interviewed too; otherwise on the role
        # that interviewed the child again after another role already had.
        interviews = sorted((t for t in talks if t["role"] in interviewers), key=lambda t: t["seq"])
        outside = [t for t in interviews if not is_child_welfare(scenario, t["role"])]
        second = next(t for t in interviews if t["role"] != interviews[0]["role"])
        culprit = outside[0] if len(outside) < len(interviews) else second
        order = dict.fromkeys([culprit["role"], *(t["role"] for t in interviews)])
        flags.append(
            flag_at(
                "child_voice",
                "repeated_interviews",
                WARNING,
                "NKVTS: samordne hvem som snakker med barnet",
                culprit,
                {"roles": tuple(order)},
            )
        )
    for talk in open_talks:
        evidence.append(action_evidence(talk))
    parts = {"heard": heard, "quality": quality, "repeats": repeats}
    rule = weighted(parts, {"heard": 0.5, "quality": 0.3, "repeats": 0.2})
    if rule is not None and undermining:
        rule /= 1 + len(undermining)  # a broken promise costs the child's trust in every adult
    details = {
        **parts,
        "undermining": len(undermining),
        "abuse_case": abuse,
        "talks": len(talks),
        "heard_by": tuple(dict.fromkeys(h["role"] for h in hearing)),
        "interviewers": tuple(sorted(interviewers)),
    }
    return finish("child_voice", timeline, rule, evidence, details, flags)


def _undermines(timeline: Timeline, talk: dict) -> bool:
    """Whether the author annotates the choice behind a talk as harming the child's voice."""
    decision = decision_at(timeline, talk["role"], talk["seq"])
    return decision is not None and annotation_value(decision.choice, "child_voice") < 0
