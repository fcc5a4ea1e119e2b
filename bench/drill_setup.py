"""The set-up both drill benches share: schema, library, one facilitator and exactly N drills."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

SCENARIO = "fravaer-og-hodepine"


def create_bench_drills(drills: int, organisation_name: str, facilitator_email: str) -> list[str]:
    """Migrate, sync the library and create exactly ``drills`` drills of ``SCENARIO``; return their codes.

    Runs inside an app context. One form creates at most ``MAX_TEAMS`` teams, so larger counts take
    several calls, as a facilitator (or co-facilitators) would.
    """
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app.admin import services as admin_services
    from app.extensions import db
    from app.facilitate import services as facilitate
    from app.library import sync_library
    from app.models import Role
    from app.models import ScenarioVersion

    upgrade()
    sync_library()
    organisation = admin_services.create_organisation(organisation_name)
    name = organisation_name.split()[0]
    facilitator = admin_services.create_user(
        organisation, facilitator_email, name, Role.FACILITATOR, f"{name.lower()} passord 1234"
    )
    version = db.session.scalar(select(ScenarioVersion).where(ScenarioVersion.scenario_key == SCENARIO))
    codes: list[str] = []
    while len(codes) < drills:
        teams = min(facilitate.MAX_TEAMS, drills - len(codes))
        codes += [d.join_code for d in facilitate.create_drills(facilitator, version, "Lag", teams=teams)]
        db.session.commit()
    if len(codes) != drills:
        raise SystemExit(f"asked for {drills} drills, got {len(codes)}")
    return codes


def fresh_database(url: str | None, workdir: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database and a function that removes it: a SQLite file, or one on the given server."""
    if url is None:
        return f"sqlite:///{os.path.join(workdir, 'laget.db')}", lambda: None
    from sqlalchemy import create_engine
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    server = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"laget_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop
