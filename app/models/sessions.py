"""Training sessions (økter): the teams of one training day, run together by one or more facilitators."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import User
from app.models.base import UtcDateTime
from app.models.base import new_public_id
from app.models.base import utcnow


class TrainingSession(db.Model):
    """The drills created together for a training day (fagdag), one per team, with a name and a date."""

    __tablename__ = "training_session"
    # A unique index rather than a constraint, so SQLite can add it without copying the table.
    __table_args__ = (Index("ix_training_session_join_code", "join_code", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # One code for the whole day: a guest who types it is seated in the team with the most room.
    # Drawn like drills' join codes and never equal to one people can still join.
    join_code: Mapped[str | None] = mapped_column(String(6))

    facilitator: Mapped[User] = relationship()
    co_facilitators: Mapped[list[SessionFacilitator]] = relationship(
        order_by="SessionFacilitator.id", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<TrainingSession {self.public_id}>"

    def is_run_by(self, user: User) -> bool:
        """Whether ``user`` shares the console: the session's facilitator or one of its co-facilitators."""
        return user.id == self.facilitator_id or any(c.user_id == user.id for c in self.co_facilitators)


class SessionFacilitator(db.Model):
    """A co-facilitator of a session, who runs its drills as the facilitator who created them does."""

    __tablename__ = "session_facilitator"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()
