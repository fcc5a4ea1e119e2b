"""Fixtures for the web app: an app on a migrated temporary SQLite file, clients, and factories.

Flask and ``app`` are imported inside the fixtures, never at module level, so the tests of the pure
packages (scenarios, courses, scoring) can prove they run without Flask even though pytest loads
this file for them too.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Cheap Argon2 parameters: the tests check the flow and the hash format, not the cost.
TEST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
TEST_PASSWORD = "riktig hest batteri stift"

# A PostgreSQL server for the tests that need one (scripts/test starts a throwaway one). With
# LAGET_TEST_DATABASE=postgres as well, every app test runs on it instead of SQLite; the database is
# wiped and migrated before every test, and tests that inspect SQLite itself are deselected.
POSTGRES_URL = os.environ.get("LAGET_TEST_POSTGRES_URL")
ON_POSTGRES = bool(POSTGRES_URL) and os.environ.get("LAGET_TEST_DATABASE") == "postgres"

_CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')
_sequence = itertools.count(1)


def _test_config(db_path: Path, **overrides: Any) -> dict[str, Any]:
    """Configuration for an app under test; CSRF stays on, as in production."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "ARGON2_PARAMS": TEST_ARGON2,
        "LOG_LEVEL": "WARNING",
        # No background LTI sender in ``laget serve`` under test; tests deliver scores themselves.
        "LTI_SEND_INTERVAL": 0,
        **overrides,
    }


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied once, copied for each test."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    path = tmp_path_factory.mktemp("template") / "laget.db"
    app = create_app(_test_config(path))
    with app.app_context():
        upgrade()
        # Closing the connections checkpoints the WAL into the file, so a plain copy is complete.
        db.engine.dispose()
    return path


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra configuration for one test; override this fixture or update the dict before ``app``."""
    return {}


@pytest.fixture
def app(migrated_db: Path, tmp_path: Path, app_config: dict[str, Any]) -> Iterator[Any]:
    """A Laget app on its own copy of the migrated database (or a freshly migrated PostgreSQL one)."""
    from app import create_app
    from app.extensions import babel
    from app.extensions import db

    path = tmp_path / "laget.db"
    if ON_POSTGRES:
        app = create_app(_test_config(path, SQLALCHEMY_DATABASE_URI=POSTGRES_URL, **app_config))
        _reset_postgres(app)
    else:
        shutil.copyfile(migrated_db, path)
        app = create_app(_test_config(path, **app_config))
    with app.app_context():
        # Flask-Babel caches catalogues per locale on the one shared Babel object, across apps; a test
        # that compiles its own catalogues must not be served another test's.
        babel.domain_instance.cache.clear()
    yield app
    with app.app_context():
        db.engine.dispose()


def _reset_postgres(app: Any) -> None:
    """Drop everything in the test database and run the migrations again."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        upgrade()


@pytest.fixture
def sqlite_only() -> None:
    """Mark a test that inspects SQLite itself; it is deselected when the suite runs on PostgreSQL."""


@pytest.fixture
def postgres_only() -> None:
    """Mark a test that needs the app on PostgreSQL; it runs in the PostgreSQL pass only."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run each database-specific test in its own pass: SQLite ones on SQLite, PostgreSQL ones on it."""
    other = "sqlite_only" if ON_POSTGRES else "postgres_only"
    keep = [item for item in items if other not in getattr(item, "fixturenames", ())]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture
def client(app: Any) -> Any:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    """A CLI runner bound to ``app``."""
    return app.test_cli_runner()


def csrf_token(client: Any, path: str = "/auth/login") -> str:
    """Read the CSRF token that every page carries in ``<body hx-headers>``."""
    response = client.get(path, follow_redirects=True)
    match = _CSRF_IN_PAGE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def make_org(app: Any) -> Callable[..., Any]:
    """Create an organisation (municipality) and return it detached from the session."""
    from app.extensions import db
    from app.models import Organisation

    def make(name: str | None = None) -> Organisation:
        number = next(_sequence)
        with app.app_context():
            organisation = Organisation(name=name or f"Testkommune {number}", slug=f"testkommune-{number}")
            db.session.add(organisation)
            db.session.commit()
            db.session.refresh(organisation)
            db.session.expunge(organisation)
        return organisation

    return make


