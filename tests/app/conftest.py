"""Fixtures shared by the app tests: a training session (økt) of several teams."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture
def make_session(app: Any, make_user: Callable[..., Any], minimal_library: Path) -> Callable[..., Any]:
    """Create a session of ``teams`` minimal drills through the services, as the create form does.

    Returns its public id, join code, facilitator and drills (detached, in team order).
    """
    from sqlalchemy import select

    from app.extensions import db
    from app.facilitate.services import create_drills
    from app.facilitate.sessions import create_session
    from app.library import sync_library
    from app.models import ScenarioVersion
    from app.models import User

    def make(facilitator: Any = None, teams: int = 2, name: str = "Fagdag") -> SimpleNamespace:
        facilitator = facilitator or make_user(role="facilitator")
        with app.app_context():
            sync_library(minimal_library)
            version = db.session.scalar(select(ScenarioVersion).order_by(ScenarioVersion.id.desc()))
            user = db.session.get(User, facilitator.id)
            session = create_session(user, name)
            drills = create_drills(user, version, name, teams, session)
            db.session.commit()
            for drill in drills:
                db.session.refresh(drill)
                db.session.expunge(drill)
            return SimpleNamespace(
                public_id=session.public_id,
                join_code=session.join_code,
                id=session.id,
                facilitator=facilitator,
                drills=drills,
            )

    return make
