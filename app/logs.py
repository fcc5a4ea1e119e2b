"""Structured JSON logging, so municipal operators can ship logs to any collector unchanged."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC
from datetime import datetime

from flask import Flask
from flask import has_request_context
from flask import request

# Attributes every LogRecord has; anything else was passed through ``extra=`` and belongs in the line.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Format each record as one JSON object per line, with request details when there is a request."""

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
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """Send the app's and waitress's logs to stderr as JSON lines at ``LOG_LEVEL``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for logger in (app.logger, logging.getLogger("waitress")):
        # Replace rather than add, so creating several apps (as tests do) does not duplicate lines.
        for old in [h for h in logger.handlers if isinstance(h.formatter, JsonFormatter)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(app.config["LOG_LEVEL"])
        # Alembic's logging config adds a plain-text root handler; don't let lines reach it twice.
        logger.propagate = False