@pytest.fixture
def make_user(app: Any, make_org: Callable[..., Any]) -> Callable[..., Any]:
    """Create a user with ``TEST_PASSWORD`` and return it detached from the session."""
    from app.extensions import db
    from app.models import Role
    from app.models import User

    def make(
        role: str = "participant",
        org: Any = None,
        email: str | None = None,
        name: str | None = None,
        active: bool = True,
        password: str = TEST_PASSWORD,
    ) -> User:
        number = next(_sequence)
        organisation_id = (org or make_org()).id
        with app.app_context():
            user = User(
                email=email or f"person{number}@kommune.test",
                display_name=name or f"Person {number}",
                role=Role(role),
                organisation_id=organisation_id,
                active=active,
            )
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


class AuthActions:
    """Log a test client in and out through the real forms."""

    def __init__(self, client: Any, make_user: Callable[..., Any]) -> None:
        self._client = client
        self._make_user = make_user

    def login(self, as_role: str = "participant", user: Any = None, **user_fields: Any) -> Any:
        """Log in as ``user``, or as a new user with role ``as_role``, and return that user."""
        user = user or self._make_user(role=as_role, **user_fields)
        response = self._client.post(
            "/auth/login",
            data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(self._client)},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def logout(self) -> Any:
        """Log out with a valid CSRF token."""
        return self._client.post("/auth/logout", data={"csrf_token": csrf_token(self._client, "/")})


@pytest.fixture
def auth(client: Any, make_user: Callable[..., Any]) -> AuthActions:
    """Log the ``client`` in as a given role."""
    return AuthActions(client, make_user)


@pytest.fixture
def csrf(client: Any) -> Callable[..., str]:
    """Fetch a fresh CSRF token for ``client`` from a page (default: the login page)."""
    return lambda path="/auth/login": csrf_token(client, path)


@pytest.fixture
def password() -> str:
    """The password every ``make_user`` account has."""
    return TEST_PASSWORD


@pytest.fixture
def client_for(app: Any, make_user: Callable[..., Any]) -> Callable[[Any], Any]:
    """Return a separate test client logged in as a given user, for a second person in a test."""

    def make(user: Any) -> Any:
        other = app.test_client()
        AuthActions(other, make_user).login(user=user)
        return other

    return make


# --- Drills ---------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
MINIMAL_SCENARIO = REPO / "tests" / "scenarios" / "fixtures" / "minimal.md"
_CHOICES_IN_PAGE = re.compile(r'name="choice" value="([^"]+)"')
_HIDDEN_IN_PAGE = re.compile(r'<input type="hidden" name="(scene|key)" value="([^"]+)">')


@pytest.fixture
def minimal_library(tmp_path: Path) -> Path:
    """A scenario library folder holding only the small test scenario (two roles, two scenes)."""
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copyfile(MINIMAL_SCENARIO, folder / "minimal.md")
    return folder


@pytest.fixture
def make_drill(app: Any, make_user: Callable[..., Any], minimal_library: Path) -> Callable[..., Any]:
    """Create drills through the facilitator service and return the first, detached from the session."""
    from sqlalchemy import select

    from app.extensions import db
    from app.facilitate.services import create_drills
    from app.library import sync_library
    from app.models import Drill
    from app.models import ScenarioVersion
    from app.models import User

    def make(
        facilitator: Any = None,
        library: Path | None = None,
        scenario: str = "minimal",
        team_name: str = "Lag Nord",
        teams: int = 1,
    ) -> Drill:
        facilitator = facilitator or make_user(role="facilitator")
        with app.app_context():
            sync_library(library or minimal_library)
            version = db.session.scalar(
                select(ScenarioVersion)
                .where(ScenarioVersion.scenario_key == scenario)
                .order_by(ScenarioVersion.id.desc())
            )
            drills = create_drills(db.session.get(User, facilitator.id), version, team_name, teams)
            db.session.commit()
            drill = db.session.get(Drill, drills[0].id)
            db.session.refresh(drill)
            db.session.expunge(drill)
        return drill

    return make


