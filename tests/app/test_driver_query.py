"""The poll's driver query: the same rows SQLAlchemy would give, on a connection that stays sound.

The unchanged poll runs its one query on the driver's cursor (app.driver_query). Its rows must hold
the values the screens expect from SQLAlchemy (enums, aware datetimes), a connection PostgreSQL
dropped must not fail the poll, and a read that fails must not leave its pooled connection in
autocommit, where a later transaction's ROLLBACK would undo nothing.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import bindparam
from sqlalchemy import cast
from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.exc import DataError

from app.drills import polling
from app.driver_query import DriverQuery
from app.extensions import db
from app.models import Drill
from app.models import DrillStatus
from app.models import Organisation
from app.models import Participant
from app.models import UtcDateTime
from app.models import utcnow
from tests.conftest import assign
from tests.conftest import control

SEEN = datetime(2026, 12, 5, 9, 30, 15, 250000, tzinfo=UTC)


@pytest.fixture
def app_config():
    """One pooled connection kept between checkouts, so a test knows which connection a read reuses."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 8}}


@pytest.fixture
def seat(app, client, auth, make_drill, join_as):
    """A running drill with Kari as the teacher; returns the poll's parameters for Kari's seat."""
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    join_as(drill, "Kari")
    join_as(drill, "Nils")
    roles = {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}
    assert assign(app, client, drill, roles).status_code == 303
    assert control(client, drill, "start").status_code == 303
    with app.app_context():
        kari = select(Participant).where(Participant.drill_id == drill.id, Participant.display_name == "Kari")
        participant = db.session.scalars(kari).one()
        db.session.execute(
            update(Participant).where(Participant.id == participant.id).values(last_seen_at=SEEN)
        )
        db.session.commit()
        parameters = {"public_id": drill.public_id, "participant_id": participant.id, "user_id": None}
        db.session.remove()
    return parameters


def test_rows_hold_the_values_sqlalchemy_gives(app, seat):
    query = polling._seat_query()
    with app.app_context():
        with db.engine.connect() as connection:
            expected = connection.execute(query.statement, seat).all()
        rows = query.rows(db.engine, seat)
    assert rows and [tuple(row) for row in rows] == [tuple(row) for row in expected]
    assert [type(value) for value in rows[0]] == [type(value) for value in expected[0]]
    assert rows[0]._fields == tuple(expected[0]._mapping.keys())
    assert rows[0].status is DrillStatus.RUNNING and [row.role_id for row in rows] == [
        "kontaktlaerer",
        "helsesykepleier",
    ]
    assert rows[0].last_seen_at == SEEN and rows[0].scene_started_at.tzinfo is not None


def test_a_drill_state_reads_as_sqlalchemy_reads_it(app, seat):
    with app.app_context():
        drill = db.session.scalars(select(Drill).where(Drill.public_id == seat["public_id"])).one()
        expected, version, drill_id = drill.state, drill.state_version, drill.id
        db.session.remove()
        rows = polling._state_query().rows(db.engine, {"drill_id": drill_id, "version": version})
        moved_on = polling._state_query().rows(db.engine, {"drill_id": drill_id, "version": version + 1})
    assert [row.state for row in rows] == [expected] and isinstance(expected, dict) and expected["scene"]
    assert moved_on == []


def test_a_parameter_that_needs_converting_is_refused(app):
    drill = Drill.__table__.c
    query = DriverQuery(select(drill.id).where(drill.scene_deadline < bindparam("now", type_=UtcDateTime)))
    with app.app_context(), pytest.raises(TypeError, match="'now' needs conversion"):
        query.rows(db.engine, {"now": utcnow()})


def test_a_connection_the_server_dropped_is_replaced(app, seat, postgres_only):
    query = polling._seat_query()
    with app.app_context():
        engine = db.engine
        before = query.rows(engine, seat)
        pooled = engine.raw_connection()
        backend = pooled.driver_connection.info.backend_pid
        pooled.close()
        admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar()
        admin.dispose()
        after = query.rows(engine, seat)
        again = query.rows(engine, seat)
    assert before and after == before and again == before


def test_a_failed_read_leaves_its_connection_in_transactions(app, postgres_only):
    failing = DriverQuery(select(cast(bindparam("number", type_=String), Integer)))
    with app.app_context():
        with pytest.raises(DataError):
            failing.rows(db.engine, {"number": "not a number"})
        with db.engine.connect() as connection:
            connection.execute(Organisation.__table__.insert().values(name="Rulles tilbake", slug="rulles"))
            connection.rollback()
        with db.engine.connect() as connection:
            kept = connection.execute(select(func.count()).where(Organisation.__table__.c.slug == "rulles"))
            assert kept.scalar() == 0
