"""Parent involvement where indicated; no confrontation first where abuse is suspected.

A contact with the parents is a `samtale-foreldre` action or a share with `foreldre`. Whether parents
are contraindicated is read from the scenario at the moment of each contact: `parents:
contraindicated` holds for the whole case, or from `Meta.parents_onset` on (a scene or a flag).

parents (PI) – where indicated: 0.45·quality of the conversations (planned 1, unspecified 0.7,
unprepared 0.3; 0 for none at all when the team's choices offered one) + 0.3·share of
measures/referrals/logs preceded by a parent conversation or consent
+ 0.25·consent asked (where the choices the team faced offered it). When the first conversation
should come is the author's expectation (`samtale-foreldre` in `expectations:`), scored under
escalation; the kommune's level-0 deadline (`decision_deadline_days`) is a different rule and is not
read here.

Where contraindicated: 0 if the parents were contacted before anyone reported to BVT or the police
(the critical `parents_confronted_first`; the order is NKVTS and Bufdir guidance, not a
provision of bvl. § 13-2), else 1 / (1 + contacts after the BVT report but before an expected police
report, each the warning `parents_told_before_police`: consulting the police first is Bufdir's
practice guidance for police and child welfare). A contact before the onset is ordinary parent
involvement and is not flagged. With no contact and no report there is no evidence: None.
"""

from __future__ import annotations

from typing import Any

from scenarios.model import Scenario
from scoring.dimensions.result import REPORT_ACTIONS
from scoring.dimensions.result import action_evidence
from scoring.dimensions.result import finish
from scoring.dimensions.result import flag_at
from scoring.dimensions.result import weighted
from scoring.lawful import PARENTS
from scoring.model import CRITICAL
from scoring.model import WARNING
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.model import Flag
from scoring.timeline import Timeline

PARENT_TALK_QUALITY = {"planned": 1.0, "unprepared": 0.3}
PARENT_TALK_DEFAULT = 0.7
CONFRONTED_FIRST_RULE = (
    "NKVTS (voldsveileder) og Bufdir (veiledning): ved mistanke om vold fra en omsorgsperson "
    "meldes saken før foreldrene konfronteres; barneverntjenesten og politiet avgjør når "
    "foreldrene informeres"
)
POLICE_FIRST_RULE = (
    "Bufdir: Politi og barnevern – nasjonale retningslinjer for samhandling (praksis): "
    "drøft med politiet før foreldrene informeres"
)
AFTER_ACTIONS = 10**9  # a share with the parents sorts after the actions of the same choice


def contacts(timeline: Timeline) -> list[dict[str, Any]]:
    """Talks with the parents and shares with them, in the order they happened."""
    talks = [{**t, "order": (t["seq"], t["pos"])} for t in timeline.actions_of("talk_parents")]
    shared: dict[int, dict[str, Any]] = {}
    for share in timeline.shares:
        if share["to"] == PARENTS and share["seq"] not in shared:
            shared[share["seq"]] = {
                **share,
                "role": share["from"],
                "kind": "share_parents",
                "tags": (),
                "order": (share["seq"], AFTER_ACTIONS),
            }
    return sorted(talks + list(shared.values()), key=lambda c: c["order"])


def contraindicated_at(scenario: Scenario, timeline: Timeline, seq: int | None) -> bool:
    """Whether contacting the parents was contraindicated after event `seq` (None: at the end)."""
    onset = scenario.meta.parents_onset
    if scenario.meta.parents == "contraindicated" and onset is None:
        return True
    return timeline.holds(onset, seq)


def parents(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Parent involvement where it is indicated, and no confrontation first where abuse is suspected."""
    made = contacts(timeline)
    ever_contraindicated = contraindicated_at(scenario, timeline, None) or any(
        contraindicated_at(scenario, timeline, c["seq"]) for c in made
    )
    if ever_contraindicated:
        return _parents_contraindicated(scenario, timeline, made)
    return _parents_indicated(timeline, made)


def _parents_indicated(timeline: Timeline, made: list[dict[str, Any]]) -> DimensionScore:
    talks = [c for c in made if c["kind"] == "talk_parents"]
    evidence = [action_evidence(t) for t in talks]

    def quality_of(contact: dict[str, Any]) -> float:
        for tag, value in PARENT_TALK_QUALITY.items():
            if tag in contact["tags"]:
                return value
        return PARENT_TALK_DEFAULT

    could_talk = any(
        any(a.kind == "talk_parents" for a in option.actions)
        or any(PARENTS in share.external for share in option.shares)
        for decision in timeline.decisions
        for option in decision.options
    )
    if made:
        quality: float | None = sum(quality_of(c) for c in made) / len(made)
    else:  # no talk although the team's choices offered one: 0; never offered: nothing to score
        quality = 0.0 if timeline.finished and could_talk else None
    involving = timeline.actions_of("talk_parents", "request_consent")
    steps = [m for m in timeline.measures] + timeline.actions_of("refer_ppt", "open_log")
    before = [any(i["round"] <= s["round"] for i in involving) for s in steps]
    order = sum(before) / len(before) if before else None
    offered = any(
        any(a.kind == "request_consent" for a in option.actions)
        or any(share.basis == "consent" for share in option.shares)
        for decision in timeline.decisions
        for option in decision.options
    )
    asked = bool(timeline.actions_of("request_consent")) or any(
        s["basis"] == "consent" for s in timeline.shares
    )
    consent = (1.0 if asked else 0.0) if offered else None
    parts = {"quality": quality, "before_measures": order, "consent": consent}
    rule = weighted(parts, {"quality": 0.45, "before_measures": 0.3, "consent": 0.25})
    details = {**parts, "indicated": True, "talks": len(talks), "contacts": len(made)}
    return finish("parents", timeline, rule, evidence, details)


def _parents_contraindicated(
    scenario: Scenario, timeline: Timeline, made: list[dict[str, Any]]
) -> DimensionScore:
    actions = timeline.actions
    reports = [(a["seq"], a["pos"]) for a in actions if a["kind"] in REPORT_ACTIONS]
    police = [(a["seq"], a["pos"]) for a in actions if a["kind"] == "report_police"]
    first_report = reports[0] if reports else None
    first_police = police[0] if police else None
    police_expected = any(e.action == "report_police" for e in scenario.meta.expectations)
    flags: list[Flag] = []
    evidence: list[Evidence] = []
    critical = warnings = 0
    for contact in made:
        if contact["kind"] == "talk_parents":
            evidence.append(action_evidence(contact))
        if not contraindicated_at(scenario, timeline, contact["seq"]):
            continue
        if first_report is None or contact["order"] < first_report:
            critical += 1
            code, severity, rule = "parents_confronted_first", CRITICAL, CONFRONTED_FIRST_RULE
        elif police_expected and (first_police is None or contact["order"] < first_police):
            warnings += 1
            code, severity, rule = "parents_told_before_police", WARNING, POLICE_FIRST_RULE
        else:
            continue
        params = {"tags": tuple(contact["tags"]), "via": contact["kind"]}
        flags.append(flag_at("parents", code, severity, rule, contact, params))
    if not made and not reports:
        rule_score = None
    else:
        rule_score = 0.0 if critical else 1.0 / (1.0 + warnings)
    details = {
        "indicated": False,
        "talks": sum(c["kind"] == "talk_parents" for c in made),
        "contacts": len(made),
        "confronted_first": critical,
        "before_police": warnings,
    }
    return finish("parents", timeline, rule_score, evidence, details, flags)
