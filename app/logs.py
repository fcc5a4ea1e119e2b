"""Structured JSON logging, so municipal operators can ship logs to any collector unchanged."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC
from datetime import datetime

from flask import Flask
from flask import has_request_context
from flask import request
from flask.logging import default_handler

# Attributes every LogRecord has; anything else was passed through ``extra=`` and belongs in the line.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


# URL parts that are secrets: invitation and password-reset tokens, and drill join codes.
SECRET_URL_ARGS = ("token", "code")
# The same paths spelled out, for requests that matched no route (so have no parsed arguments).
_SECRET_PATH = re.compile(r"(/auth/(?:invite|reset)/|/drills/join/)[^/?#\s\"]+")
REDACTED = "[skjult]"


def redact(text: str) -> str:
    """Hide every secret URL part in ``text``: this request's token values and any token-bearing path."""
    if has_request_context():
        for name in SECRET_URL_ARGS:
            value = (request.view_args or {}).get(name)
            # Short values are left to the path pattern: replacing "a" everywhere would garble the line.
            if isinstance(value, str) and len(value) >= 6:
                text = text.replace(value, REDACTED)
    return _SECRET_PATH.sub(rf"\1{REDACTED}", text)


class JsonFormatter(logging.Formatter):
    """Format each record as one JSON line with request details, secret URL parts hidden."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record, its ``extra`` fields and any exception as JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = request.path
            entry["ip"] = request.remote_addr
        entry.update({key: value for key, value in vars(record).items() if key not in _RECORD_ATTRS})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # Redacted last, over the whole line, so no field (path, message, extras, traceback) leaks a token.
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def configure_logging(app: Flask) -> None:
    """Send the app's and waitress's logs to stderr as JSON lines at ``LOG_LEVEL``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    # Flask gives its logger a plain-text handler when first touched; without removing it every line
    # would be printed twice, once as JSON and once in Flask's own format.
    app.logger.removeHandler(default_handler)
    for logger in (app.logger, logging.getLogger("waitress")):
        # Replace rather than add, so creating several apps (as tests do) does not duplicate lines.
        for old in [h for h in logger.handlers if isinstance(h.formatter, JsonFormatter)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(app.config["LOG_LEVEL"])
        # Alembic's logging config adds a plain-text root handler; don't let lines reach it twice.
        logger.propagate = False
