"""Retention: deleting what Laget no longer needs once its configured period has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from app.audit.trail import prune_audit_log
from app.models import utcnow
from app.privacy.erase import delete_reflections_of_erased
from app.privacy.erase import pseudonymise_old_drills
from app.privacy.erase import pseudonymise_old_observers


@dataclass(frozen=True)
class RetentionReport:
    """How much each retention rule removed in one run."""

    audit_events: int
    seats_pseudonymised: int
    reflections_deleted: int
    observers_pseudonymised: int = 0


def run_retention(now: datetime | None = None) -> RetentionReport:
    """Apply every retention rule once; the caller commits."""
    now = now or utcnow()
    config = current_app.config
    return RetentionReport(
        audit_events=prune_audit_log(int(config["AUDIT_RETENTION_DAYS"]), now),
        seats_pseudonymised=pseudonymise_old_drills(int(config["RETENTION_MONTHS"]), now),
        reflections_deleted=delete_reflections_of_erased(),
        observers_pseudonymised=pseudonymise_old_observers(int(config["RETENTION_MONTHS"]), now),
    )
