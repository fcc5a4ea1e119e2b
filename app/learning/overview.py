"""The leaders' overview: who in the organisation or the led units holds a valid course completion.

Admins see their whole organisation; a unit leader sees the people of the units they lead; nobody
else sees anyone. Each person's latest completion per course is read in one query, and drill
participation over the last 365 days in another, so the page costs the same for 10 or 1,000 people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import gettext as _
from app.learning.library import LoadedCourse
from app.learning.services import EXPIRED
from app.learning.services import EXPIRING
from app.learning.services import MISSING
from app.learning.services import OSLO
from app.learning.services import VALID
from app.learning.services import validity
from app.models import Drill
from app.models import Participant
from app.models import Role
from app.models import Unit
from app.models import User
from app.models.learning import CourseCompletion
from app.models.learning import UnitLeader

PARTICIPATION_DAYS = 365
STATES = (VALID, EXPIRING, EXPIRED, MISSING)
# Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def led_units(user: User) -> list[Unit]:
    """The units of the user's own organisation that the user leads."""
    query = (
        select(Unit)
        .join(UnitLeader, UnitLeader.unit_id == Unit.id)
        .where(UnitLeader.user_id == user.id, Unit.organisation_id == user.organisation_id)
        .order_by(Unit.name)
    )
    return list(db.session.scalars(query))


def visible_units(user: User) -> list[Unit] | None:
    """The units whose people the user may see: None for "the whole organisation" (admins), [] for none."""
    if user.has_role(Role.ADMIN):
        return None
    return led_units(user)


def may_see_overview(user: User) -> bool:
    """Admins and unit leaders may open the overview; everyone else is refused."""
    return user.has_role(Role.ADMIN) or bool(led_units(user))


@dataclass(frozen=True)
class Cell:
    """One person's standing in one course."""

    state: str
    valid_until: date | None = None


@dataclass(frozen=True)
class Row:
    """One person with their course standings and their drills in the last 12 months."""

    user: User
    cells: dict[str, Cell]
    drills: int
    last_drill: datetime | None


@dataclass(frozen=True)
class Overview:
    """The rows of the overview and the number of people in each state per course."""

    courses: list[LoadedCourse]
    rows: list[Row]
    units: list[Unit]
    unit: Unit | None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def filter_units(viewer: User, unit_id: str | None) -> tuple[list[Unit], Unit | None]:
    """The units the viewer may filter by, and the chosen one if it is among them."""
    units = visible_units(viewer)
    choices = list(viewer.organisation.units) if units is None else units
    chosen = next((u for u in choices if unit_id is not None and str(u.id) == str(unit_id)), None)
    return choices, chosen


def people(viewer: User, unit: Unit | None) -> list[User]:
    """The active people the viewer may see, limited to one unit when chosen."""
    query = select(User).where(User.organisation_id == viewer.organisation_id, User.active.is_(True))
    units = visible_units(viewer)
    if units is not None:
        query = query.where(User.unit_id.in_([u.id for u in units]))
    if unit is not None:
        query = query.where(User.unit_id == unit.id)
    query = query.options(selectinload(User.unit)).order_by(User.display_name, User.id)
    return list(db.session.scalars(query))


def latest_completions(user_ids: list[int], course_ids: list[str]) -> dict[tuple[int, str], date]:
    """The latest ``valid_until`` per person and course, from their newest completion."""
    if not user_ids:
        return {}
    query = (
        select(CourseCompletion.user_id, CourseCompletion.course_id, CourseCompletion.valid_until)
        .where(CourseCompletion.user_id.in_(user_ids), CourseCompletion.course_id.in_(course_ids))
        .order_by(CourseCompletion.completed_on, CourseCompletion.id)
    )
    # Ordered oldest first, so the newest completion of each pair is the one left in the dict.
    return {(uid, cid): until for uid, cid, until in db.session.execute(query)}


def drill_participation(user_ids: list[int], since: datetime) -> dict[int, tuple[int, datetime | None]]:
    """Per person: the distinct comparable drills they took part in since ``since``, and the last start.

    Test drills and incomplete drills are practice, not training, so they are not counted.
    """
    if not user_ids:
        return {}
    query = (
        select(Participant.user_id, func.count(func.distinct(Drill.id)), func.max(Drill.started_at))
        .join(Drill, Drill.id == Participant.drill_id)
        .where(
            Participant.user_id.in_(user_ids),
            Drill.started_at.is_not(None),
            Drill.started_at >= since,
            Drill.comparable,
        )
        .group_by(Participant.user_id)
    )
    result = {}
    for uid, count, last in db.session.execute(query):
        if isinstance(last, str):
            # SQLite hands aggregates back as text, bypassing the column type.
            last = datetime.fromisoformat(last)
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=since.tzinfo)
        result[uid] = (count, last)
    return result


def build_overview(
    viewer: User, courses: Iterable[LoadedCourse], today: date, now: datetime, unit_id: str | None = None
) -> Overview:
    """Everything the overview page and its CSV show, scoped to what the viewer may see."""
    courses = list(courses)
    units, unit = filter_units(viewer, unit_id)
    persons = people(viewer, unit)
    ids = [p.id for p in persons]
    completions = latest_completions(ids, [c.id for c in courses])
    participation = drill_participation(ids, now - timedelta(days=PARTICIPATION_DAYS))
    counts = {c.id: dict.fromkeys(STATES, 0) for c in courses}
    rows = []
    for person in persons:
        cells = {}
        for loaded in courses:
            until = completions.get((person.id, loaded.id))
            cell = Cell(validity(until, today), until) if until else Cell(MISSING)
            cells[loaded.id] = cell
            counts[loaded.id][cell.state] += 1
        drills, last = participation.get(person.id, (0, None))
        rows.append(Row(person, cells, drills, last))
    return Overview(courses, rows, units, unit, counts)


def guard(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def overview_csv(overview: Overview, state_words: dict[str, str]) -> str:
    """The overview as a semicolon-separated table, which Norwegian Excel opens in columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    header = [_("Navn"), _("E-postadresse"), _("Enhet"), _("Øvelser siste 12 måneder"), _("Siste øvelse")]
    for loaded in overview.courses:
        title = loaded.course.meta.title
        header += [title, _("%(course)s – gyldig til", course=title)]
    writer.writerow([guard(h) for h in header])
    for row in overview.rows:
        user = row.user
        values: list[object] = [user.display_name, user.email, user.unit.name if user.unit else ""]
        values += [row.drills, row.last_drill.astimezone(OSLO).date().isoformat() if row.last_drill else ""]
        for loaded in overview.courses:
            cell = row.cells[loaded.id]
            values += [state_words[cell.state], cell.valid_until.isoformat() if cell.valid_until else ""]
        writer.writerow([guard(v) for v in values])
    return buffer.getvalue()
