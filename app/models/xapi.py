"""The xAPI outbox: statements waiting for, or already delivered to, the organisation's LRS.

A statement is added in the same transaction as the event it describes, so it is never lost across
a crash or restart, and it is sent later in the background (``app.xapi.outbox.deliver``), so an LRS
that is slow or down never slows or blocks a drill. Its id is fixed when it is added: the LRS stores
a statement id once, so a statement sent again after a lost answer is still stored only once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.outbox import OutboxRow


class XapiStatement(OutboxRow, db.Model):
    """One xAPI 1.0.3 statement in the outbox; ``sent_at`` is set once the LRS has stored it."""

    __tablename__ = "xapi_outbox"

    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<XapiStatement {self.statement_id} sent={self.sent_at is not None}>"
