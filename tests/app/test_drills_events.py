"""The critical write path: record_event, ticks, replays, and several app instances on one database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy import text

from app import create_app
from app.drills.services import Actor
from app.drills.services import rebuild_state
from app.drills.services import record_event
from app.drills.services import tick
from app.extensions import db
from app.facilitate import services as facilitate
from app.models import Drill
from app.models import DrillEvent
from app.models import Participant
from app.models import RoleAssignment
from app.models import User
from app.models import utcnow
from app.transactions import WriteTransactionTooLate
from app.transactions import begin_write
from tests.conftest import ON_POSTGRES


def _start(app, drill, now=None):
    """Give both roles of the minimal scenario to guests and start the drill at ``now``."""
    with app.app_context():
        loaded = db.session.get(Drill, drill.id)
        for role in ("kontaktlaerer", "helsesykepleier"):
            seat = Participant(drill_id=loaded.id, display_name=role, token_hash=role.ljust(64, "0")[:64])
            db.session.add(seat)
            db.session.flush()
            db.session.add(RoleAssignment(drill_id=loaded.id, role_id=role, participant_id=seat.id))
        db.session.commit()
        facilitate.start_drill(db.session.get(Drill, drill.id), now)
        db.session.commit()


@pytest.fixture
def running(app, make_drill):
    """A running minimal drill started an hour ago (10-minute first scene), so clocks can be set freely."""
    drill = make_drill()
    started = utcnow() - timedelta(hours=1)
    _start(app, drill, started)
    return drill, started


def _record(app, drill_id, event, key=None, now=None):
    with app.app_context():
        result = record_event(db.session.get(Drill, drill_id), event, Actor(), key, now)
        db.session.commit()
        return result.ok, result.duplicate, result.rejection.code if result.rejection else None


def _drill(app, drill_id):
    with app.app_context():
        drill = db.session.get(Drill, drill_id)
        db.session.refresh(drill)
        db.session.expunge(drill)
        return drill


def _events(app, drill_id):
    with app.app_context():
        query = select(DrillEvent.seq, DrillEvent.type, DrillEvent.idempotency_key).where(
            DrillEvent.drill_id == drill_id
        )
        return db.session.execute(query.order_by(DrillEvent.seq)).all()


def test_an_event_is_appended_with_the_next_number_and_the_snapshot_follows(app, running):
    drill, _started = running
    choose = {"type": "choose", "role": "kontaktlaerer", "choice": "del", "scene": "uke1"}
    assert _record(app, drill.id, choose, "k1") == (True, False, None)
    stored = _drill(app, drill.id)
    assert stored.state_version == 1
    assert stored.state["chosen"] == {"kontaktlaerer": "del"}
    assert _events(app, drill.id) == [(1, "choose", "k1")]
    with app.app_context():
        payload = db.session.scalar(select(DrillEvent.payload).where(DrillEvent.drill_id == drill.id))
    assert payload["at"] == pytest.approx(3600, abs=5)


def test_a_repeated_key_returns_the_stored_event_and_writes_nothing(app, running):
    drill, _started = running
    choose = {"type": "choose", "role": "kontaktlaerer", "choice": "del", "scene": "uke1"}
    assert _record(app, drill.id, choose, "same") == (True, False, None)
    assert _record(app, drill.id, {**choose, "choice": "vent"}, "same") == (True, True, None)
    assert len(_events(app, drill.id)) == 1
    assert _drill(app, drill.id).state["chosen"] == {"kontaktlaerer": "del"}


def test_a_rejected_event_writes_nothing(app, running):
    drill, _started = running
    before = _drill(app, drill.id)
    assert _record(app, drill.id, {"type": "choose", "role": "kontaktlaerer", "choice": "nope"}) == (
        False,
        False,
        "unknown_choice",
    )
    after = _drill(app, drill.id)
    assert (after.state_version, after.state) == (before.state_version, before.state)
    assert _events(app, drill.id) == []


def test_the_snapshot_equals_a_replay_of_the_events(app, running):
    drill, _started = running
    for event in (
        {"type": "answer", "role": "helsesykepleier", "checkpoint": "cp-niva", "option": "n1"},
        {"type": "choose", "role": "kontaktlaerer", "choice": "del", "scene": "uke1"},
        {"type": "inject", "inject": "mor-ringer"},
        {"type": "choose", "role": "helsesykepleier", "choice": "samtale", "scene": "uke1"},
    ):
        assert _record(app, drill.id, event)[0], event
    with app.app_context():
        loaded = db.session.get(Drill, drill.id)
        assert loaded.state_version == 4
        assert rebuild_state(loaded) == loaded.state


def test_events_are_refused_before_start_and_after_the_end(app, make_drill):
    drill = make_drill()
    choose = {"type": "choose", "role": "kontaktlaerer", "choice": "del", "scene": "uke1"}
    assert _record(app, drill.id, choose)[2] == "lobby"
    _start(app, drill)
    with app.app_context():
        facilitate.end_drill(db.session.get(Drill, drill.id))
        db.session.commit()
    assert _record(app, drill.id, choose)[2] == "ended"
    assert _events(app, drill.id) == []


def test_tick_records_a_timeout_once_the_deadline_has_passed(app, running):
    drill, started = running
    with app.app_context():
        loaded = db.session.get(Drill, drill.id)
        assert loaded.scene_deadline == started + timedelta(minutes=10)
        assert tick(loaded, started + timedelta(minutes=9, seconds=59)) == []
        results = tick(loaded, started + timedelta(minutes=10, seconds=1))
        db.session.commit()
        assert [r.ok for r in results] == [True]
        # Nobody chose, so the default transition leads to the poor ending.
        assert loaded.state["ending"] == "slutt-svak"
        assert loaded.status == "ended"
        assert tick(loaded, started + timedelta(minutes=11)) == []
    assert _events(app, drill.id) == [(1, "timeout", "timeout:1")]


def test_a_timed_inject_fires_once_however_often_ticks_run(app, running):
    drill, started = running
    _record(app, drill.id, {"type": "choose", "role": "kontaktlaerer", "choice": "del", "scene": "uke1"})
    entered = started + timedelta(minutes=2)
    _record(app, drill.id, {"type": "choose", "role": "helsesykepleier", "choice": "samtale"}, now=entered)
    with app.app_context():
        loaded = db.session.get(Drill, drill.id)
        assert loaded.state["scene"] == "uke2" and loaded.scene_started_at == entered
        assert loaded.scene_deadline is None  # uke2 suggests no time
        assert tick(loaded, entered + timedelta(minutes=4)) == []
        db.session.commit()
        for _ in range(2):
            tick(loaded, entered + timedelta(minutes=5, seconds=1))
            db.session.commit()
        assert loaded.state["injects_fired"] == ["mor-ringer"]
    # Firing it by hand afterwards counts as the same event.
    assert _record(app, drill.id, {"type": "inject", "inject": "mor-ringer"}, "inject:mor-ringer")[1] is True
    assert [e.type for e in _events(app, drill.id)] == ["choose", "choose", "inject"]


def test_pausing_stops_the_clock_and_resuming_gives_the_time_back(app, running):
    drill, started = running
    paused_at = started + timedelta(minutes=4)
    with app.app_context():
        loaded = facilitate.pause_drill(db.session.get(Drill, drill.id), paused_at)
        db.session.commit()
        assert (loaded.status, loaded.paused_remaining, loaded.scene_deadline) == ("paused", 360, None)
        assert tick(loaded, started + timedelta(hours=5)) == []
        resumed_at = started + timedelta(minutes=30)
        loaded = facilitate.resume_drill(loaded, resumed_at)
        db.session.commit()
        assert loaded.scene_deadline == resumed_at + timedelta(minutes=6)
        assert loaded.scene_started_at == started + timedelta(minutes=26)
    assert _record(app, drill.id, {"type": "choose", "role": "kontaktlaerer", "choice": "del"})[0]


def test_setting_the_timer_counts_from_now(app, running):
    drill, started = running
    now = started + timedelta(minutes=8)
    with app.app_context():
        loaded = facilitate.set_timer(db.session.get(Drill, drill.id), 5, now)
        db.session.commit()
        assert (loaded.timer_minutes, loaded.scene_deadline) == (5, now + timedelta(minutes=5))
        assert loaded.remaining_seconds(now + timedelta(minutes=1)) == 240
        loaded = facilitate.set_timer(loaded, None, now)
        db.session.commit()
        assert loaded.scene_deadline is None and loaded.remaining_seconds(now) is None


def test_advancing_records_who_did_not_act_and_refuses_a_stale_click(app, running):
    drill, _started = running
    _record(app, drill.id, {"type": "choose", "role": "kontaktlaerer", "choice": "del"})
    with app.app_context():
        user = db.session.get(User, db.session.get(Drill, drill.id).facilitator_id)
        first = facilitate.advance_scene(db.session.get(Drill, drill.id), "uke1", user, "a" * 32)
        db.session.commit()
        again = facilitate.advance_scene(db.session.get(Drill, drill.id), "uke1", user, "b" * 32)
        db.session.commit()
        assert first.ok and again.rejection.code == "stale"
        log = db.session.get(Drill, drill.id).state["log"]
        assert [e["role"] for e in log if e["kind"] == "not_acted"] == ["helsesykepleier"]
        assert db.session.get(Drill, drill.id).state["scene"] == "uke2"


def test_a_second_app_instance_continues_where_the_first_left_off(app, running):
    drill, _started = running
    second = create_app(dict(app.config))
    try:
        assert _record(app, drill.id, {"type": "choose", "role": "kontaktlaerer", "choice": "del"}, "x1")[0]
        assert _drill(second, drill.id).state["chosen"] == {"kontaktlaerer": "del"}
        assert _record(
            second, drill.id, {"type": "choose", "role": "helsesykepleier", "choice": "samtale"}, "x2"
        )[0]
        assert _record(second, drill.id, {"type": "choose", "role": "kontaktlaerer", "choice": "del"}, "x1")[
            1
        ]
        first_view, second_view = _drill(app, drill.id), _drill(second, drill.id)
        assert first_view.state == second_view.state and first_view.state_version == 2
        assert first_view.state["scene"] == "uke2"
        third = create_app(dict(app.config))
        assert _record(third, drill.id, {"type": "choose", "role": "kontaktlaerer", "choice": "meld"}, "x3")[
            0
        ]
        assert _drill(app, drill.id).status == "ended"
        assert [seq for seq, _type, _key in _events(second, drill.id)] == [1, 2, 3]
        with third.app_context():
            loaded = db.session.get(Drill, drill.id)
            assert rebuild_state(loaded) == loaded.state
            db.engine.dispose()
    finally:
        with second.app_context():
            db.engine.dispose()


def test_two_app_instances_serve_the_same_drill_page_consistently(app, make_drill, join_as):
    drill = make_drill()
    _start(app, drill)
    second = create_app(dict(app.config))
    try:
        # The signed session cookie works on both instances, as behind a load balancer.
        guest = join_as(_drill(app, drill.id), "Kari")
        other = second.test_client()
        other.set_cookie("laget_session", guest.get_cookie("laget_session").value)
        first_page = guest.get(f"/drills/{drill.public_id}/play/state", headers={"HX-Request": "true"})
        second_page = other.get(f"/drills/{drill.public_id}/play/state", headers={"HX-Request": "true"})
        assert first_page.status_code == second_page.status_code == 200
        assert first_page.headers["ETag"] == second_page.headers["ETag"]
        _record(second, drill.id, {"type": "inject", "inject": "mor-ringer"})
        again = guest.get(
            f"/drills/{drill.public_id}/play/state",
            headers={"HX-Request": "true", "If-None-Match": first_page.headers["ETag"]},
        )
        assert again.status_code == 200
    finally:
        with second.app_context():
            db.engine.dispose()


def test_concurrent_writers_on_two_instances_never_lose_or_duplicate_an_event(app, running):
    drill, _started = running
    apps = [app, create_app(dict(app.config))]
    events = [
        ({"type": "answer", "role": "kontaktlaerer", "checkpoint": "cp-niva", "option": "n0"}, "a-k"),
        ({"type": "answer", "role": "helsesykepleier", "checkpoint": "cp-niva", "option": "n1"}, "a-h"),
        ({"type": "choose", "role": "kontaktlaerer", "choice": "del", "scene": "uke1"}, "c-k"),
        ({"type": "inject", "inject": "mor-ringer"}, "inject:mor-ringer"),
    ]
    outcomes, errors = [], []
    barrier = threading.Barrier(len(events) * 3)

    def submit(instance, event, key):
        try:
            barrier.wait(timeout=10)
            outcomes.append(_record(instance, drill.id, event, key))
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            errors.append(error)

    threads = [
        threading.Thread(target=submit, args=(apps[i % 2], event, key))
        for i, (event, key) in enumerate(events * 3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        assert errors == []
        assert sorted(o[1] for o in outcomes) == [False] * 4 + [True] * 8
        stored = _events(app, drill.id)
        assert [seq for seq, _type, _key in stored] == [1, 2, 3, 4]
        assert sorted(key for _seq, _type, key in stored) == sorted(key for _event, key in events)
        with app.app_context():
            loaded = db.session.get(Drill, drill.id)
            assert loaded.state_version == 4 and rebuild_state(loaded) == loaded.state
    finally:
        with apps[1].app_context():
            db.engine.dispose()


def _statements(app):
    """Collect the SQL the app's engine sends, to see how transactions begin and rows are locked."""
    seen = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa_event.listen(engine, "before_cursor_execute", listener)
    return seen, lambda: sa_event.remove(engine, "before_cursor_execute", listener)


