"""Benchmark the authoring pages an author waits for while writing.

For every built-in scenario, imported as a draft, prints the median time of: the live preview (an
htmx POST after each pause in typing), an autosave, the scene graph page and the explorer page, all
through the Flask test client on a temporary SQLite database. The preview should stay well under the
800 ms typing pause it follows. Run: `python bench/authoring.py`.
"""

from __future__ import annotations

import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.admin import services as admin_services  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Role  # noqa: E402

PASSWORD = "riktig hest batteri stift"
RUNS = 5
_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _median_ms(action) -> float:
    """Run ``action`` RUNS times and return the median wall time in milliseconds."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'laget.db'}",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
        organisation = admin_services.create_organisation("Benkvik kommune")
        admin_services.create_user(organisation, "forfatter@benkvik.test", "Forfatter", Role.AUTHOR, PASSWORD)
        db.session.commit()
    client = app.test_client()
    token = _CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    client.post(
        "/auth/login", data={"email": "forfatter@benkvik.test", "password": PASSWORD, "csrf_token": token}
    )
    token = _CSRF.search(client.get("/authoring/").get_data(as_text=True)).group(1)
    print(f"{'scenario':<34} {'lines':>5} {'preview':>9} {'autosave':>9} {'graph':>9} {'explorer':>9}")
    for path in sorted((ROOT / "scenarios" / "library").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        cells = " ".join(f"{ms:>6.0f} ms" for ms in _measure(client, token, path.name, text))
        print(f"{path.stem:<34} {text.count(chr(10)) + 1:>5} {cells}")


def _measure(client, token: str, name: str, text: str) -> list[float]:
    """Import one scenario as a draft and time its preview, autosave, graph and explorer."""
    response = client.post(
        "/authoring/import", data={"csrf_token": token, "file": (io.BytesIO(text.encode()), name)}
    )
    public_id = response.headers["Location"].split("/")[-2]
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    revision = [1]

    def preview() -> None:
        client.post(f"/authoring/{public_id}/preview", data={"text": text}, headers=headers)

    def autosave() -> None:
        edited = text + f"\n<!-- {revision[0]} -->\n"
        client.post(
            f"/authoring/{public_id}/autosave",
            data={"text": edited, "revision": revision[0]},
            headers=headers,
        )
        revision[0] += 1

    return [
        _median_ms(preview),
        _median_ms(autosave),
        _median_ms(lambda: client.get(f"/authoring/{public_id}/graph")),
        _median_ms(lambda: client.get(f"/authoring/{public_id}/explore")),
    ]


if __name__ == "__main__":
    main()
