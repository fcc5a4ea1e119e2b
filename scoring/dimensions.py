"""The seven coordination dimensions as plain functions in a registry: `DIMENSIONS[name](scenario, timeline)`.

Every function returns a `DimensionScore` on 0–100 (None: not applicable). The rule-based part is
computed from the event log as below and then blended with the authors' annotations
(`scoring.annotations`: score = 0.75·rule + 0.25·annotation by default).

escalation (TE) – for each expectation e (meta.expectations) with due day d_e (the `day` of its due
  scene) and deadline g_e (the day of the scene `grace` visited scenes later, see
  `Timeline.grace_day`), take the first matching action (or the first time the BTI level reached N
  for `bti:N`) on day t:
      s_e = f · exp(−max(0, t − g_e) / τ)          τ = 14 days by default; never → 0
  f = 1, or 0.5 when the expectation names a role and only another role did it. An escalation
  (report_bvt, report_police, refer_ppt, bti:N) before d_e is halved unless the acting role had asked
  for consent or consulted anonymously first (over-reporting). TE = mean s_e; expectations not yet
  due in an unfinished drill are left out. Flags: an expected report_bvt/report_police that nobody
  made by the end of the drill is the critical `missed_report` (it caps the total); one made only
  by another role than the one named is `personal_duty` (the duty is personal); a late one is
  `late_report`; an unprepared early one `early_escalation`.

information (LIS) – precision P = lawful shares / all shares (`scoring.lawful` rule table); recall
  R = mean over needed (info, role) pairs the team had to deliver of exp(−late/τ_info), where late is
  the days past the needed scene's day of the first lawful, non-anonymous delivery (0 if never).
  Needs the scenario settles itself (holders, injects, items nobody on the team learned on this
  path) are not the team's work and are left out.
      LIS = (1 + β²) P R / (β² P + R)              β = 0.5 weighs precision (not over-sharing) higher
  With no shares P = 1 (nothing unlawful); with no needs LIS = P. Flags: every choice that shared
  unlawfully is the critical `unlawful_disclosure`, with the rule from the table; a needed item
  that did not arrive in time although a role who knew it had consent (asked for it, or shared on
  it) or the report duty had been reached (the item was for BVT) is `confidentiality_as_excuse`.

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

child_voice (CV) – heard: share of key decisions (reports, PPT referral, stafettlogg, measures) preceded
  in the same or an earlier scene by hearing the child (talk_child without leading questions; in an
  abuse case also documenting the child's own words, since interviews belong to Statens barnehus);
  quality: open / (open + leading) talk_child actions; repeats: 1 / (1 + extra interviewing roles)
  where interviewing is any leading talk, and in an abuse case any talk_child.
      CV = 0.5·heard + 0.3·quality + 0.2·repeats   (over the parts that apply)

parents (PI) – indicated: 0.35·quality of the conversations (planned 1, unspecified 0.7,
  unprepared 0.3) + 0.25·share of measures/referrals/logs preceded by a parent conversation or
  consent + 0.2·consent asked + 0.2·held within `decision_deadline_days` (exp decay after).
  Contraindicated: 0 if parents were talked to before anyone reported to BVT or the police (the
  critical `parents_confronted_first`), else 1 / (1 + talks after the BVT report but before an
  expected police report, each the warning `parents_told_before_police`).

follow_up (FC) – the mean of the loop closures that apply: measures with a follow-up date; follow-up
  dates that fell due in the drill and were kept (the role acted, or anyone evaluated, by the first
  scene on or after the date); an evaluation when one was expected; feedback to the reporter after
  a report; and at the end a closed case or 1 / (1 + open handovers + measures without follow-up).

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
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scenarios.model import Choice
from scenarios.model import Scenario
from scoring.annotations import annotation_score
from scoring.annotations import blend
from scoring.composite import rating
from scoring.infoflow import SCENARIO_DELIVERED
from scoring.infoflow import need_reach
from scoring.lawful import is_bvt
from scoring.lawful import is_health
from scoring.lawful import judge_share
from scoring.model import CRITICAL
from scoring.model import WARNING
from scoring.model import DimensionScore
from scoring.model import DivergentScene
from scoring.model import Evidence
from scoring.model import Flag
from scoring.paths import expert_first_owner_day
from scoring.stats import category_counts
from scoring.stats import fleiss_kappa
from scoring.stats import shannon_entropy
from scoring.timeline import Decision
from scoring.timeline import Timeline

REPORT_ACTIONS = ("report_bvt", "report_police")
# Escalations that can come too early (over-reporting); other expected actions cannot.
ESCALATIONS = ("report_bvt", "report_police", "refer_ppt")
# Decisions the child's voice should inform, besides starting a measure.
KEY_DECISIONS = ("report_bvt", "report_police", "refer_ppt", "open_log")
PARENT_TALK_QUALITY = {"planned": 1.0, "unprepared": 0.3}
PARENT_TALK_DEFAULT = 0.7
CONFRONTED_FIRST_RULE = (
    "Mistanke om vold fra omsorgsperson: meld først (bvl. § 13-2); "
    "barneverntjenesten og politiet avgjør når foreldrene informeres"
)


def _finish(
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


def _weighted(parts: dict[str, float | None], weights: dict[str, float]) -> float | None:
    """Weighted mean of the parts that apply."""
    used = [(weights[k], v) for k, v in parts.items() if v is not None]
    total = sum(w for w, _ in used)
    return sum(w * v for w, v in used) / total if total else None


def _decision_at(timeline: Timeline, role: str | None, seq: int | None) -> Decision | None:
    """The decision (with a choice) a role made at a given event number."""
    return next((d for d in timeline.decisions if d.role == role and d.seq == seq and d.choice), None)


# --- escalation -------------------------------------------------------------------------------------


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
        if found is None:
            item.update(status="never", score=0.0, done_by=None, day=None, latency_days=None)
            item["censored_days"] = timeline.end_day - due_scene.day
            if action in REPORT_ACTIONS and timeline.finished:
                flags.append(
                    _expectation_flag(
                        "missed_report", CRITICAL, expectation, due_scene.day, {"due_day": due_scene.day}
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
                flags.append(_escalation_flag("late_report", found, action, {"late_days": late}))
            if unprepared_early:
                flags.append(_escalation_flag("early_escalation", found, action, {"due_day": due_scene.day}))
            if not own and action in REPORT_ACTIONS and expectation.role is not None:
                flags.append(
                    _expectation_flag(
                        "personal_duty", WARNING, expectation, due_scene.day, {"done_by": found.role}
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
    return _finish("escalation", timeline, rule, evidence, {"expectations": items}, flags)


def _report_rule(action: str, role: str | None) -> str:
    if action == "report_police":
        return "strl. § 196"
    return "hpl. § 33; bvl. § 13-2" if is_health(role) else "bvl. § 13-2"


def _expectation_flag(code: str, severity: str, expectation: Any, day: int, params: dict[str, Any]) -> Flag:
    """A flag about an expected report, pinned to the scene and role the author named."""
    return Flag(
        code=code,
        severity=severity,
        rule=_report_rule(expectation.action, expectation.role),
        role=expectation.role,
        scene=expectation.due,
        day=day,
        dimension="escalation",
        params={"action": expectation.action, **params},
    )


def _escalation_flag(code: str, found: _Occurrence, action: str, params: dict[str, Any]) -> Flag:
    return Flag(
        code=code,
        severity=WARNING,
        rule=_report_rule(action, found.role) if action in REPORT_ACTIONS else "BTI-handlingsveileder",
        role=found.role,
        scene=found.scene,
        day=found.day,
        dimension="escalation",
        params={"action": action, **params},
    )


# --- information ------------------------------------------------------------------------------------


def information(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Lawful, need-to-know sharing: F-beta of lawful precision and on-time recall of needed information."""
    config = timeline.config
    shares = timeline.shares
    verdicts = [judge_share(s, scenario.info(s["info"])) for s in shares]
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
        share, verdict = shares[indexes[0]], verdicts[indexes[0]]
        infos = tuple(dict.fromkeys(shares[i]["info"] for i in indexes))
        decision = _decision_at(timeline, sender, seq)
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
            "laws": decision.choice.laws if decision else (),
            "choice": decision.choice.id if decision else None,
        }
        flags.append(
            Flag(
                code="unlawful_disclosure",
                severity=CRITICAL,
                rule=verdict.rule,
                role=sender,
                scene=share["scene"],
                day=share["day"],
                dimension="information",
                params=params,
            )
        )
        evidence.append(Evidence("share", sender, share["scene"], share["day"], seq, params))
    reach = need_reach(scenario, timeline)
    credits: list[float] = []
    missing = []
    for need in reach:
        if need.via in SCENARIO_DELIVERED:
            continue
        if need.reached_day is None and not timeline.finished and need.due_day is not None:
            if need.due_day > timeline.end_day:
                continue  # not due yet in a drill still running
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
                    need.due_scene,
                    need.due_day,
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
    return _finish("information", timeline, rule, evidence, details, flags)


