"""Everything Laget holds about one person, as plain data for the JSON download (GDPR art. 15 and 20)."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models import DrillEvent
from app.models import Invitation
from app.models import LoginFailure
from app.models import Participant
from app.models import User
from app.models import email_digest
from app.models import utcnow
from app.models.solo import SoloEvent
from app.models.solo import SoloRun
from app.privacy.registry import PERSON_COLUMNS
from app.privacy.registry import SECRET_COLUMNS


def _plain(value: Any) -> Any:
    """A value JSON can hold."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(table: Table, *conditions: Any) -> list[dict[str, Any]]:
    """The matching rows of ``table`` as dicts, without secret columns."""
    columns = [column for column in table.columns if column.name not in SECRET_COLUMNS]
    result = db.session.execute(select(*columns).where(*conditions).order_by(table.c.id))
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


def personal_data(user: User) -> dict[str, Any]:
    """One section per table with rows about the person, plus their events in drills and solo runs."""
    tables = db.metadata.tables
    data: dict[str, Any] = {"exported_at": utcnow().isoformat(), "person": {}}
    for (table_name, column_name), _policy in PERSON_COLUMNS.items():
        table = tables[table_name]
        rows = _rows(table, table.c[column_name] == user.id)
        if table_name == "user_account":
            data["person"] = rows[0] if rows else {}
        elif rows:
            data.setdefault(table_name, {})[column_name] = rows
    seats = select(Participant.id).where(Participant.user_id == user.id)
    data["drill_events_as_participant"] = _rows(DrillEvent.__table__, DrillEvent.participant_id.in_(seats))
    runs = select(SoloRun.id).where(SoloRun.user_id == user.id)
    data["solo_events"] = _rows(SoloEvent.__table__, SoloEvent.run_id.in_(runs))
    # Rows that name the person without pointing at the account: invitations sent to their address
    # (the token is a secret and left out), and what others did to their account in the audit trail
    # (what they did themselves is already under audit_event).
    data["invitations_to_me"] = _rows(Invitation.__table__, Invitation.email == user.email)
    by_others = or_(AuditEvent.actor_id.is_(None), AuditEvent.actor_id != user.id)
    data["audit_events_about_me"] = _rows(
        AuditEvent.__table__, AuditEvent.target == f"user:{user.id}", by_others
    )
    # Throttling rows hold only a keyed hash of the address; say how many there are.
    data["recent_failed_logins"] = len(
        db.session.scalars(
            select(LoginFailure.id).where(LoginFailure.email == email_digest(user.email))
        ).all()
    )
    return data


def summary(user: User) -> list[tuple[str, int]]:
    """How many rows of each kind Laget holds about the person, for the "Mine data" page."""
    data = personal_data(user)
    counts = []
    for key, value in data.items():
        if key in ("exported_at", "person"):
            continue
        if isinstance(value, dict):
            counts.append((key, sum(len(rows) for rows in value.values())))
        elif isinstance(value, list):
            counts.append((key, len(value)))
        else:
            counts.append((key, int(value)))
    return [(key, count) for key, count in counts if count]
