"""Whether a share of information had a lawful basis, judged from the basis, the sensitivity and the roles.

The rule table (first match wins) encodes domain notes c.2–c.6:

1. `general` information is not confidential: any share is lawful.
2. basis `none`: unlawful under the sharer's confidentiality regime (hpl. § 21 for health personnel,
   the barnevern rules for the child welfare service, fvl. § 13 for everyone else).
3. `duty_to_report` (bvl. § 13-2, hpl. § 33): lawful only towards the child welfare service; the duty
   does not open sharing with anyone else.
4. `duty_to_avert` (strl. § 196): lawful, it overrides every statutory confidentiality duty.
5. `anonymous`: lawful, nothing identifies the child (it does not deliver the information either).
6. `consent`: lawful (fvl. § 13 a nr. 1, hpl. § 22). The scope of the consent is not modelled.
7. `internal` (need to know within the service): health information from health personnel to anyone
   outside health care is unlawful (a teacher is not co-operating personnel under hpl. § 25);
   otherwise lawful only between roles of the same service (`SERVICES`).

Role ids are matched by convention: `helsesykepleier` and the ids in `HEALTH_ROLES` are health
personnel, `bvt` and the ids in `BVT_ROLES` the child welfare service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scenarios.model import Info

HEALTH_ROLES = frozenset(
    {"helsesykepleier", "helsestasjon", "skolehelsetjenesten", "lege", "fastlege", "psykolog", "jordmor"}
)
BVT_ROLES = frozenset({"bvt", "barnevern", "barneverntjenesten", "barnevernstjenesten"})
POLICE_ROLES = frozenset({"politi", "politiet"})

# Which service a role belongs to, for the `internal` basis; unknown roles are a service of their own.
SERVICES = {
    "kontaktlaerer": "skole",
    "rektor": "skole",
    "sosiallaerer": "skole",
    "miljoterapeut": "skole",
    "styrer": "barnehage",
    "pedagogisk-leder": "barnehage",
    "ppt": "ppt",
    **{role: "helse" for role in HEALTH_ROLES},
    **{role: "barnevern" for role in BVT_ROLES},
    **{role: "politi" for role in POLICE_ROLES},
}


@dataclass(frozen=True)
class Verdict:
    """The judgement on one share: lawful or not, the rule it rests on, and a stable reason code."""

    lawful: bool
    rule: str
    reason: str


def is_health(role: str | None) -> bool:
    """Whether the role is health personnel (bound by helsepersonelloven)."""
    return role in HEALTH_ROLES


def is_bvt(role: str | None) -> bool:
    """Whether the role is the child welfare service, the receiver of reports."""
    return role in BVT_ROLES


def service(role: str) -> str:
    """The service a role works in, for sharing on need-to-know within it."""
    return SERVICES.get(role, role)


def confidentiality_rule(role: str | None) -> str:
    """The confidentiality provision that binds a role."""
    if is_health(role):
        return "hpl. § 21"
    if is_bvt(role):
        return "barnevernsloven (taushetsplikt)"
    return "fvl. § 13"


def judge_share(share: Mapping[str, Any], info: Info | None) -> Verdict:
    """Judge one share record of the runtime (from, to, info, basis) against the rule table above."""
    sender, receiver, basis = share.get("from"), share.get("to"), share.get("basis")
    sensitivity = info.sensitivity if info is not None else "personal"
    health_out = sensitivity == "health" and is_health(sender) and not is_health(receiver)
    if sensitivity == "general":
        return Verdict(True, "ikke taushetsbelagt", "general")
    if basis == "none":
        rule = confidentiality_rule(sender)
        if health_out:
            rule += "; hpl. § 25"
        return Verdict(False, rule, "no_basis")
    if basis == "duty_to_report":
        law = "hpl. § 33" if is_health(sender) else "bvl. § 13-2"
        if is_bvt(receiver):
            return Verdict(True, law, "duty_to_report")
        return Verdict(False, f"{law} (gjelder overfor barneverntjenesten)", "duty_to_report_wrong_recipient")
    if basis == "duty_to_avert":
        return Verdict(True, "strl. § 196", "duty_to_avert")
    if basis == "anonymous":
        return Verdict(True, "anonym drøfting", "anonymous")
    if basis == "consent":
        return Verdict(True, "hpl. § 22" if is_health(sender) else "fvl. § 13 a nr. 1", "consent")
    if basis == "internal":
        if health_out:
            return Verdict(False, "hpl. § 21; hpl. § 25", "health_outside_care")
        if sender is not None and receiver is not None and service(sender) == service(receiver):
            return Verdict(True, "tjenestlig behov", "internal")
        return Verdict(False, confidentiality_rule(sender), "internal_other_service")
    return Verdict(False, confidentiality_rule(sender), "unknown_basis")
