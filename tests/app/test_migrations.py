"""The migrations build exactly the schema the models describe, on a database tuned for web use."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def test_sqlite_connections_get_the_pragmas(app, sqlite_only):
    with app.app_context(), db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 2000  # a write waits at most 2 s, then the participant gets a 503
        assert pragma("synchronous") == 1  # NORMAL


def test_constraints_follow_the_naming_convention(app, sqlite_only):
    with app.app_context(), db.engine.connect() as connection:
        sql = connection.exec_driver_sql("select sql from sqlite_master where name = 'user_account'").scalar()
    assert "CONSTRAINT uq_user_account_email UNIQUE" in sql
    assert "CONSTRAINT ck_user_account_role CHECK" in sql
    assert "CONSTRAINT fk_user_account_organisation_id_organisation" in sql


def test_postgres_urls_use_psycopg3(monkeypatch):
    from app import _database_url

    monkeypatch.setenv("DATABASE_URL", "postgres://laget:pw@db/laget")
    assert _database_url("/tmp") == "postgresql+psycopg://laget:pw@db/laget"
    monkeypatch.setenv("DATABASE_URL", "postgresql://laget@db/laget")
    assert _database_url("/tmp") == "postgresql+psycopg://laget@db/laget"
    monkeypatch.delenv("DATABASE_URL")
    assert _database_url("/srv/instance") == "sqlite:////srv/instance/laget.db"