def test_record_event_locks_the_drill_for_writing(app, running):
    drill, _started = running
    seen, stop = _statements(app)
    try:
        _record(app, drill.id, {"type": "inject", "inject": "mor-ringer"})
    finally:
        stop()
    if ON_POSTGRES:
        assert any("FOR UPDATE" in s and "FROM drill" in s for s in seen)
    else:
        assert "BEGIN IMMEDIATE" in seen
        assert not any("FOR UPDATE" in s for s in seen)  # SQLite has no row locks; the whole file is locked


def test_other_transactions_keep_pysqlites_own_handling(app, sqlite_only, running):
    drill, _started = running
    # A write transaction first, so the pooled connection has been in the other mode.
    _record(app, drill.id, {"type": "inject", "inject": "mor-ringer"})
    seen, stop = _statements(app)
    try:
        with app.app_context():
            loaded = db.session.get(Drill, drill.id)
            loaded.team_name = "Nytt navn"
            db.session.commit()
            connection = db.session.connection()
            assert connection.connection.driver_connection.isolation_level == ""
            db.session.rollback()
    finally:
        stop()
    # Reads take no lock, and pysqlite begins the ordinary write itself, as before drills existed.
    assert not any(statement.startswith("BEGIN") for statement in seen)
    assert any(statement.startswith("UPDATE drill") for statement in seen)


