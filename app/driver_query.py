"""A SELECT compiled once and run straight on the database driver's cursor, for the hottest reads.

Every open participant screen polls every 2 s, and an unchanged poll does nothing but one indexed
query. Through SQLAlchemy's ``Connection.execute`` that query cost about 160 µs of CPU on PostgreSQL
and 60 µs on SQLite, mostly in execution contexts, result metadata and events; on the driver's own
cursor it costs 65 and 16 µs. The statement is still written with SQLAlchemy Core, compiled once per
dialect, and each column still goes through its type's result processor, so rows hold the same
Python values (enums, aware datetimes, booleans) as ``Connection.execute`` would give.

The connection comes from the engine's own pool (its size, its fork and dispose handling), in
autocommit on PostgreSQL, so the read costs one round trip and leaves no transaction open. A
connection the server dropped is thrown away and the read is tried once more on a fresh one.
Statement events (``before_cursor_execute``) do not fire for these reads.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError


@dataclass(frozen=True)
class _Plan:
    """The statement compiled for one dialect: its SQL, how to pass parameters, how to read rows."""

    sql: str
    positions: tuple[str, ...] | None
    # (column index, the type's result processor) for each column whose values need converting.
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: type


class DriverQuery:
    """One Core SELECT, compiled once per dialect and run on a pooled driver connection."""

    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    @cached_property
    def _row(self) -> type:
        """Rows are named tuples with the statement's column labels, as ``Row`` is read by attribute."""
        return namedtuple("DriverRow", self.statement.selected_columns.keys())  # type: ignore[misc]

    def _plan(self, engine: Engine) -> _Plan:
        """The statement compiled for the engine's dialect (once; two threads may both compile it)."""
        dialect = engine.dialect
        plan = self._plans.get(dialect.name)
        if plan is not None:
            return plan
        compiled = self.statement.compile(dialect=dialect)
        for name, bind in compiled.binds.items():
            if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
                raise TypeError(f"parameter {name!r} needs conversion, which a driver query does not do")
        processors = tuple(
            (index, process)
            for index, column in enumerate(self.statement.selected_columns)
            if (process := column.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
        )
        positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        plan = _Plan(compiled.string, positions, processors, self._row)
        self._plans[dialect.name] = plan
        return plan

    def rows(self, engine: Engine, parameters: Mapping[str, Any]) -> list[Any]:
        """Run the query with ``parameters`` and return every row, converted as SQLAlchemy would."""
        plan = self._plan(engine)
        arguments: Any = (
            [parameters[name] for name in plan.positions] if plan.positions is not None else dict(parameters)
        )
        fetched = self._fetch(engine, plan.sql, arguments)
        rows = []
        for raw in fetched:
            values = list(raw)
            for index, process in plan.processors:
                values[index] = process(values[index])
            rows.append(plan.row._make(values))
        return rows

    @staticmethod
    def _fetch(engine: Engine, sql: str, arguments: Any, retry: bool = True) -> list[tuple]:
        """The raw rows, on a pooled connection; a connection the server dropped is replaced once."""
        dialect = engine.dialect
        autocommit = dialect.name != "sqlite"  # pysqlite begins no transaction for a SELECT anyway
        connection = engine.raw_connection()
        driver = connection.driver_connection
        cursor = None
        dropped = False
        try:
            if autocommit:
                dialect.set_isolation_level(driver, "AUTOCOMMIT")
            cursor = connection.cursor()
            cursor.execute(sql, arguments)
            return cursor.fetchall()
        except dialect.loaded_dbapi.Error as error:
            dropped = dialect.is_disconnect(error, driver, cursor)
            if dropped:
                connection.invalidate(error)
            if not (dropped and retry):
                raise DBAPIError.instance(
                    sql, arguments, error, dialect.loaded_dbapi.Error, connection_invalidated=dropped
                ) from error
        finally:
            if not dropped:
                if cursor is not None:
                    cursor.close()
                if autocommit:
                    dialect.reset_isolation_level(driver)
            connection.close()
        return DriverQuery._fetch(engine, sql, arguments, retry=False)
