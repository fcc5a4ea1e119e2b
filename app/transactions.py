"""Write transactions that serialise writers: ``BEGIN IMMEDIATE`` on SQLite, row locks on PostgreSQL.

On SQLite a deferred transaction that reads and then writes can fail at once with "database is
locked", without waiting for ``busy_timeout``, when another writer committed after it read (WAL
snapshots cannot be upgraded). So code that reads state and writes a decision based on it calls
``begin_write()`` first: on SQLite the transaction then starts with ``BEGIN IMMEDIATE``, takes the
single write lock up front and waits for it politely, and everything it reads is current.

For those write transactions this follows SQLAlchemy's documented pysqlite recipe: pysqlite's own
transaction handling is switched off on the connection and the ``begin`` event emits the ``BEGIN``.
Every other transaction (reads, the migration runner, the accounts pages) keeps pysqlite's default
handling, exactly as before: reads take no lock and never queue behind a writer, and a write begins
just before its first statement. The ``begin`` listener sets the mode each time a transaction starts,
so a pooled connection never carries one transaction's mode into the next. On PostgreSQL the
listener does nothing; callers lock the row they change with ``SELECT … FOR UPDATE``.

On SQLite, write transactions first queue at the write gate (``app.write_gate``: a thread lock and a
file lock shared by every worker process), so each starts as soon as the one before it has
committed, instead of being retried by SQLite's busy handler after sleeps growing to 100 ms. A
writer that waits longer than ``WRITE_WAIT_MS`` (at the gate, or then at the lock held by a write
that did not pass it) makes ``begin_write`` raise ``DatabaseBusy`` with nothing written, and the
request is answered 503 with Retry-After, so a participant is asked to try again instead of seeing
a server error.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from typing import Any
from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy import Update
from sqlalchemy import bindparam
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.write_gate import GatedConnection

Row = TypeVar("Row")

# Execution option marking a connection whose transaction must start as a write transaction.
WRITE_OPTION = "laget_write"
# Session.info key set once the session has flushed changes in its current transaction.
_WROTE = "laget_wrote"
# Session.info key: the (model, id) rows locked in the current transaction, which need no second read.
_LOCKED = "laget_locked"


# The longest a write waits for SQLite's single write lock (PRAGMA busy_timeout on every connection).
WRITE_WAIT_MS = 2000
# What a 503 asks the browser to wait before trying again.
RETRY_AFTER_SECONDS = 2


class DatabaseBusy(RuntimeError):
    """Other writers held the database longer than ``WRITE_WAIT_MS``; nothing was written, so try again."""


def is_locked(error: BaseException) -> bool:
    """Tell whether an error is SQLite's "database is locked" (or "busy") after the busy handler gave up."""
    original = getattr(error, "orig", error)
    text = str(original)
    return isinstance(original, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class WriteTransactionTooLate(RuntimeError):
    """``begin_write`` was called after the transaction had already changed something."""


def install_transaction_control() -> None:
    """Register the engine and session listeners once per process (they apply to every engine)."""
    for target, name, listener in (
        (Engine, "begin", _begin_sqlite),
        (Session, "after_flush", _note_flush),
        (Session, "after_transaction_end", _forget_flush),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def begin_write() -> None:
    """Make the session's current transaction a write transaction, starting a new one if it only read.

    A transaction that has only read is ended first (nothing is lost, and objects are reloaded on
    their next use, under the lock); one that has already written cannot change its kind, so that
    is a programming error.

    :raise DatabaseBusy: if the write lock stayed taken for ``WRITE_WAIT_MS``; the session is rolled back.
    """
    session = db.session()
    if session.in_transaction():
        if session.connection().get_execution_options().get(WRITE_OPTION):
            return
        if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
            raise WriteTransactionTooLate("begin_write() must come before the transaction's first change")
        session.rollback()
    try:
        session.connection(execution_options={WRITE_OPTION: True})
    except (OperationalError, sqlite3.OperationalError) as error:
        if not is_locked(error):
            raise
        session.rollback()
        raise DatabaseBusy("the database stayed locked by other writers") from error


def commit_if_written() -> None:
    """Commit a transaction that wrote or took the write lock; leave a read-only one to end with the request.

    Committing expires every loaded object, so a request that only read and then renders would load
    them all again; a read holds no lock worth releasing early.
    """
    if not db.session.registry.has():
        return  # This request never opened the session: it wrote nothing.
    session = db.session()
    holds_write_lock = session.in_transaction() and session.connection().get_execution_options().get(
        WRITE_OPTION
    )
    if holds_write_lock or session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
        session.commit()


def lock_row(model: type[Row], row_id: int, eager: tuple[str, ...] = ()) -> Row:
    """Start a write transaction and lock one row, returning it freshly read under the lock.

    A row this transaction has already locked is not read again: nobody else can have changed it, and
    this session's own changes are on the object. ``eager`` names many-to-one relationships that are
    never empty, loaded by the same read (the row alone is locked, never the rows they join).
    """
    begin_write()
    session = db.session()
    locked = session.info.setdefault(_LOCKED, set())
    if (model, row_id) in locked:
        return session.get_one(model, row_id)
    row = session.scalars(_lock_query(model, eager), {"locked_id": row_id}).one()
    locked.add((model, row_id))
    return row


@cache
def _lock_query(model: type, eager: tuple[str, ...]) -> Select:
    """The locking read of one row, built once, so SQLAlchemy reuses its cache key and compiled form."""
    query = (
        select(model)
        .where(model.id == bindparam("locked_id"))  # type: ignore[attr-defined]
        .options(*(joinedload(getattr(model, name), innerjoin=True) for name in eager))
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    )
    return query


def write_state(row: Any, version: int, changes: dict[str, Any], broken_lock: type[Exception]) -> None:
    """Write ``changes`` to a locked row whose ``state_version`` was ``version``, and onto the object.

    The lock already serialises writers; checking the version as well makes a broken lock fail loudly
    with ``broken_lock`` instead of losing an event. A plain table UPDATE, since the object is brought
    up to date here: the ORM's bulk update would only add work.
    """
    model = type(row)
    parameters = {**changes, "locked_id": row.id, "expected_version": version}
    written = db.session.execute(_state_update(model), parameters)
    if written.rowcount != 1:
        raise broken_lock(f"{model.__tablename__} {row.id} changed while locked")
    for name, value in changes.items():
        set_committed_value(row, name, value)
    db.session.flush()


@cache
def _state_update(model: type) -> Update:
    """The versioned UPDATE of one row; the columns it sets are the parameters it is given."""
    table = model.__table__  # type: ignore[attr-defined]
    return table.update().where(
        table.c.id == bindparam("locked_id"), table.c.state_version == bindparam("expected_version")
    )


def _begin_sqlite(connection: Connection) -> None:
    """Begin a SQLite write transaction with BEGIN IMMEDIATE; leave every other one to pysqlite."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        return
    if connection.get_execution_options().get(WRITE_OPTION):
        # Queue behind the writers before this one (see app.write_gate); it opens again at COMMIT/ROLLBACK.
        if isinstance(driver, GatedConnection) and not driver.enter_gate(WRITE_WAIT_MS / 1000):
            raise sqlite3.OperationalError("database is locked: other writers held the write gate")
        # The recipe: pysqlite emits no BEGIN of its own; COMMIT and ROLLBACK still work as usual.
        driver.isolation_level = None
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if isinstance(driver, GatedConnection):
                driver.leave_gate()
            raise
    else:
        # pysqlite's default ("legacy") mode: no transaction for reads, a deferred BEGIN before writes.
        driver.isolation_level = ""


def _note_flush(session: Session, flush_context: Any) -> None:
    """Remember that this transaction has written, for ``begin_write``'s safety check."""
    session.info[_WROTE] = True


def _forget_flush(session: Session, transaction: SessionTransaction) -> None:
    """Forget the locked rows when any transaction ends (a savepoint's rollback releases its locks), and
    the written mark when the outermost one ends."""
    session.info.pop(_LOCKED, None)
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
