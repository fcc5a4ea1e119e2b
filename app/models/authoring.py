"""Authored scenarios: the working copy, co-authors, the review state and the reviewers' line comments.

The text an author types lives in ``AuthoredScenario.working_text`` and changes all the time;
every saved version is a ``ScenarioVersion`` (origin "authored") that never changes afterwards.
The library shows the version numbered ``published_number`` until a newer one is approved.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.accounts import Organisation
from app.models.accounts import User
from app.models.base import UtcDateTime
from app.models.base import new_public_id
from app.models.base import string_enum
from app.models.base import utcnow
from app.models.drills import ScenarioVersion


class AuthoringState(enum.StrEnum):
    """Where an authored scenario is in its life: being written, in review, in the library, or retired."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        """The state in words for the workspace."""
        return str(STATE_LABELS[self])


STATE_LABELS = {
    AuthoringState.DRAFT: _l("Utkast"),
    AuthoringState.REVIEW: _l("Til vurdering"),
    AuthoringState.PUBLISHED: _l("Publisert"),
    AuthoringState.RETIRED: _l("Trukket tilbake"),
}


class Sharing(enum.StrEnum):
    """Who gets a published scenario in their library: the owner's organisation, or every organisation."""

    ORGANISATION = "organisation"
    ALL = "all"


class AuthoredScenario(db.Model):
    """One scenario written in the workspace: its working copy, owner, reviewer and what is published."""

    __tablename__ = "authored_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    working_text: Mapped[str] = mapped_column(Text)
    # Bumped by every save of the working copy; a save that names an older revision is refused.
    revision: Mapped[int] = mapped_column(default=1)
    state: Mapped[AuthoringState] = mapped_column(
        string_enum(AuthoringState, "authoring_state"), default=AuthoringState.DRAFT
    )
    sharing: Mapped[Sharing] = mapped_column(string_enum(Sharing, "sharing"), default=Sharing.ORGANISATION)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Version numbers, not foreign keys: versions point at their scenario, and that is the only link.
    review_number: Mapped[int | None] = mapped_column()
    published_number: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    co_authors: Mapped[list[CoAuthor]] = relationship(order_by="CoAuthor.id", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<AuthoredScenario {self.public_id} {self.state}>"

    @property
    def co_author_ids(self) -> set[int]:
        """The user ids of the people writing it together with the owner."""
        return {c.user_id for c in self.co_authors}

    @property
    def scenario_key(self) -> str:
        """The key its versions are stored under, apart from library scenarios with the same id."""
        return f"authored-{self.public_id}"

    def version(self, number: int | None) -> ScenarioVersion | None:
        """One of its saved versions by number."""
        if number is None:
            return None
        return db.session.scalar(
            select(ScenarioVersion).where(
                ScenarioVersion.authored_scenario_id == self.id, ScenarioVersion.number == number
            )
        )

    def versions(self) -> list[ScenarioVersion]:
        """Every saved version, newest first."""
        query = (
            select(ScenarioVersion)
            .where(ScenarioVersion.authored_scenario_id == self.id)
            .order_by(ScenarioVersion.number.desc())
        )
        return list(db.session.scalars(query))

    @property
    def latest_number(self) -> int:
        """The number of the newest saved version, 0 before the first."""
        latest = db.session.scalar(
            select(db.func.max(ScenarioVersion.number)).where(ScenarioVersion.authored_scenario_id == self.id)
        )
        return latest or 0


class ReviewComment(db.Model):
    """A reviewer's or the owner's remark on one line of a submitted version, or a review decision."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    authored_scenario_id: Mapped[int] = mapped_column(
        ForeignKey("authored_scenario.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("scenario_version.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # None for a remark on the whole version.
    line: Mapped[int | None] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    # "approved" or "sent_back" when the comment records a decision; None for a plain comment.
    decision: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    version: Mapped[ScenarioVersion] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ReviewComment {self.id} line {self.line}>"


class CoAuthor(db.Model):
    """Another author of the organisation who writes a scenario together with its owner."""

    __tablename__ = "co_author"
    __table_args__ = (UniqueConstraint("authored_scenario_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authored_scenario_id: Mapped[int] = mapped_column(ForeignKey("authored_scenario.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CoAuthor {self.user_id} of {self.authored_scenario_id}>"
