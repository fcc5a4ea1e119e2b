"""Assignment and Grade Services: scores for the platform's line items, sent through an outbox.

``record_*`` queues a score in the caller's transaction (no network), so finishing a quiz or a solo
run never waits for the platform. ``deliver`` asks each platform for an access token (client
credentials with a JWT signed by our key) and posts the due scores to ``<line item>/scores``; a
refused or unreachable platform is tried again later with ``app.outbox``'s backoff.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.lti import claims as c
from app.lti import keys
from app.lti.remote import RemoteError
from app.lti.remote import request
from app.models import utcnow
from app.models.learning import QuizAttempt
from app.models.lti import LtiGradeLink
from app.models.lti import LtiPlatform
from app.models.lti import LtiScore
from app.models.solo import SoloRun
from app.outbox import PeriodicSender
from app.outbox import due
from app.outbox import mark

log = logging.getLogger(__name__)


def record_quiz_attempt(attempt: QuizAttempt) -> None:
    """Queue the score of a sent final quiz for every line item the person launched the course from."""
    _record(
        attempt.user_id,
        f"course/{attempt.course_id}",
        float(attempt.score_percent or 0),
        attempt.submitted_at,
    )


def record_solo_run(run: SoloRun) -> None:
    """Queue the total of an ended solo run for every line item the person launched the scenario from."""
    key = run.scenario_version.scenario_key
    _record(run.user_id, f"solo/{key}", float(run.total or 0), run.ended_at)


def _record(user_id: int, target: str, percent: float, at: datetime | None) -> None:
    query = select(LtiGradeLink).where(LtiGradeLink.user_id == user_id, LtiGradeLink.target == target)
    moment = (at or utcnow()).astimezone(UTC).isoformat(timespec="milliseconds")
    for link in db.session.scalars(query):
        score = {
            "userId": link.subject,
            "scoreGiven": round(min(max(percent, 0.0), 100.0), 2),
            "scoreMaximum": 100,
            "activityProgress": "Completed",
            "gradingProgress": "FullyGraded",
            "timestamp": moment,
        }
        db.session.add(
            LtiScore(platform_id=link.platform_id, user_id=user_id, lineitem=link.lineitem, score=score)
        )


def scores_url(lineitem: str) -> str:
    """The line item's scores service: ``/scores`` added to its path, its query kept."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def access_token(platform: LtiPlatform) -> str:
    """A token for posting scores, from the platform's token endpoint (client credentials, RFC 7523).

    :raise RemoteError: when the platform refuses or cannot be reached.
    """
    assertion = keys.sign(
        {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url}, lifetime=300
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": c.SCORE_SCOPE,
    }
    status, body = request("POST", platform.token_url, form=form, headers={"Accept": "application/json"})
    if status != 200:
        raise RemoteError(f"token endpoint answered {status}: {body[:200].decode(errors='replace')}", status)
    try:
        return str(json.loads(body)["access_token"])
    except (ValueError, KeyError, TypeError) as error:
        raise RemoteError(f"token endpoint gave no access token: {error}") from error


def post_score(token: str, lineitem: str, score: dict[str, Any]) -> None:
    """Post one score to the line item; RemoteError unless the platform took it."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": c.SCORE_MEDIA_TYPE}
    status, body = request("POST", scores_url(lineitem), body=score, headers=headers)
    if not 200 <= status < 300:
        raise RemoteError(f"score service answered {status}: {body[:200].decode(errors='replace')}", status)


@dataclass
class Delivery:
    """What one round of ``deliver`` did."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver(now: datetime | None = None, batch: int = 50) -> Delivery:
    """Send every due score, one platform token per round, until none is due or all due ones failed."""
    now = now or utcnow()
    delivery = Delivery()
    rows = due(LtiScore, now, batch)
    if not rows:
        db.session.rollback()
        return delivery
    pending = [(row.id, row.platform_id, row.lineitem, row.score) for row in rows]
    platforms = {row.platform_id: row.platform for row in rows}
    for platform in platforms.values():
        db.session.expunge(platform)
    # The key that signs the token requests is made now if there is none yet; then no lock is held
    # while the platforms are asked.
    keys.current_key()
    db.session.commit()
    tokens: dict[int, str | RemoteError] = {}
    for row_id, platform_id, lineitem, score in pending:
        try:
            token = tokens.get(platform_id)
            if token is None:
                try:
                    token = tokens[platform_id] = access_token(platforms[platform_id])
                except RemoteError as error:
                    token = tokens[platform_id] = error
            if isinstance(token, RemoteError):
                raise token
            post_score(token, lineitem, score)
        except RemoteError as error:
            mark(LtiScore, [row_id], now, str(error))
            delivery.failed += 1
            delivery.errors.append(str(error))
            log.warning("LTI: score %d not delivered: %s", row_id, error)
            continue
        mark(LtiScore, [row_id], now, None)
        delivery.sent += 1
    return delivery


def start_sender(app: Flask) -> PeriodicSender:
    """Start the background sender of ``laget serve``."""
    sender = PeriodicSender(
        "lti-score-sender",
        app,
        float(app.config["LTI_SEND_INTERVAL"]),
        deliver,
        float(app.config["LTI_TIMEOUT"]),
    )
    sender.start()
    return sender
