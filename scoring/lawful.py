"""Whether a share of information had a lawful basis, judged from the basis, the sensitivity and the services.

Every judgement reads the *service* a role declares (`Role.service`: skole, barnehage, ppt, barnevern,
helse, leder, annet) or the fixed external recipient (foreldre, politi, bup, fastlege, nav), never a role
id. The rule table (first match wins; sources and dates in docs/scoring-rules.md):

1. `general` information is not confidential: any share is lawful.
2. `anonymous`: lawful, nothing identifies the child (it does not deliver the information either).
3. `consent`: lawful (fvl. § 13 a nr. 1, hpl. § 22). The scope of the consent is not modelled.
4. To `foreldre`: the parents hold parental responsibility, so telling them is no breach; health
   information from health personnel about a child who wants it kept from them is weighed under
   pbrl. § 3-4 (a warning). Whether the parents should be told *now* is the parents dimension's job.
5. `duty_to_report` (bvl. § 13-2, hpl. § 33): lawful only towards the child welfare service.
6. `duty_to_avert` (strl. § 196): lawful only towards the police, the child welfare service or
   someone else who can avert the act (the police and barneverntjenesten are the ones the scenario
   language can name); the duty does not open sharing with anyone else.
7. `task` (fvl. § 13 b første ledd nr. 5, to another public body to promote the giver's own tasks):
   lawful from skole, barnehage, ppt, leder, annet and barnevern (the child welfare service has its
   own, stricter sharing rules; whether they allow this is marked for the editors); health
   personnel are bound by hpl. § 21 instead, and may only share with other health services
   (hpl. § 25: co-operating personnel giving health care; not school, PPT or BVT).
8. `internal` (need to know within the service): lawful inside one service, between a leader and a
   school or kindergarten (the same body, fvl. § 13 b første ledd nr. 3), and between health
   services (hpl. § 25); anything else leaves the service and needs another basis.
9. Anything else (`none`, an unknown basis, a basis that does not fit the receiver) is unlawful.

Unlawful disclosures are graded. A `personal` (low-sensitivity) item passed by a public-sector role
(not health personnel) to a team role of another public service is a *warning*: it could have been
shared on fvl. § 13 b første ledd nr. 5 after a documented assessment of necessity (Sivilombudet on
school and school health service), so the slip is the missing assessment, not the disclosure as such.
Everything else unlawful — health, child-welfare or abuse information, anything from health
personnel, anything to police, NAV, BUP or a GP without a basis — is *critical*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scenarios.model import Scenario
from scoring.model import CRITICAL
from scoring.model import WARNING

HEALTH = "helse"
CHILD_WELFARE = "barnevern"
LEADER = "leder"
PARENTS = "foreldre"
POLICE = "politi"

# The recipients outside the team a share may name, and the service each of them is.
EXTERNAL_SERVICES = {
    "foreldre": "foreldre",
    "politi": "politi",
    "bup": HEALTH,
    "fastlege": HEALTH,
    "nav": "nav",
}
# Services bound by forvaltningsloven's confidentiality (and its § 13 b sharing rules).
PUBLIC_SERVICES = frozenset({"skole", "barnehage", "ppt", LEADER, "annet", CHILD_WELFARE})
# Where a leader belongs to the same body (rektor and teacher, styrer and pedagogical leader).
SAME_BODY = frozenset({frozenset({LEADER, "skole"}), frozenset({LEADER, "barnehage"})})
LOW_SENSITIVITY = "personal"


@dataclass(frozen=True)
class Verdict:
    """The judgement on one share: lawful or not, how grave, the rule it rests on, and a reason code."""

    lawful: bool
    rule: str
    reason: str
    severity: str | None = None  # critical | warning | info for a share that is flagged; None if fine


def service_of(scenario: Scenario, party: str | None) -> str | None:
    """The service of a team role (its declared `service`) or an external recipient."""
    if party is None:
        return None
    if party in EXTERNAL_SERVICES:
        return EXTERNAL_SERVICES[party]
    role = scenario.role(party)
    return role.service if role is not None else None


def is_health(scenario: Scenario, role: str | None) -> bool:
    """Whether the role is health personnel (bound by helsepersonelloven)."""
    return service_of(scenario, role) == HEALTH


def is_child_welfare(scenario: Scenario, role: str | None) -> bool:
    """Whether the role is the child welfare service, the receiver of reports."""
    return service_of(scenario, role) == CHILD_WELFARE


def confidentiality_rule(service: str | None) -> str:
    """The confidentiality provision that binds a service."""
    if service == HEALTH:
        return "hpl. § 21"
    if service == CHILD_WELFARE:
        return "bvl. § 13-1 (taushetsplikt i barnevernet)"
    return "fvl. § 13"


def judge_share(share: Mapping[str, Any], scenario: Scenario) -> Verdict:
    """Judge one share record (from, to, info, basis) against the rule table above."""
    info = scenario.info(share.get("info", ""))
    sensitivity = info.sensitivity if info is not None else LOW_SENSITIVITY
    basis = share.get("basis")
    sender = service_of(scenario, share.get("from"))
    receiver = service_of(scenario, share.get("to"))
    verdict = _lawful_basis(basis, sensitivity, sender, receiver)
    if verdict is not None:
        return verdict
    return _unlawful(basis, sensitivity, sender, receiver, external=share.get("to") in EXTERNAL_SERVICES)


def _lawful_basis(basis: Any, sensitivity: str, sender: str | None, receiver: str | None) -> Verdict | None:
    """The verdict when the share is lawful (or a parents warning), else None."""
    if sensitivity == "general":
        return Verdict(True, "ikke taushetsbelagt", "general")
    if basis == "anonymous":
        return Verdict(True, "anonym drøfting (fvl. § 13 a nr. 2)", "anonymous")
    if basis == "consent":
        return Verdict(True, "hpl. § 22" if sender == HEALTH else "fvl. § 13 a nr. 1", "consent")
    if receiver == PARENTS:
        if sender == HEALTH and sensitivity == "health":
            return Verdict(True, "pbrl. § 3-4", "parents_health", severity=WARNING)
        return Verdict(True, "foreldreansvaret", "parents")
    if basis == "duty_to_report" and receiver == CHILD_WELFARE:
        return Verdict(True, "hpl. § 33" if sender == HEALTH else "bvl. § 13-2", "duty_to_report")
    if basis == "duty_to_avert" and receiver in (POLICE, CHILD_WELFARE):
        return Verdict(True, "strl. § 196", "duty_to_avert")
    if basis == "task":
        if sender == HEALTH and receiver == HEALTH:
            return Verdict(True, "hpl. § 25", "health_cooperation")
        if sender in PUBLIC_SERVICES and receiver is not None and receiver != PARENTS:
            return Verdict(True, "fvl. § 13 b første ledd nr. 5", "task")
    if basis == "internal" and sender is not None and receiver is not None:
        if sender == receiver == HEALTH:
            return Verdict(True, "hpl. § 25", "health_cooperation")
        if sender == receiver or frozenset({sender, receiver}) in SAME_BODY:
            return Verdict(True, "tjenestlig behov (fvl. § 13 b første ledd nr. 3)", "internal")
    return None


def _unlawful(
    basis: Any, sensitivity: str, sender: str | None, receiver: str | None, *, external: bool
) -> Verdict:
    """The verdict on a share without a fitting basis, graded by sensitivity and receiver."""
    rule = confidentiality_rule(sender)
    if basis == "duty_to_report":
        law = "hpl. § 33" if sender == HEALTH else "bvl. § 13-2"
        rule, reason = f"{law} (gjelder overfor barneverntjenesten)", "duty_to_report_wrong_recipient"
    elif basis == "duty_to_avert":
        rule, reason = (
            "strl. § 196 (gjelder overfor politiet eller den som kan avverge)",
            "avert_wrong_recipient",
        )
    elif basis in ("none", None):
        reason = "no_basis"
    elif sender == HEALTH and receiver != HEALTH:
        reason = "health_outside_care"
    elif basis == "internal":
        reason = "internal_other_service"
    else:
        reason = "unknown_basis"
    if sender == HEALTH and receiver != HEALTH and basis not in ("duty_to_report", "duty_to_avert"):
        rule = "hpl. § 21; hpl. § 25 (gjelder ikke skole, PPT eller barnevern)"
    minor = (
        sensitivity == LOW_SENSITIVITY
        and sender in PUBLIC_SERVICES
        and receiver in PUBLIC_SERVICES | {HEALTH}
        and not external
    )
    if minor:
        return Verdict(False, f"{rule}; fvl. § 13 b første ledd nr. 5 krever en vurdering", reason, WARNING)
    return Verdict(False, rule, reason, CRITICAL)
