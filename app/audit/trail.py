"""Reading the audit trail: an organisation's records by filter, as CSV, and pruning old ones."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy import select

from app.audit.record import ACTION_LABELS
from app.debrief.screens import safe_cell
from app.extensions import db
from app.models import AuditEvent
from app.models import Organisation
from app.models import User
from app.models import utcnow

OSLO = ZoneInfo("Europe/Oslo")
# The page shows the newest records; the CSV carries every record the filter matches.
PAGE_LIMIT = 200


@dataclass(frozen=True)
class AuditFilter:
    """What the admin narrowed the trail to; empty fields mean "any"."""

    action: str = ""
    actor_id: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class AuditRow:
    """One record with the acting person's name, if the account still exists."""

    event: AuditEvent
    actor: User | None


def audit_rows(
    organisation: Organisation, wanted: AuditFilter, limit: int | None = PAGE_LIMIT
) -> list[AuditRow]:
    """The organisation's records matching ``wanted``, newest first (dates are Oslo calendar days)."""
    query = (
        select(AuditEvent, User)
        .outerjoin(User, (User.id == AuditEvent.actor_id) & (User.organisation_id == organisation.id))
        .where(AuditEvent.organisation_id == organisation.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.actor_id is not None:
        query = query.where(AuditEvent.actor_id == wanted.actor_id)
    if wanted.start is not None:
        query = query.where(AuditEvent.created_at >= _oslo_midnight(wanted.start))
    if wanted.end is not None:
        query = query.where(AuditEvent.created_at < _oslo_midnight(wanted.end + timedelta(days=1)))
    if limit is not None:
        query = query.limit(limit)
    return [AuditRow(event, actor) for event, actor in db.session.execute(query)]


def _oslo_midnight(day: date) -> datetime:
    """The start of a calendar day in Norway, as the UTC moment the database compares with."""
    return datetime.combine(day, time(), OSLO).astimezone(UTC)


CSV_HEADER = ("time_utc", "actor_id", "actor_name", "action", "action_text", "target", "address", "detail")


def audit_csv(rows: Iterable[AuditRow], deleted_label: str) -> str:
    """The rows as CSV (semicolon for Norwegian Excel), every text cell guarded against formulas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    for row in rows:
        event = row.event
        name = row.actor.display_name if row.actor else (deleted_label if event.actor_id else "")
        writer.writerow(
            safe_cell(value)
            for value in (
                event.created_at.isoformat(timespec="seconds"),
                event.actor_id or "",
                name,
                event.action,
                str(ACTION_LABELS.get(event.action, event.action)),
                event.target,
                event.address,
                "" if not event.detail else ", ".join(f"{k}={v}" for k, v in sorted(event.detail.items())),
            )
        )
    return out.getvalue()


def prune_audit_log(retention_days: int, now: datetime | None = None) -> int:
    """Delete records older than the retention period in one bulk statement; return how many went."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    # A bulk delete bypasses the ORM's append-only guard on purpose: only retention may remove records.
    result = db.session.execute(
        delete(AuditEvent).where(AuditEvent.created_at < cutoff).execution_options(synchronize_session=False)
    )
    return result.rowcount
