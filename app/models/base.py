"""Column types and helpers every model module shares: aware UTC time and unguessable ids."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC
from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Enum
from sqlalchemy import TypeDecorator


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime, the only kind the database stores."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend, because SQLite hands back naive datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        """Refuse naive datetimes so local time never sneaks into the database."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        """Attach UTC to the naive values SQLite returns."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_public_id() -> str:
    """An unguessable id for URLs, so addresses cannot be enumerated."""
    return secrets.token_urlsafe(12)


def string_enum(kind: type[enum.StrEnum], name: str) -> Enum:
    """Store an enum as its plain string values with a CHECK constraint, portable across databases."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