def _info_title(scenario: Scenario, info_id: str) -> str:
    info = scenario.info(info_id)
    return info.title if info else info_id


def _confidentiality_as_excuse(scenario: Scenario, timeline: Timeline, missing) -> list[Flag]:
    """Needed information that stayed put although a lawful way to share it existed."""
    flags: list[Flag] = []
    report_due = [
        scenario.scene(e.due).day
        for e in scenario.meta.expectations
        if e.action == "report_bvt" and scenario.scene(e.due) is not None
    ]
    knowledge = timeline.final["knowledge"]
    for need in missing:
        deadline = need.due_day if need.due_day is not None else timeline.end_day
        info = scenario.info(need.info)
        holders = set(info.holders) if info else set()
        for role in scenario.role_ids:
            if role == need.role:
                continue
            known = knowledge.get(role, {}).get(need.info)
            if role not in holders and (known is None or known["day"] > deadline):
                continue
            basis = None
            consented = any(
                a["day"] <= deadline for a in timeline.actions_of("request_consent", role=role)
            ) or any(
                s["from"] == role and s["basis"] == "consent" and s["day"] <= deadline
                for s in timeline.shares
            )
            if consented:
                basis = "consent"
            elif is_bvt(need.role) and (
                any(a["day"] <= deadline for a in timeline.actions_of("report_bvt", role=role))
                or any(day <= deadline for day in report_due)
            ):
                basis = "duty_to_report"
            if basis is None:
                continue
            flags.append(
                Flag(
                    code="confidentiality_as_excuse",
                    severity=WARNING,
                    rule="hpl. § 22; hpl. § 33" if is_health(role) else "fvl. § 13 a; bvl. § 13-2",
                    role=role,
                    scene=need.due_scene,
                    day=need.due_day,
                    dimension="information",
                    params={
                        "info": need.info,
                        "info_title": _info_title(scenario, need.info),
                        "needed_by": need.role,
                        "basis": basis,
                        "reached_day": need.reached_day,
                    },
                )
            )
            break
    return flags


