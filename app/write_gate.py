"""One SQLite writer at a time, queued so each wakes as soon as the one before it commits.

SQLite lets one connection write at a time. A writer that finds the lock taken is retried by
SQLite's busy handler after sleeps that grow to 100 ms, so under many writers a waiting write sleeps
long after the lock was freed, and the server threads it holds starve the reads queued behind them.
Write transactions therefore pass a gate first: a thread lock within the process, then an exclusive
``flock`` on a file beside the database across processes (the kernel frees it if a process dies).
Only one thread per process ever waits on the file lock, and it checks it often. The gate is opened
again right after the transaction's COMMIT or ROLLBACK has returned, so the next writer's
``BEGIN IMMEDIATE`` finds the database free.

Writes that do not ask for a write transaction (rare: account pages, the migration runner) still
meet SQLite's busy handler as before; the gate only makes the common case fast.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

try:
    import fcntl
except ImportError:  # Windows, where gunicorn does not run: one process, so the thread lock suffices.
    fcntl = None  # type: ignore[assignment]

# How often the one waiting thread of a process looks at the file lock again, at most.
_LONGEST_LOOK = 0.002
_FIRST_LOOK = 0.0002


class WriteGate:
    """The queue of write transactions on one SQLite database file, shared by every process using it."""

    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def enter(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds to be the only writer; False when the time ran out."""
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=timeout):
            return False
        if fcntl is None:
            return True
        try:
            fd = self._file()
            look = _FIRST_LOOK
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        self._thread_lock.release()
                        return False
                    time.sleep(look)
                    look = min(look * 2, _LONGEST_LOOK)
        except BaseException:
            self._thread_lock.release()
            raise

    def leave(self) -> None:
        """Let the next writer in."""
        try:
            if self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def _file(self) -> int:
        """This process's descriptor of the lock file; a forked child opens its own, flock being per file."""
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd


_GATES: dict[str, WriteGate] = {}
_GATES_LOCK = threading.Lock()


def _forget_gates_after_fork() -> None:
    """Give a forked child (a gunicorn worker) gates of its own.

    The parent may have held a gate's thread lock in another thread at the moment of the fork (the
    master sends the outbox); the child's copy of that lock would never be released.
    """
    global _GATES_LOCK
    _GATES.clear()
    _GATES_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_gates_after_fork)


def gate_for(database_file: str) -> WriteGate:
    """The gate of one database file, the same object for every connection of this process."""
    with _GATES_LOCK:
        gate = _GATES.get(database_file)
        if gate is None:
            gate = _GATES[database_file] = WriteGate(database_file + "-write.lock")
        return gate


class GatedConnection(sqlite3.Connection):
    """A pysqlite connection that opens its write gate again once its transaction has ended."""

    gate: WriteGate | None = None
    _in_gate = False

    def enter_gate(self, timeout: float) -> bool:
        """Pass the gate before ``BEGIN IMMEDIATE``; True at once when the database has no gate."""
        if self.gate is None or self._in_gate:
            return True
        if not self.gate.enter(timeout):
            return False
        self._in_gate = True
        return True

    def leave_gate(self) -> None:
        """Open the gate, if this connection holds it."""
        if self._in_gate and self.gate is not None:
            self._in_gate = False
            self.gate.leave()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()


def database_file(connection: sqlite3.Connection) -> str | None:
    """The file of a connection's main database, or None for an in-memory one."""
    for _seq, name, path in connection.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or None
    return None