@pytest.fixture
def join_as(app: Any) -> Callable[..., Any]:
    """Join a drill by its code as a guest in a fresh browser (test client), and return that client."""

    def join(drill: Any, name: str, client: Any = None) -> Any:
        client = client or app.test_client()
        token = csrf_token(client, "/drills/join")
        response = client.post(
            "/drills/join", data={"code": drill.join_code, "display_name": name, "csrf_token": token}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return join


def page_choices(html: str) -> tuple[list[str], dict[str, str]]:
    """The choice buttons on a participant page, and its choice form's hidden scene and key."""
    return _CHOICES_IN_PAGE.findall(html), dict(_HIDDEN_IN_PAGE.findall(html))


def drill_state(app: Any, public_id: str) -> Any:
    """Load a drill fresh from the database, detached, for assertions."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Drill

    with app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.public_id == public_id))
        db.session.refresh(drill)
        db.session.expunge(drill)
    return drill


def participant_id(app: Any, drill: Any, name: str) -> int:
    """The id of the participant called ``name`` in ``drill``."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Participant

    with app.app_context():
        return db.session.scalar(
            select(Participant.id).where(Participant.drill_id == drill.id, Participant.display_name == name)
        )


def assign(app: Any, client: Any, drill: Any, roles: dict[str, str]) -> Any:
    """Cast roles through the console form: ``roles`` maps role id -> participant name or "self"."""
    data = {"csrf_token": csrf_token(client, f"/facilitate/drills/{drill.public_id}")}
    for role, who in roles.items():
        data[f"role-{role}"] = who if who == "self" else str(participant_id(app, drill, who))
    return client.post(f"/facilitate/drills/{drill.public_id}/roles", data=data)


def control(client: Any, drill: Any, action: str, **data: str) -> Any:
    """Post a console control (start, pause, end, …) with a fresh CSRF token."""
    token = csrf_token(client, f"/facilitate/drills/{drill.public_id}")
    return client.post(f"/facilitate/drills/{drill.public_id}/{action}", data={"csrf_token": token, **data})


def choose(client: Any, drill: Any, role: str, choice: str | None = None, **override: str) -> Any:
    """Press a choice button on the participant page (the first one unless ``choice`` is given).

    ``override`` replaces form fields, as a tampered or outdated page would send them.
    """
    html = client.get(f"/drills/{drill.public_id}/play?role={role}").get_data(as_text=True)
    choices, hidden = page_choices(html)
    data = {
        "csrf_token": csrf_token(client, f"/drills/{drill.public_id}/play"),
        "role": override.pop("as_role", role),
        "choice": choice or choices[0],
        "scene": hidden.get("scene", ""),
        "key": hidden.get("key", ""),
        **override,
    }
    return client.post(f"/drills/{drill.public_id}/choose", data=data)


EXPERT_PATH = (("kontaktlaerer", "del"), ("helsesykepleier", "samtale"), ("kontaktlaerer", "meld"))
# The teacher waits: the minimal scenario reaches its weak ending after the first scene.
WAITING_PATH = (("kontaktlaerer", "vent"), ("helsesykepleier", "samtale"))


@pytest.fixture
def play_drill(app: Any, client: Any, make_drill: Callable[..., Any], join_as: Callable[..., Any]) -> Any:
    """Run a minimal drill from the logged-in ``client``'s console: Kari and Nils make ``choices`` in turn.

    With ``end`` the facilitator ends the drill afterwards; the drill is returned detached.
    """

    def play(
        facilitator: Any,
        choices: tuple[tuple[str, str], ...] = EXPERT_PATH,
        team_name: str = "Lag Nord",
        end: bool = False,
    ) -> Any:
        drill = make_drill(facilitator=facilitator, team_name=team_name)
        seats = {"kontaktlaerer": join_as(drill, "Kari"), "helsesykepleier": join_as(drill, "Nils")}
        cast = {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}
        assert assign(app, client, drill, cast).status_code == 303
        assert control(client, drill, "start").status_code == 303
        for role, choice in choices:
            assert choose(seats[role], drill, role, choice).status_code == 303
        if end:
            assert control(client, drill, "end").status_code == 303
        return drill_state(app, drill.public_id)

    return play


# --- OpenID Connect ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real OpenID Connect provider process (oidc-provider-mock) on a free loopback port, per module."""
    from tests.oidc.provider import MockProvider

    provider = MockProvider(tmp_path_factory.mktemp("oidc") / "provider.log")
    provider.start()
    yield provider
    provider.stop()
