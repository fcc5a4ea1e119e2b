"""The xAPI outbox: statements waiting for, or already delivered to, the organisation's LRS.

A statement is added in the same transaction as the event it describes, so it is never lost across
a crash or restart, and it is sent later in the background (``app.xapi.outbox.deliver``), so an LRS
that is slow or down never slows or blocks a drill. Its id is fixed when it is added: the LRS stores
a statement id once, so a statement sent again after a lost answer is still stored only once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import UtcDateTime
from app.models.base import utcnow


class XapiStatement(db.Model):
    """One xAPI 1.0.3 statement in the outbox; ``sent_at`` is set once the LRS has stored it."""

    __tablename__ = "xapi_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Statements not yet sent whose next try is due are sent first-in, first-out.
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)

    def __repr__(self) -> str:
        return f"<XapiStatement {self.statement_id} sent={self.sent_at is not None}>"
