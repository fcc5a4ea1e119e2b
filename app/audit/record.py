"""``record_audit``: the one way any part of Laget writes to the audit trail (and the security log).

Call it after the service has made its change and before the view commits, so the record and the
change are stored together or not at all. GET views that export data commit the record themselves.

Deleting a (test) drill records ``drill_deleted`` in the deleting transaction, under the name the
drill had (``target_of`` taken before the rows go).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import has_request_context
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent
from app.models import Drill
from app.models import Invitation
from app.models import User
from app.models.authoring import AuthoredScenario

# Every action the trail records, with the words the admin's page shows for it.
ACTION_LABELS = {
    "login_succeeded": _l("Innlogging"),
    "login_failed": _l("Mislykket innlogging"),
    "login_throttled": _l("Innlogging forsinket"),
    "logout": _l("Utlogging"),
    "oidc_login_succeeded": _l("Innlogging med innloggingstjeneste"),
    "oidc_login_refused": _l("Innlogging med innloggingstjeneste avvist"),
    "oidc_login_failed": _l("Innlogging med innloggingstjeneste mislyktes"),
    "oidc_account_created": _l("Konto opprettet ved første innlogging"),
    "oidc_account_linked": _l("Konto koblet til innloggingstjeneste"),
    "oidc_admission_added": _l("Regel for innlogging lagt til"),
    "oidc_admission_removed": _l("Regel for innlogging fjernet"),
    "mfa_enrolled": _l("Tofaktor satt opp"),
    "mfa_failed": _l("Feil tofaktorkode"),
    "mfa_reset": _l("Tofaktor nullstilt"),
    "settings_changed": _l("Innstillinger endret"),
    "lti_platform_registered": _l("Læringsplattform registrert"),
    "lti_platform_changed": _l("Læringsplattform endret"),
    "lti_platform_removed": _l("Læringsplattform fjernet"),
    "lti_key_rotated": _l("LTI-nøkkel byttet"),
    "password_changed": _l("Passord endret"),
    "password_reset_requested": _l("Lenke for nytt passord sendt"),
    "password_reset": _l("Passord satt med lenke"),
    "invitation_created": _l("Invitasjon laget"),
    "invitation_revoked": _l("Invitasjon trukket tilbake"),
    "invitation_accepted": _l("Invitasjon tatt i bruk"),
    "role_changed": _l("Rolle endret"),
    "unit_leader_changed": _l("Enhetsleder endret"),
    "user_deactivated": _l("Bruker deaktivert"),
    "user_reactivated": _l("Bruker aktivert igjen"),
    "sessions_ended": _l("Logget ut på alle enheter"),
    "scenario_published": _l("Scenario publisert"),
    "scenario_sharing_changed": _l("Deling av scenario endret"),
    "scenario_retired": _l("Scenario trukket tilbake"),
    "scenario_exported": _l("Scenarioversjon lastet ned"),
    "debrief_exported": _l("Debrief eksportert"),
    "course_overview_exported": _l("Kursoversikt eksportert"),
    "certificate_downloaded": _l("Kursbevis lastet ned"),
    "drill_deleted": _l("Øvelse slettet"),
    "audit_exported": _l("Revisjonslogg eksportert"),
    "data_exported": _l("Persondata lastet ned"),
    "reflections_cleared": _l("Refleksjoner slettet"),
    "account_erased": _l("Konto slettet"),
}


def record_audit(
    action: str,
    target: object = "",
    *,
    actor: User | None = None,
    organisation_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit record (actor defaults to the logged-in user) and write the same to the JSON log."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if organisation_id is None and actor is not None:
        organisation_id = actor.organisation_id
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        action=action,
        target=target_of(target)[:200],
        address=(request.remote_addr or "")[:45] if has_request_context() else "",
        detail=detail,
    )
    db.session.add(event)
    current_app.logger.info(
        action.replace("_", " "),
        extra={
            "event": action,
            "actor_id": event.actor_id,
            "organisation_id": organisation_id,
            "target": event.target,
            **({"detail": detail} if detail else {}),
        },
    )
    return event


def target_of(target: object) -> str:
    """Name an object as "kind:id", with public ids where the object has one, so links stay opaque."""
    if isinstance(target, str):
        return target
    if isinstance(target, User):
        return f"user:{target.id}"
    if isinstance(target, Drill):
        return f"drill:{target.public_id}"
    if isinstance(target, AuthoredScenario):
        return f"scenario:{target.public_id}"
    if isinstance(target, Invitation):
        return f"invitation:{target.id}"
    raise TypeError(f"no audit name for {type(target).__name__}")