def test_begin_write_refuses_a_transaction_that_already_changed_something(app, running):
    drill, _started = running
    with app.app_context():
        db.session.get(Drill, drill.id).team_name = "Nytt navn"
        with pytest.raises(WriteTransactionTooLate):
            begin_write()
        db.session.rollback()
        db.session.get(Drill, drill.id)
        begin_write()  # a transaction that only read becomes a write transaction
        begin_write()  # and asking twice is harmless
        db.session.rollback()


def test_the_event_log_is_append_only(app, running):
    drill, _started = running
    _record(app, drill.id, {"type": "inject", "inject": "mor-ringer"})
    with app.app_context():
        stored = db.session.scalar(select(DrillEvent).where(DrillEvent.drill_id == drill.id))
        stored.type = "advance"
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(DrillEvent).where(DrillEvent.drill_id == drill.id)))
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()


def test_postgres_row_lock_makes_a_second_writer_wait(app, postgres_only, running):
    drill, _started = running
    finished = threading.Event()

    def write():
        _record(app, drill.id, {"type": "inject", "inject": "mor-ringer"})
        finished.set()

    with app.app_context():
        holder = db.engine.connect()
        holder.execute(text("SELECT id FROM drill WHERE id = :id FOR UPDATE"), {"id": drill.id})
        writer = threading.Thread(target=write)
        writer.start()
        assert not finished.wait(0.5), "record_event did not wait for the row lock"
        holder.rollback()
        holder.close()
        assert finished.wait(10)
        writer.join()
    assert [e.type for e in _events(app, drill.id)] == ["inject"]
