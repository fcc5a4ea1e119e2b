"""Which Laget account a provider login opens: the linked one, one linked now, a new one, or none.

The rules, in order:

1. Exactly one organisation must admit the person (``app.oidc.admission``), on every login.
2. A person whose (issuer, sub) is linked logs in to that account, if it belongs to that organisation
   and is active.
3. Otherwise an account with the same e-mail address is linked only when the provider says the address
   is verified (``email_verified`` true) and the account is in the admitting organisation and not yet
   linked at this provider. An unverified address that matches an account is refused, never linked:
   whoever controls a provider account could otherwise take over someone else's Laget account.
4. Otherwise a new participant account is made. It gets the address only if verified; else a
   placeholder under ``.invalid`` (RFC 2606), so no password-reset mail can go to an unproven address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from app.extensions import db
from app.models import OidcIdentity
from app.models import Organisation
from app.models import Role
from app.models import User
from app.models import normalise_email
from app.models import utcnow
from app.oidc.admission import admitting_organisations
from app.oidc.providers import Provider

# Why a login is refused; each has a message on the error page (app/oidc/views.py).
NOT_ADMITTED = "not_admitted"
AMBIGUOUS = "ambiguous"
UNVERIFIED_EMAIL_IN_USE = "unverified_email_in_use"
OTHER_ORGANISATION = "other_organisation"
ALREADY_LINKED = "already_linked"
INACTIVE = "inactive"


@dataclass(frozen=True)
class Outcome:
    """The account to log in to (with how it was found), or the reason there is none."""

    user: User | None = None
    how: str = ""  # "linked" (before), "link" (by verified e-mail now) or "created"
    refused: str = ""
    organisation_id: int | None = None


def account_for(provider: Provider, claims: dict[str, Any]) -> Outcome:
    """Find, link or create the account for a person the provider vouched for, or say why not."""
    organisations = admitting_organisations(provider.issuer, claims)
    if not organisations:
        return Outcome(refused=NOT_ADMITTED)
    if len(organisations) > 1:
        return Outcome(refused=AMBIGUOUS)
    organisation = organisations[0]
    identity = OidcIdentity.find(provider.issuer, str(claims["sub"]))
    if identity is not None:
        return _checked(identity.user, organisation, "linked")
    email, verified = _email(claims)
    existing = User.by_email(email) if email else None
    if existing is not None and not verified:
        return Outcome(refused=UNVERIFIED_EMAIL_IN_USE, organisation_id=organisation.id)
    if existing is not None:
        outcome = _checked(existing, organisation, "link")
        if outcome.user is not None and OidcIdentity.of(existing, provider.issuer) is not None:
            return Outcome(refused=ALREADY_LINKED, organisation_id=organisation.id)
        if outcome.user is not None:
            _link(existing, provider, claims)
        return outcome
    user = _create(organisation, provider, claims, email if verified else None)
    _link(user, provider, claims)
    return Outcome(user=user, how="created", organisation_id=organisation.id)


def _checked(user: User, organisation: Organisation, how: str) -> Outcome:
    """The account, unless it is of another organisation than the admitting one, or deactivated."""
    if user.organisation_id != organisation.id:
        return Outcome(refused=OTHER_ORGANISATION, organisation_id=organisation.id)
    if not user.active:
        return Outcome(refused=INACTIVE, organisation_id=organisation.id)
    return Outcome(user=user, how=how, organisation_id=organisation.id)


def _email(claims: dict[str, Any]) -> tuple[str | None, bool]:
    """The address the provider gave, and whether it says it verified it (only a JSON true counts)."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        return None, False
    return normalise_email(email), claims.get("email_verified") is True


def _display_name(claims: dict[str, Any], email: str | None) -> str:
    """The person's name from the provider, else the start of their address, else a neutral word."""
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part for part in parts if isinstance(part, str) and part.strip())
    if not name.strip() and email:
        name = email.split("@", 1)[0]
    return name.strip()[:100] or "Deltaker"


def placeholder_email(provider: Provider, subject: str) -> str:
    """A unique address that can never receive mail, for an account whose provider gave no verified one."""
    digest = hashlib.sha256(f"{provider.issuer}\0{subject}".encode()).hexdigest()[:20]
    return f"{provider.key}-{digest}@laget.invalid"


def _create(
    organisation: Organisation, provider: Provider, claims: dict[str, Any], email: str | None
) -> User:
    """A new participant of ``organisation`` with no password: they log in through the provider."""
    user = User(
        email=email or placeholder_email(provider, str(claims["sub"])),
        display_name=_display_name(claims, email),
        role=Role.PARTICIPANT,
        organisation_id=organisation.id,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _link(user: User, provider: Provider, claims: dict[str, Any]) -> OidcIdentity:
    """Tie the provider's (issuer, sub) to ``user`` for good."""
    identity = OidcIdentity(user_id=user.id, issuer=provider.issuer, subject=str(claims["sub"]))
    db.session.add(identity)
    db.session.flush()
    return identity


def note_login(provider: Provider, user: User) -> None:
    """Remember when the account last came in through this provider."""
    identity = OidcIdentity.of(user, provider.issuer)
    if identity is not None:
        identity.last_login_at = utcnow()
        db.session.flush()
