"""Growing delays instead of lock-outs (ASVS 6.1.1, 6.3.1), for logins and join codes alike.

Each failed attempt is a row (``LoginFailure``, ``JoinFailure``) kept for ``LOGIN_FAILURE_WINDOW``.
Past a number of free failures in the window, the next attempt must wait a delay after the latest
failure; the delay doubles as failures pile up, up to a ceiling. An attempt made too early gets
429 with ``Retry-After`` and is not checked (so it does not count as a failure, and people who are
waiting do not lengthen each other's wait); an attempt after the wait is checked normally, so the
right password or code always gets through in the end. Nothing ever blocks outright.

- Per account, across every address: 5 free failures, then 1, 2, 4 … seconds, at most 5 minutes.
  Spreading guesses over many addresses does not help an attacker.
- Per address: 100 free failures, then 1 second, doubling for every 25 more, at most 15 seconds.
  Generous, because a whole venue may share one NAT address; never a block.
- Joins per address: wrong codes as above (``JOIN_FAILURES_PER_IP`` free); successful joins
  ``JOINS_PER_IP`` free (a whole training day behind one address), then 1 second doubling for
  every 100 more, so a script cannot fill drills at speed. Seats per drill are capped separately.
"""

from __future__ import annotations

import math
from datetime import UTC
from datetime import datetime

from flask import current_app
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import JoinFailure
from app.models import JoinRecord
from app.models import LoginFailure
from app.models import utcnow


def delay_seconds(failures: int, free: int, ceiling: float, step: int = 1) -> float:
    """The wait after the latest failure: none within ``free``, then 1 s doubling every ``step`` failures."""
    if failures < free:
        return 0.0
    return min(float(2 ** ((failures - free) // step)), ceiling)


def _remaining(count: int, latest: datetime | None, delay: float, now: datetime) -> int:
    """Whole seconds still to wait, or 0."""
    if not count or latest is None or delay <= 0:
        return 0
    return max(0, math.ceil(delay - (now - latest).total_seconds()))


def _failures(
    model: type[LoginFailure] | type[JoinFailure], *conditions: object
) -> tuple[int, datetime | None]:
    """How many failures match within the window, and when the latest was."""
    since = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    query = select(func.count(), func.max(model.created_at)).where(model.created_at >= since, *conditions)
    count, latest = db.session.execute(query).one()
    if isinstance(latest, str):
        # SQLite hands an aggregate back as text, skipping the column type; the stored values are UTC.
        latest = datetime.fromisoformat(latest)
    if isinstance(latest, datetime) and latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    return count, latest


def login_wait(account_key: str, ip: str) -> int:
    """Seconds this login attempt must still wait, by the account's and the address's failures."""
    config = current_app.config
    now = utcnow()
    count, latest = _failures(LoginFailure, LoginFailure.email == account_key)
    per_account = delay_seconds(
        count, config["LOGIN_FAILURES_PER_ACCOUNT"], config["LOGIN_ACCOUNT_MAX_DELAY"]
    )
    wait_account = _remaining(count, latest, per_account, now)
    count, latest = _failures(LoginFailure, LoginFailure.ip == ip)
    per_address = delay_seconds(
        count, config["LOGIN_FAILURES_PER_IP"], config["LOGIN_ADDRESS_MAX_DELAY"], step=25
    )
    return max(wait_account, _remaining(count, latest, per_address, now))


def join_wait(ip: str) -> int:
    """Seconds a join attempt from this address must still wait, after many wrong codes or many joins."""
    config = current_app.config
    now = utcnow()
    count, latest = _failures(JoinFailure, JoinFailure.ip == ip)
    delay = delay_seconds(count, config["JOIN_FAILURES_PER_IP"], config["LOGIN_ADDRESS_MAX_DELAY"], step=25)
    wrong_codes = _remaining(count, latest, delay, now)
    count, latest = _failures(JoinRecord, JoinRecord.ip == ip)
    delay = delay_seconds(count, config["JOINS_PER_IP"], config["LOGIN_ADDRESS_MAX_DELAY"], step=100)
    return max(wrong_codes, _remaining(count, latest, delay, now))


def record_join(ip: str) -> JoinRecord:
    """Count one successful join, and drop records too old to matter so the table stays small."""
    since = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(delete(JoinRecord).where(JoinRecord.created_at < since))
    record = JoinRecord(ip=ip[:45])
    db.session.add(record)
    return record
