"""Which organisation, if any, takes in a person who logged in at a provider.

A rule matches when the claim's value equals the rule's value, or, for a list of values (groups,
affiliations), contains it. A rule value starting with "@" matches the part after the last "@" of the
claim, so "@fjordvik.kommune.no" admits Feide's "ola@fjordvik.kommune.no" (eduPersonPrincipalName).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import OidcAdmission
from app.models import Organisation


class AdmissionTaken(Exception):
    """Another rule (of this or another organisation) already admits people by this claim and value."""


def claim_matches(claim: Any, wanted: str) -> bool:
    """Whether a claim's value, or one of its values, is ``wanted``."""
    if isinstance(claim, list):
        return any(claim_matches(item, wanted) for item in claim)
    if isinstance(claim, bool) or claim is None or isinstance(claim, dict):
        return False
    text = str(claim)
    if wanted.startswith("@"):
        return "@" in text and text.rsplit("@", 1)[1].lower() == wanted[1:].lower()
    return text == wanted


def admitting_organisations(issuer: str, claims: dict[str, Any]) -> list[Organisation]:
    """The organisations whose rules for this provider match the person's claims."""
    found: dict[int, Organisation] = {}
    for rule in OidcAdmission.for_issuer(issuer):
        if rule.claim in claims and claim_matches(claims[rule.claim], rule.value):
            found[rule.organisation_id] = rule.organisation
    return list(found.values())


def add_rule(organisation: Organisation, issuer: str, claim: str, value: str) -> OidcAdmission:
    """Admit the people of ``issuer`` whose ``claim`` has ``value`` to ``organisation``.

    :raise AdmissionTaken: when some organisation already has this very rule.
    """
    claim, value = claim.strip(), value.strip()
    taken = select(OidcAdmission.id).where(
        OidcAdmission.issuer == issuer, OidcAdmission.claim == claim, OidcAdmission.value == value
    )
    if db.session.scalar(taken) is not None:
        raise AdmissionTaken
    rule = OidcAdmission(organisation_id=organisation.id, issuer=issuer, claim=claim, value=value)
    try:
        # A savepoint, so a rule added by someone else a moment ago is a message, not a failed request.
        with db.session.begin_nested():
            db.session.add(rule)
    except IntegrityError as error:
        raise AdmissionTaken from error
    return rule


def remove_rule(rule: OidcAdmission) -> None:
    """Stop admitting people by this rule; their accounts stay, but log in only while a rule admits them."""
    db.session.delete(rule)
    db.session.flush()
