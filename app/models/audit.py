"""The audit trail: an append-only record of who did what to which object, from where (ASVS V16)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import UtcDateTime
from app.models.base import utcnow


class AuditEvent(db.Model):
    """One security-relevant action; never changed, only pruned in bulk after the retention period."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_organisation_created", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    # A plain number, not a foreign key: the record of who acted must outlive a deleted account, and
    # it names the person only through the account, so erasing the account leaves a pseudonym.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    action: Mapped[str] = mapped_column(String(50))
    # What was acted on, as "kind:id" (user:17, drill:Ab3…, scenario:…, email-sha256:…).
    target: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.target}>"


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_change(mapper: Any, connection: Any, target: AuditEvent) -> None:
    """Keep the audit trail append-only: a record that can be edited proves nothing."""
    raise ValueError(f"{target!r} is append-only")
