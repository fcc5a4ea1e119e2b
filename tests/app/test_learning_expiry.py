"""Validity and renewal arithmetic: a year to the day, 29 February, 30 days of warning, Oslo's calendar."""

from __future__ import annotations

import itertools
import shutil
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

import pytest

from app.learning.services import EXPIRED
from app.learning.services import EXPIRING
from app.learning.services import VALID
from app.learning.services import add_months
from app.learning.services import oslo_today
from app.learning.services import validity

MINI = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "mini-kurs"
_numbers = itertools.count(1)
LIBRARY = Path(__file__).resolve().parents[2] / "courses" / "library"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 2, 28), 12, date(2028, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 3, 31), 60, date(2031, 3, 31)),
    ],
)
def test_valid_until_adds_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 10, 31), VALID),  # 31 days left
        (date(2027, 11, 1), EXPIRING),  # 30 days left
        (date(2027, 12, 1), EXPIRING),  # the last valid day
        (date(2027, 12, 2), EXPIRED),
    ],
)
def test_validity_warns_thirty_days_ahead_and_expires_after_the_last_day(today, expected):
    assert validity(date(2027, 12, 1), today) == expected


def test_today_is_the_date_in_oslo_not_in_utc():
    # 23:30 UTC on 31 December is already New Year's Day in Norway.
    assert oslo_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert oslo_today(datetime(2026, 6, 30, 21, 59, tzinfo=UTC)) == date(2026, 6, 30)
    assert oslo_today(datetime(2026, 6, 30, 22, 0, tzinfo=UTC)) == date(2026, 7, 1)


def library_config(tmp_path: Path) -> dict:
    """App config with a copy of the built-in course library (the overview tests use it too)."""
    library = tmp_path / "courses"
    library.mkdir()
    for folder in LIBRARY.iterdir():
        if folder.is_dir():
            shutil.copytree(folder, library / folder.name)
    return {"COURSE_LIBRARY": str(library)}


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    return library_config(tmp_path)


def add_completion(
    app, user_id: int, course_id: str, completed_on: date, valid_until: date, score_percent: float = 100.0
) -> None:
    """Store a passed course directly, with a certificate number of its own."""
    from app.extensions import db
    from app.models.learning import CourseCompletion

    with app.app_context():
        db.session.add(
            CourseCompletion(
                user_id=user_id,
                course_id=course_id,
                course_title=course_id,
                course_version="1.0.0+test",
                completed_on=completed_on,
                valid_until=valid_until,
                certificate_number=f"LAG-TEST-{next(_numbers)}",
                score_percent=score_percent,
            )
        )
        db.session.commit()


def test_due_for_renewal_lists_expiring_expired_and_never_taken(app, auth, make_user):
    from app.extensions import db
    from app.learning.library import load_courses
    from app.learning.services import due_courses
    from app.models import User

    learner = make_user()
    today = date(2026, 12, 1)
    add_completion(app, learner.id, "grunnleggende-bti", date(2025, 12, 10), date(2026, 12, 10))  # expiring
    add_completion(app, learner.id, "bekymringssamtalen", date(2025, 11, 1), date(2026, 11, 1))  # expired
    with app.app_context():
        user = db.session.get(User, learner.id)
        due = due_courses(user, load_courses().values(), today)
        assert [(d.loaded.id, d.state) for d in due] == [
            ("bekymringssamtalen", "expired"),
            ("grunnleggende-bti", "expiring"),
            ("samarbeidsplikt-og-barnekoordinator", "missing"),
            ("taushetsplikt-og-opplysningsplikt", "missing"),
        ]
        # Renewed: a newer completion counts, so the course is no longer due.
        add_completion(app, learner.id, "bekymringssamtalen", today, add_months(today, 12))
        due = due_courses(db.session.get(User, learner.id), load_courses().values(), today)
        assert "bekymringssamtalen" not in [d.loaded.id for d in due]


def test_home_page_shows_the_courses_due_with_links(app, client, auth):
    learner = auth.login()
    today = oslo_today()
    add_completion(app, learner.id, "grunnleggende-bti", today, add_months(today, 12))
    html = client.get("/").get_data(as_text=True)
    assert "Disse kursene bør du ta eller fornye" in html
    assert 'href="/courses/bekymringssamtalen"' in html
    assert 'href="/courses/taushetsplikt-og-opplysningsplikt"' in html
    assert 'href="/courses/grunnleggende-bti"' not in html  # valid for a year
    assert "Ikke tatt ennå." in html
    assert "Kursoversikt for ledere" not in html
    client.get("/courses/bekymringssamtalen/forberedelse")
    assert "Påbegynt – fortsett der du slapp." in client.get("/").get_data(as_text=True)
    # The rest of the home page is still there.
    assert "Kontoen din" in html
    assert "Bli med i øvelse" in html


def test_home_page_says_so_when_everything_is_valid(app, client, auth):
    learner = auth.login()
    today = oslo_today()
    from app.learning.library import load_courses

    with app.app_context():
        library = list(load_courses())
    for course in library:
        add_completion(app, learner.id, course, today, add_months(today, 12))
    html = client.get("/").get_data(as_text=True)
    assert "Alle kursene dine er gyldige." in html
