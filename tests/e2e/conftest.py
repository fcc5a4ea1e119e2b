"""Browser fixtures: Laget served over loopback by waitress, driven by Playwright in Debian's Chromium.

Playwright's own browser download is not used: the tests launch `/usr/bin/chromium` (installed by
`scripts/test`), headless, with the flags this workplace's closed network needs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FACILITATOR_EMAIL = "fasilitator@fjordvik.test"
FACILITATOR_PASSWORD = "riktig hest batteri stift"


@dataclass
class LiveServer:
    url: str
    app: Any
    facilitator_email: str = FACILITATOR_EMAIL
    facilitator_password: str = FACILITATOR_PASSWORD


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real HTTP server on a free loopback port, with the scenario library loaded and one facilitator."""
    from flask_migrate import upgrade

    from app import create_app
    from app.admin import services as admin_services
    from app.extensions import db
    from app.library import sync_library
    from app.models import Role

    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'laget.db'}",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
        sync_library()
        organisation = admin_services.create_organisation("Fjordvik kommune")
        admin_services.create_user(
            organisation, FACILITATOR_EMAIL, "Frida Fasilitator", Role.FACILITATOR, FACILITATOR_PASSWORD
        )
        db.session.commit()
    with serve(app) as url:
        yield LiveServer(url=url, app=app)


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` with waitress on a free loopback port; yield its base URL."""
    from waitress.server import create_server

    from app.extensions import db

    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module; each test opens its own contexts (one per person)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run scripts/test, which installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
