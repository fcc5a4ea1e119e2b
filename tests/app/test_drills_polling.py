"""The participant screen's poll: an unchanged screen costs one query and no rendering, yet is never stale.

Two app instances on one database stand in for two server processes: a change written through one
must show on the next poll answered by the other, and work that has fallen due on the drill's clock
is still recorded by the poll that finds it.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy import update

from app import create_app
from app.driver_query import DriverQuery
from app.extensions import db
from app.models import Drill
from app.models import DrillEvent
from app.models import Participant
from app.models import utcnow
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import page_choices


@pytest.fixture
def running(app, client, auth, make_drill, join_as):
    """A running minimal drill: Kari plays the teacher, Nils the school nurse."""
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    kari, nils = join_as(drill, "Kari"), join_as(drill, "Nils")
    roles = {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}
    assert assign(app, client, drill, roles).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, kari, nils


@contextmanager
def statements(app):
    """Collect the SQL statements ``app`` sends while the block runs, through SQLAlchemy or a driver query."""
    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        sent.append(statement)

    # The poll's own query runs on the driver's cursor (app.driver_query), where no event fires.
    fetch = DriverQuery._fetch

    def noted_fetch(engine, sql, arguments, retry=True):  # noqa: ANN001, ANN202
        sent.append(sql)
        return fetch(engine, sql, arguments, retry)

    event.listen(engine, "before_cursor_execute", note)
    DriverQuery._fetch = staticmethod(noted_fetch)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)
        DriverQuery._fetch = staticmethod(fetch)


def _poll(client, drill, etag=None):
    headers = {"HX-Request": "true", **({"If-None-Match": etag} if etag else {})}
    return client.get(f"/drills/{drill.public_id}/play/state?role=kontaktlaerer", headers=headers)


def test_an_unchanged_poll_reads_one_row_set_and_renders_nothing(app, running, monkeypatch):
    drill, kari, _nils = running
    first = _poll(kari, drill)
    assert first.status_code == 200
    monkeypatch.setattr("app.drills.views.render", lambda *a, **k: pytest.fail("rendered an unchanged poll"))
    with statements(app) as sent:
        again = _poll(kari, drill, first.headers["ETag"])
    # The changed poll before it already read this state version in this process.
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    assert len(sent) == 1 and sent[0].lstrip().upper().startswith("SELECT")
    with statements(app) as sent:
        assert _poll(kari, drill, first.headers["ETag"]).status_code == 304
    assert len(sent) == 1 and sent[0].lstrip().upper().startswith("SELECT")


def test_a_choice_written_by_another_process_shows_on_the_next_poll(app, running):
    drill, kari, nils = running
    other_process = create_app({**app.config, "TESTING": True})
    nils_elsewhere = other_process.test_client()
    nils_elsewhere.set_cookie("laget_session", nils.get_cookie("laget_session").value)
    etag = _poll(kari, drill).headers["ETag"]
    assert _poll(kari, drill, etag).status_code == 304

    assert choose(nils_elsewhere, drill, "helsesykepleier").status_code == 303
    changed = _poll(kari, drill, etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Helsesykepleier" in changed.get_data(as_text=True)
    with other_process.app_context():
        db.engine.dispose()


def test_an_unchanged_poll_still_records_a_timer_that_ran_out(app, running):
    drill, kari, _nils = running
    etag = _poll(kari, drill).headers["ETag"]
    with app.app_context():
        db.session.execute(
            update(Drill).where(Drill.id == drill.id).values(scene_deadline=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    response = _poll(kari, drill, etag)
    assert response.status_code == 200
    with app.app_context():
        kinds = db.session.scalars(select(DrillEvent.type).where(DrillEvent.drill_id == drill.id)).all()
    assert kinds == ["timeout"]


def test_a_poll_for_a_role_that_is_not_yours_is_refused_even_with_a_matching_etag(running):
    drill, kari, _nils = running
    etag = _poll(kari, drill).headers["ETag"]
    other = kari.get(
        f"/drills/{drill.public_id}/play/state?role=helsesykepleier",
        headers={"HX-Request": "true", "If-None-Match": etag},
    )
    assert other.status_code == 403


def test_a_logged_in_participant_gets_the_cheap_answer_too(app, client, auth, make_drill, join_as, csrf):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "self", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    first = _poll(client, drill)
    assert first.status_code == 200
    assert _poll(client, drill, first.headers["ETag"]).status_code == 304
    with statements(app) as sent:
        assert _poll(client, drill, first.headers["ETag"]).status_code == 304
    # The user (their session may have been revoked) and the seat.
    assert len(sent) == 2, [s[:90] for s in sent]


def test_an_unchanged_poll_still_tells_the_console_the_screen_is_open(app, running):
    drill, kari, _nils = running
    etag = _poll(kari, drill).headers["ETag"]
    long_ago = utcnow() - timedelta(minutes=5)
    with app.app_context():
        db.session.execute(
            update(Participant).where(Participant.drill_id == drill.id).values(last_seen_at=long_ago)
        )
        db.session.commit()
    assert _poll(kari, drill, etag).status_code == 304
    with app.app_context():
        seen = dict(db.session.execute(select(Participant.display_name, Participant.last_seen_at)).all())
    assert seen["Kari"] > long_ago + timedelta(minutes=4) and seen["Nils"] == long_ago


def test_a_changed_poll_is_built_from_the_polls_own_query(app, running):
    drill, kari, nils = running
    etag = _poll(kari, drill).headers["ETag"]
    assert choose(nils, drill, "helsesykepleier").status_code == 303
    with statements(app) as sent:
        changed = _poll(kari, drill, etag)
    # The seat with the drill's columns and roles, then the new state version's state: no drill,
    # participant or assignment objects loaded one by one.
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Helsesykepleier" in changed.get_data(as_text=True)
    assert len(sent) == 2 and all(s.lstrip().upper().startswith("SELECT") for s in sent), sent
    with statements(app) as sent:
        again = _poll(kari, drill, 'W/"outdated"')
    # This process has read that state version: the screen comes from the one query.
    assert again.status_code == 200 and again.headers["ETag"] == changed.headers["ETag"]
    assert len(sent) == 1


def test_a_choice_reads_the_drill_once_under_its_lock_and_loads_no_participant(app, running):
    drill, kari, _nils = running
    html = kari.get(f"/drills/{drill.public_id}/play?role=kontaktlaerer").get_data(as_text=True)
    choices, hidden = page_choices(html)
    data = {
        "csrf_token": csrf_token(kari, f"/drills/{drill.public_id}/play"),
        "role": "kontaktlaerer",
        "choice": choices[0],
        "scene": hidden["scene"],
        "key": hidden["key"],
    }
    with statements(app) as sent:
        assert kari.post(f"/drills/{drill.public_id}/choose", data=data).status_code == 303
    selects = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    # The seat, the drill under its lock (with its scenario version), and the idempotency key.
    assert len(selects) == 3, selects
    assert sum("FROM drill " in " ".join(s.split()) for s in selects) == 2
    assert [s.split()[0:3] for s in sent if not s.lstrip().upper().startswith(("SELECT", "BEGIN"))] == [
        ["INSERT", "INTO", "drill_event"],
        ["UPDATE", "drill", "SET"],
    ]
    assert kari.get(f"/drills/{drill.public_id}/play").status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(DrillEvent).where(DrillEvent.drill_id == drill.id)).all()
    assert [(e.type, e.payload["choice"], e.idempotency_key) for e in stored] == [
        ("choose", choices[0], hidden["key"])
    ]
