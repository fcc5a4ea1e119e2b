"""What every outbox shares: rows waiting to be sent, backoff after failures, and a background sender.

An outbox row is added in the transaction of the event it reports, so it survives a crash, and is
sent later outside any write lock, so a slow or absent receiver never slows a person down. A failed
try waits twice as long as the one before (30 s, 1 min, 2 min … at most an hour). The xAPI outbox
(``app.xapi.outbox``) and the LTI grade outbox (``app.lti.grades``) are both built on this.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import TypeVar

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models.outbox import OutboxRow
from app.transactions import begin_write

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


Row = TypeVar("Row", bound=OutboxRow)


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def due(model: type[Row], now: datetime, limit: int) -> list[Row]:
    """The oldest rows of ``model`` not yet sent whose next try is due."""
    query = (
        select(model)
        .where(model.sent_at.is_(None), model.next_attempt_at <= now)
        .order_by(model.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def mark(model: type[OutboxRow], ids: list[int], now: datetime, error: str | None) -> None:
    """Record the outcome for the rows ``ids`` in a short write transaction of its own."""
    begin_write()
    for row in db.session.scalars(select(model).where(model.id.in_(ids))):
        if row.sent_at is not None:
            continue
        if error is None:
            row.sent_at = now
            row.last_error = None
        else:
            row.attempts += 1
            row.next_attempt_at = now + backoff(row.attempts)
            row.last_error = error[:300]
    db.session.commit()


class PeriodicSender(threading.Thread):
    """A daemon thread that runs ``work`` in an app context every ``interval`` seconds until stopped."""

    def __init__(
        self, name: str, app: Flask, interval: float, work: Callable[[], Any], timeout: float = 10.0
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.app = app
        self.interval = interval
        self.work = work
        self.timeout = timeout
        self.stopped = threading.Event()

    def run(self) -> None:
        """Work, wait, repeat; a failed round is logged and the next one tries again."""
        while not self.stopped.wait(self.interval):
            try:
                with self.app.app_context():
                    self.work()
            except Exception:
                log.exception("%s: delivery round failed", self.name)

    def stop(self) -> None:
        """Stop after the current round."""
        self.stopped.set()
        self.join(timeout=self.interval + self.timeout + 5)
