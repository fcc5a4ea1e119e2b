"""Serve Laget with gunicorn: several worker processes, each with a few threads, on one shared database.

Every bit of live drill state is in the database (events, state cache, who has joined, when each
screen last polled), so any worker may answer any request and a killed worker loses nothing: the
master starts a new one and the participants' next polls find the same drill.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

# How long an idle keep-alive connection stays open: longer than the screens' 2 s poll, so a
# participant's browser (or the TLS proxy) reuses one connection for the whole drill.
KEEPALIVE_SECONDS = 30


# Threads per worker process. Few threads: the threads of one process share one interpreter lock, so
# a thread holding the database's write gate waits behind its siblings' work, and a keep-alive
# connection stays with the process that accepted it. Measured with bench/live_drill.py at 1,000
# participants on 2 cores: 4 processes × 2 threads, choose p95 17 ms; 2 processes × 4 threads, 124 ms.
DEFAULT_THREADS = 2


def default_workers() -> int:
    """One worker process per core: more cost CPU of their own and answered no faster.

    Each process warms its own caches (parsed scenarios, the newest state of each drill), so on
    2 cores, 4 processes × 2 threads used 100 s of server CPU where 2 × 2 used 74 s (750 participants,
    120 s), and were no faster (choose p95 75 ms against 26 ms; at 1,000 participants 42 ms against 45).
    """
    return os.cpu_count() or 1


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """The gunicorn settings ``laget serve`` uses: threaded workers that keep connections alive."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "keepalive": KEEPALIVE_SECONDS,
        # A worker stuck this long is restarted; drill requests take milliseconds.
        "timeout": 60,
        "graceful_timeout": 10,
        # Many phones behind one venue address open many connections; don't refuse them early.
        "backlog": 2048,
        "worker_connections": 2000,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "laget",
    }


class LagetServer(BaseApplication):
    """A gunicorn application whose workers each build their own Flask app (and database engine)."""

    def __init__(self, options: dict[str, Any], app_factory: Callable[[], Flask]) -> None:
        self.options = options
        self.app_factory = app_factory
        super().__init__()

    def load_config(self) -> None:
        """Apply our settings; gunicorn's own command line is not read."""
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        """Build the app in the worker after the fork, so no database connection crosses processes."""
        return self.app_factory()


def serve(app_factory: Callable[[], Flask], host: str, port: int, workers: int, threads: int) -> None:
    """Run gunicorn in the foreground until it is stopped."""
    LagetServer(gunicorn_options(host, port, workers, threads), app_factory).run()