# --- ownership --------------------------------------------------------------------------------------


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
        return _finish("ownership", timeline, None, details={"applicable": False})
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
                    rule="bvl. § 15-8 (én samordner)",
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
                    rule="bvl. § 15-8; samarbeidsplikten (2022)",
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
    return _finish("ownership", timeline, rule, evidence, details, flags)


# --- child's voice ----------------------------------------------------------------------------------


def child_voice(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """The child heard before key decisions, with open questions, and not interviewed by several adults."""
    abuse = scenario.meta.parents == "contraindicated"
    talks = timeline.actions_of("talk_child")
    hearing = [t for t in talks if "leading_questions" not in t["tags"]]
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
    quality = len(open_talks) / (len(open_talks) + len(leading)) if (open_talks or leading) else None
    interviewers = {t["role"] for t in leading}
    if abuse:
        interviewers |= {t["role"] for t in talks}
    repeats = 1.0 / (1.0 + max(0, len(interviewers) - 1))
    seen_leading: set[str] = set()
    for talk in leading:
        evidence.append(
            Evidence(
                "action",
                talk["role"],
                talk["scene"],
                talk["day"],
                talk["seq"],
                {"action": "talk_child", "tags": tuple(talk["tags"])},
            )
        )
        if talk["role"] not in seen_leading:
            seen_leading.add(talk["role"])
            flags.append(
                Flag(
                    code="leading_questions",
                    severity=WARNING,
                    rule="NKVTS: åpne spørsmål; avhør hører hjemme i Statens barnehus",
                    role=talk["role"],
                    scene=talk["scene"],
                    day=talk["day"],
                    dimension="child_voice",
                    params={},
                )
            )
    if len(interviewers) >= 2:
        first = min((t for t in talks if t["role"] in interviewers), key=lambda t: t["seq"])
        flags.append(
            Flag(
                code="repeated_interviews",
                severity=WARNING,
                rule="NKVTS: samordne hvem som snakker med barnet",
                role=first["role"],
                scene=first["scene"],
                day=first["day"],
                dimension="child_voice",
                params={"roles": tuple(sorted(interviewers))},
            )
        )
    for talk in open_talks:
        evidence.append(
            Evidence(
                "action",
                talk["role"],
                talk["scene"],
                talk["day"],
                talk["seq"],
                {"action": "talk_child", "tags": tuple(talk["tags"])},
            )
        )
    parts = {"heard": heard, "quality": quality, "repeats": repeats}
    rule = _weighted(parts, {"heard": 0.5, "quality": 0.3, "repeats": 0.2})
    details = {
        **parts,
        "abuse_case": abuse,
        "talks": len(talks),
        "heard_by": tuple(dict.fromkeys(h["role"] for h in hearing)),
        "interviewers": tuple(sorted(interviewers)),
    }
    return _finish("child_voice", timeline, rule, evidence, details, flags)


# --- parents ----------------------------------------------------------------------------------------


def parents(scenario: Scenario, timeline: Timeline) -> DimensionScore:
    """Parent involvement where it is indicated, and no confrontation first where abuse is suspected."""
    talks = timeline.actions_of("talk_parents")
    if scenario.meta.parents == "contraindicated":
        return _parents_contraindicated(scenario, timeline, talks)
    evidence = [
        Evidence(
            "action",
            t["role"],
            t["scene"],
            t["day"],
            t["seq"],
            {"action": "talk_parents", "tags": tuple(t["tags"])},
        )
        for t in talks
    ]

    def quality_of(talk: dict[str, Any]) -> float:
        for tag, value in PARENT_TALK_QUALITY.items():
            if tag in talk["tags"]:
                return value
        return PARENT_TALK_DEFAULT

    quality = (
        sum(quality_of(t) for t in talks) / len(talks) if talks else (0.0 if timeline.finished else None)
    )
    involving = timeline.actions_of("talk_parents", "request_consent")
    steps = [m for m in timeline.measures] + timeline.actions_of("refer_ppt", "open_log")
    before = [any(i["round"] <= s["round"] for i in involving) for s in steps]
    order = sum(before) / len(before) if before else None
    offers_consent = any(
        any(a.kind == "request_consent" for a in c.actions) or any(sh.basis == "consent" for sh in c.shares)
        for s in scenario.scenes
        for sec in s.roles
        for c in sec.choices
    )
    asked = bool(timeline.actions_of("request_consent")) or any(
        s["basis"] == "consent" for s in timeline.shares
    )
    consent = (1.0 if asked else 0.0) if offers_consent else None
    deadline_days = scenario.meta.settings.get("decision_deadline_days")
    deadline: float | None = None
    if isinstance(deadline_days, int | float) and not isinstance(deadline_days, bool):
        if talks:
            excess = max(0.0, talks[0]["day"] - timeline.start_day - float(deadline_days))
            deadline = math.exp(-excess / timeline.config.tau_days)
        elif timeline.finished or timeline.end_day - timeline.start_day > deadline_days:
            deadline = 0.0
    parts = {"quality": quality, "before_measures": order, "consent": consent, "deadline": deadline}
    rule = _weighted(parts, {"quality": 0.35, "before_measures": 0.25, "consent": 0.2, "deadline": 0.2})
    return _finish("parents", timeline, rule, evidence, {**parts, "indicated": True, "talks": len(talks)})


def _parents_contraindicated(scenario: Scenario, timeline: Timeline, talks) -> DimensionScore:
    reports = timeline.actions_of(*REPORT_ACTIONS)
    first_report = reports[0]["pos"] if reports else None
    police = timeline.actions_of("report_police")
    first_police = police[0]["pos"] if police else None
    police_expected = any(e.action == "report_police" for e in scenario.meta.expectations)
    flags: list[Flag] = []
    evidence: list[Evidence] = []
    critical = warnings = 0
    for talk in talks:
        evidence.append(
            Evidence(
                "action",
                talk["role"],
                talk["scene"],
                talk["day"],
                talk["seq"],
                {"action": "talk_parents", "tags": tuple(talk["tags"])},
            )
        )
        if first_report is None or talk["pos"] < first_report:
            critical += 1
            code, severity = "parents_confronted_first", CRITICAL
            rule = CONFRONTED_FIRST_RULE
        elif police_expected and (first_police is None or talk["pos"] < first_police):
            warnings += 1
            code, severity = "parents_told_before_police", WARNING
            rule = "bvl. § 15-8: samråd med politiet før foreldrene varsles"
        else:
            continue
        flags.append(
            Flag(
                code=code,
                severity=severity,
                rule=rule,
                role=talk["role"],
                scene=talk["scene"],
                day=talk["day"],
                dimension="parents",
                params={"tags": tuple(talk["tags"])},
            )
        )
    rule_score = 0.0 if critical else 1.0 / (1.0 + warnings)
    details = {
        "indicated": False,
        "talks": len(talks),
        "confronted_first": critical,
        "before_police": warnings,
    }
    return _finish("parents", timeline, rule_score, evidence, details, flags)


# --- follow-up --------------------------------------------------------------------------------------


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
    reports = [a for a in timeline.actions_of("report_bvt") if not is_bvt(a["role"])]
    if reports:
        feedback = [a for a in timeline.actions_of("feedback_to_reporter") if a["seq"] >= reports[0]["seq"]]
        parts["feedback"] = 1.0 if feedback else 0.0
        for a in feedback[:1]:
            evidence.append(
                Evidence("action", a["role"], a["scene"], a["day"], a["seq"], {"action": a["kind"]})
            )
    open_handovers = [h for h in timeline.handovers if h["status"] == "open"]
    closed = timeline.actions_of("close_case")
    if timeline.finished:
        parts["closure"] = 1.0 if closed else 1.0 / (1.0 + len(open_handovers) + len(unfollowed))
    rule = _weighted(parts, dict.fromkeys(parts, 1.0)) if parts else None
    details = {
        **parts,
        "open_handovers": len(open_handovers),
        "measures_without_follow_up": len(unfollowed),
        "closed": bool(closed),
    }
    return _finish("follow_up", timeline, rule, evidence, details)


# --- alignment --------------------------------------------------------------------------------------


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
    rule = _weighted(parts, {"plan_agreement": 0.3, "checkpoint_agreement": 0.3, "accuracy": 0.4})
    details = {
        **parts,
        "fleiss_kappa": kappa,
        "scenes": tuple((s.scene, round(s.modal_share, 3), round(s.entropy, 3)) for s in scenes),
    }
    evidence.sort(key=lambda e: e.params.get("correct", True))
    return _finish("alignment", timeline, rule, evidence, details)


DIMENSIONS: dict[str, Callable[[Scenario, Timeline], DimensionScore]] = {
    "escalation": escalation,
    "information": information,
    "ownership": ownership,
    "child_voice": child_voice,
    "parents": parents,
    "follow_up": follow_up,
    "alignment": alignment,
}
