"""The delivery columns every outbox table shares (the xAPI statements, the LTI scores)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.models.base import UtcDateTime
from app.models.base import utcnow


class OutboxRow:
    """The delivery columns of an outbox table; ``sent_at`` is set once the receiver took the row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Rows not yet sent whose next try is due are sent first-in, first-out.
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
