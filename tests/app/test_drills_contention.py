"""A rush of choices on SQLite: a write that meets the lock waits a bounded time, then asks to try again.

Another connection holding SQLite's write lock stands in for a busy server. A short hold is waited
out; a long one gives the participant a calm 503 "prøv igjen" with Retry-After, their pick still
marked and the same one-time key, so sending it again stores the choice exactly once.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import DrillEvent
from app.transactions import WRITE_WAIT_MS
from tests.conftest import assign
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import page_choices


@pytest.fixture
def started(app, client, auth, make_drill, join_as):
    """A running minimal drill in which Kari plays both roles."""
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    teacher = join_as(drill, "Kari")
    both = {"kontaktlaerer": "Kari", "helsesykepleier": "Kari"}
    assert assign(app, client, drill, both).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, teacher


@contextmanager
def write_lock_held(app, release_after: float | None = None):
    """Hold SQLite's write lock from another connection, as a long write elsewhere would."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        if not released.is_set():
            released.set()
            other.execute("ROLLBACK")

    timer = threading.Timer(release_after, release) if release_after is not None else None
    if timer:
        timer.start()
    try:
        yield release
    finally:
        if timer:
            timer.join()
        release()
        other.close()


def _choice_form(client, drill):
    """The teacher's choice form as the page shows it: the fields it would send with the first choice."""
    html = client.get(f"/drills/{drill.public_id}/play?role=kontaktlaerer").get_data(as_text=True)
    choices, hidden = page_choices(html)
    return {
        "csrf_token": csrf_token(client, f"/drills/{drill.public_id}/play"),
        "role": "kontaktlaerer",
        "choice": choices[0],
        "scene": hidden["scene"],
        "key": hidden["key"],
    }


def _stored(app, key):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(DrillEvent).where(DrillEvent.idempotency_key == key)
        )


def test_a_choice_waits_out_a_short_write_lock_and_is_stored(app, sqlite_only, started):
    drill, teacher = started
    form = _choice_form(teacher, drill)
    with write_lock_held(app, release_after=0.4):
        began = time.perf_counter()
        response = teacher.post(f"/drills/{drill.public_id}/choose", data=form)
        waited = time.perf_counter() - began
    assert response.status_code == 303
    assert 0.3 < waited < WRITE_WAIT_MS / 1000
    assert _stored(app, form["key"]) == 1


def test_a_choice_that_meets_a_long_write_lock_asks_to_try_again_and_keeps_the_pick(
    app, sqlite_only, started
):
    drill, teacher = started
    form = _choice_form(teacher, drill)
    with write_lock_held(app):
        began = time.perf_counter()
        busy = teacher.post(f"/drills/{drill.public_id}/choose", data=form)
        waited = time.perf_counter() - began
    html = busy.get_data(as_text=True)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "2"
    # Bounded: the busy handler gave up after WRITE_WAIT_MS, not after a long or endless wait.
    assert WRITE_WAIT_MS / 1000 - 0.2 < waited < WRITE_WAIT_MS / 1000 + 2
    assert "valget ditt er ikke lagret ennå. Prøv igjen om et par sekunder." in html
    picked = rf'value="{form["choice"]}" id="choice-1-kontaktlaerer-[^"]*-{form["choice"]}" checked'
    assert re.search(picked, html)
    assert f'name="key" value="{form["key"]}"' in html
    assert _stored(app, form["key"]) == 0

    again = teacher.post(f"/drills/{drill.public_id}/choose", data=form)
    assert again.status_code == 303
    assert "Valget ditt er registrert." in teacher.get(again.headers["Location"]).get_data(as_text=True)
    assert teacher.post(f"/drills/{drill.public_id}/choose", data=form).status_code == 303
    assert _stored(app, form["key"]) == 1


def test_other_writes_under_a_long_lock_get_the_calm_503_page_not_a_server_error(
    app, sqlite_only, make_drill
):
    drill = make_drill()
    client = app.test_client()
    token = csrf_token(client, "/drills/join")
    with write_lock_held(app):
        response = client.post(
            "/drills/join", data={"code": drill.join_code, "display_name": "Kari", "csrf_token": token}
        )
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    html = response.get_data(as_text=True)
    assert "Mange bruker Laget akkurat nå" in html and "Vent et par sekunder og prøv igjen." in html
