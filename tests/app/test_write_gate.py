"""Writers on SQLite queue at the write gate: across processes, bounded in time, and open again after
every commit or rollback, so a choice waits only for the writes before it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.drills import services
from app.extensions import db
from app.models import Drill
from app.models import DrillEvent
from app.transactions import DatabaseBusy
from app.transactions import begin_write
from app.write_gate import GatedConnection
from app.write_gate import WriteGate
from app.write_gate import gate_for
from tests.conftest import assign
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import page_choices

# A process that takes the gate's file lock, says so, and holds it until its stdin closes.
HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


@contextmanager
def gate_held_by_another_process(lock_path: str):
    """Hold the gate from another process, as a writer in another gunicorn worker would."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lock_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()


def _database_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


def test_a_writer_waits_for_another_process_and_enters_as_soon_as_it_leaves(tmp_path):
    gate = WriteGate(str(tmp_path / "db-write.lock"))
    with gate_held_by_another_process(gate.lock_path) as holder:
        started = time.monotonic()
        assert gate.enter(timeout=0.3) is False
        assert 0.25 <= time.monotonic() - started < 2
        threading.Timer(0.2, holder.stdin.close).start()
        assert gate.enter(timeout=5) is True
    gate.leave()


def test_threads_of_one_process_take_turns_and_each_gets_in(tmp_path):
    gate = WriteGate(str(tmp_path / "db-write.lock"))
    inside, most_inside, entered = [0], [0], []
    count = threading.Lock()

    def writer(number: int) -> None:
        assert gate.enter(timeout=5)
        with count:
            inside[0] += 1
            most_inside[0] = max(most_inside[0], inside[0])
        time.sleep(0.01)
        with count:
            inside[0] -= 1
        entered.append(number)
        gate.leave()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(entered) == list(range(8))
    assert most_inside[0] == 1


def test_the_apps_sqlite_connections_share_one_gate_per_database_file(app, sqlite_only):
    with app.app_context():
        connection = db.session.connection().connection.driver_connection
        assert isinstance(connection, GatedConnection)
        assert connection.gate is gate_for(_database_file(app))
        db.session.rollback()


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_the_gate_opens_again_when_a_write_transaction_ends(app, sqlite_only, end):
    gate = gate_for(_database_file(app))
    with app.app_context():
        begin_write()
        # Another thread cannot enter while this transaction holds the gate …
        assert _enter_from_another_thread(gate, timeout=0.1) is False
        getattr(db.session, end)()
        # … and can at once when it has ended.
        assert _enter_from_another_thread(gate, timeout=0.1) is True


def _enter_from_another_thread(gate: WriteGate, timeout: float) -> bool:
    result: list[bool] = []

    def enter() -> None:
        result.append(gate.enter(timeout))
        if result[0]:
            gate.leave()

    thread = threading.Thread(target=enter)
    thread.start()
    thread.join()
    return result[0]


def test_a_write_gives_up_within_the_bound_when_another_process_never_leaves(app, sqlite_only, monkeypatch):
    monkeypatch.setattr("app.transactions.WRITE_WAIT_MS", 300)
    gate = gate_for(_database_file(app))
    with app.app_context(), gate_held_by_another_process(gate.lock_path):
        started = time.monotonic()
        with pytest.raises(DatabaseBusy):
            begin_write()
        assert time.monotonic() - started < 2
        # Nothing is left half-open: once the other process is gone, writing works again.
    with app.app_context():
        begin_write()
        db.session.commit()


def test_a_choice_sent_while_another_worker_holds_the_gate_asks_to_try_again_and_keeps_the_pick(
    app, client, auth, make_drill, join_as, sqlite_only, monkeypatch
):
    monkeypatch.setattr("app.transactions.WRITE_WAIT_MS", 300)
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    teacher = join_as(drill, "Kari")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Kari"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    page = teacher.get(f"/drills/{drill.public_id}/play?role=kontaktlaerer").get_data(as_text=True)
    choices, hidden = page_choices(page)
    form = {
        "csrf_token": csrf_token(teacher, f"/drills/{drill.public_id}/play"),
        "role": "kontaktlaerer",
        "choice": choices[-1],
        "scene": hidden["scene"],
        "key": hidden["key"],
    }
    with gate_held_by_another_process(gate_for(_database_file(app)).lock_path):
        busy = teacher.post(f"/drills/{drill.public_id}/choose", data=form)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "2"
    html = busy.get_data(as_text=True)
    assert "Prøv igjen om et par sekunder" in html
    assert re.search(rf'value="{choices[-1]}" id="[^"]*" checked', html)
    again = teacher.post(f"/drills/{drill.public_id}/choose", data=form)
    assert again.status_code == 303
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(DrillEvent).where(DrillEvent.idempotency_key == form["key"])
        )
    assert stored == 1


def test_choices_from_many_threads_at_once_are_all_stored_once(
    app, client, auth, make_drill, join_as, sqlite_only
):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    join_as(drill, "Kari")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Kari"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    drill_id = drill.id
    results: list[object] = []

    def send(number: int) -> None:
        with app.app_context():
            locked = services.lock_drill_id(drill_id)
            event = {"type": "message", "text": f"Beskjed {number}"}
            results.append(services.record_event(locked, event, key=f"message-{number}"))
            db.session.commit()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 12
    with app.app_context():
        stored = db.session.scalars(select(DrillEvent.idempotency_key).where(DrillEvent.drill_id == drill_id))
        assert sorted(stored) == sorted(f"message-{n}" for n in range(12))
        assert db.session.get(Drill, drill_id).state_version >= 12


def test_a_forked_worker_gets_a_gate_of_its_own_though_the_parent_was_entering_it(tmp_path):
    path = str(tmp_path / "laget.db")
    parent_gate = gate_for(path)
    # Another thread of the parent (the master's outbox sender) is half-way into the gate at the fork.
    parent_gate._thread_lock.acquire()
    try:
        child = os.fork()
        if child == 0:  # the worker: its writes must not wait on a lock no thread of it will release
            gate = gate_for(path)
            entered = gate is not parent_gate and gate.enter(timeout=1)
            os._exit(0 if entered else 1)
        _pid, status = os.waitpid(child, 0)
    finally:
        parent_gate._thread_lock.release()
    assert os.waitstatus_to_exitcode(status) == 0
