"""Put xAPI statements in the outbox and deliver them to the configured LRS, with retries and backoff.

``enqueue`` runs inside the transaction of the event the statement describes and does no network
I/O, so a drill never waits for the LRS. ``deliver`` sends the due statements in batches outside
any write lock and marks them sent once the LRS has answered; a failed batch is tried again later
with the backoff of ``app.outbox``. A statement the
LRS already holds under its id (409 Conflict: an earlier answer got lost) counts as delivered, so
nothing is stored twice. ``start_sender`` runs ``deliver`` in a background thread of ``laget serve``;
``laget xapi send`` does one round from the command line (cron, or after an outage).
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from app.models.xapi import XapiStatement
from app.outbox import PeriodicSender
from app.outbox import due
from app.outbox import mark

log = logging.getLogger(__name__)


def enabled() -> bool:
    """Whether statements are kept at all: only when an LRS is configured."""
    return bool(current_app.config.get("XAPI_ENDPOINT"))


def enqueue(statement: dict[str, Any]) -> None:
    """Add a statement to the outbox in the caller's transaction; the caller commits.

    A statement whose id is already in the outbox (the same event recorded again) is left out.
    """
    queued = db.session.scalar(select(XapiStatement.id).where(XapiStatement.statement_id == statement["id"]))
    if queued is None:
        db.session.add(XapiStatement(statement_id=statement["id"], statement=statement))


class LrsError(Exception):
    """The LRS could not be reached or refused the statements; ``status`` is its HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Lrs:
    """The statements resource of one LRS, reached with HTTP basic authentication."""

    endpoint: str
    username: str
    password: str
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Any) -> Lrs:
        """The LRS of the app's configuration."""
        return cls(
            config["XAPI_ENDPOINT"],
            config.get("XAPI_USERNAME") or "",
            config.get("XAPI_PASSWORD") or "",
            float(config.get("XAPI_TIMEOUT", 10)),
        )

    def _request(self, method: str, url: str, body: Any = None) -> tuple[int, bytes]:
        """Send one request; the status and body, or LrsError if the LRS cannot be reached."""
        credentials = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            url,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/json",
                "X-Experience-API-Version": "1.0.3",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (OSError, urllib.error.URLError) as error:
            raise LrsError(f"LRS unreachable: {error}") from error

    def statements_url(self, query: str = "") -> str:
        """The statements resource, with a query string if given."""
        return self.endpoint.rstrip("/") + "/statements" + (f"?{query}" if query else "")

    def post(self, statements: list[dict[str, Any]]) -> set[str]:
        """Store a batch; the ids the LRS stored just now (the others it already held).

        LrsError with the status if the LRS does not take all of it. An LRS answers 200 with the
        ids it stored, or 204 when it already held every statement of the batch.
        """
        status, body = self._request("POST", self.statements_url(), statements)
        if status == 204:
            return set()
        if status != 200:
            raise LrsError(f"LRS answered {status}: {body[:200].decode(errors='replace')}", status)
        try:
            return {str(i) for i in json.loads(body)}
        except (ValueError, TypeError):
            return {statement["id"] for statement in statements}

    def put(self, statement: dict[str, Any]) -> bool:
        """Store one statement under its id; False if the LRS already holds a statement with that id."""
        status, body = self._request(
            "PUT", self.statements_url(f"statementId={quote(statement['id'])}"), statement
        )
        if status in (200, 204):
            return True
        if status == 409:
            return False
        raise LrsError(f"LRS answered {status}: {body[:200].decode(errors='replace')}", status)


@dataclass
class Delivery:
    """What one round of ``deliver`` did."""

    sent: int = 0
    already_stored: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver(now: datetime | None = None, batch: int | None = None, lrs: Lrs | None = None) -> Delivery:
    """Send every due statement, batch by batch, until none is due or a batch fails."""
    now = now or utcnow()
    batch = batch or int(current_app.config.get("XAPI_BATCH", 50))
    lrs = lrs or Lrs.from_config(current_app.config)
    delivery = Delivery()
    while True:
        rows = due(XapiStatement, now, batch)
        # No lock is held while the LRS is asked: the read transaction ends here.
        pending = [(row.id, row.statement) for row in rows]
        db.session.rollback()
        if not pending:
            return delivery
        try:
            stored = lrs.post([statement for _, statement in pending])
        except LrsError as error:
            if error.status is None or not 400 <= error.status < 500:
                mark(XapiStatement, [row_id for row_id, _ in pending], now, str(error))
                delivery.failed += len(pending)
                delivery.errors.append(str(error))
                log.warning("xAPI: %d statements not delivered: %s", len(pending), error)
                return delivery
            # The LRS refused the batch (one id it already holds, or one bad statement): one by one.
            _one_by_one(lrs, pending, now, delivery)
            continue
        mark(XapiStatement, [row_id for row_id, _ in pending], now, None)
        fresh = sum(statement["id"] in stored for _, statement in pending)
        delivery.sent += fresh
        delivery.already_stored += len(pending) - fresh


def _one_by_one(
    lrs: Lrs, pending: list[tuple[int, dict[str, Any]]], now: datetime, delivery: Delivery
) -> None:
    for row_id, statement in pending:
        try:
            stored = lrs.put(statement)
        except LrsError as error:
            mark(XapiStatement, [row_id], now, str(error))
            delivery.failed += 1
            delivery.errors.append(str(error))
            log.warning("xAPI: statement %s not delivered: %s", statement["id"], error)
            continue
        mark(XapiStatement, [row_id], now, None)
        if stored:
            delivery.sent += 1
        else:
            delivery.already_stored += 1


def start_sender(app: Flask, interval: float = 5.0) -> PeriodicSender | None:
    """Start the background sender of ``laget serve``, if an LRS is configured."""
    if not app.config.get("XAPI_ENDPOINT"):
        return None
    sender = PeriodicSender("xapi-sender", app, interval, deliver, float(app.config.get("XAPI_TIMEOUT", 10)))
    sender.start()
    return sender
