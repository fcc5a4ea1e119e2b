"""Benchmark solo practice: milliseconds per step, as the person waits for the feedback after a choice.

Runs Laget in process on a temporary, migrated SQLite database, logs one person in through the test
client, and plays every role of every built-in scenario to the end, with the first open choice and
answer everywhere (a cautious team for half of the runs). Each step is an htmx POST that records the
step, lets the other roles play on, and renders the next fragment with the feedback; the last step
of a run also scores it. Prints p50/p95/max per kind of step and the debrief page's time.

Target on a 2-core machine: p95 below 150 ms for a step, below 500 ms for the step that ends a run.
Run: `python bench/solo.py [--rounds 2]`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "riktig hest batteri stift"
_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="(scene|key|checkpoint)" value="([^"]+)">')
_CHOICE = re.compile(r'name="choice" value="([^"]+)"')
_OPTION = re.compile(r'type="radio" name="option" value="([^"]+)"')


def _app(folder: Path):
    from flask_migrate import upgrade

    from app import create_app
    from app.admin import services as admin_services
    from app.extensions import db
    from app.library import sync_library
    from app.models import Role

    app = create_app(
        {
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'laget.db'}",
            "LOG_LEVEL": "ERROR",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        }
    )
    with app.app_context():
        upgrade()
        sync_library()
        organisation = admin_services.create_organisation("Benchvik kommune")
        admin_services.create_user(
            organisation, "solo@bench.test", "Solveig Solo", Role.PARTICIPANT, PASSWORD
        )
        db.session.commit()
        scenarios = [(v.scenario_key, v.scenario.role_ids) for v in _versions()]
    return app, scenarios


def _versions():
    from app.library import latest_versions

    return latest_versions()


def _token(client, path: str) -> str:
    return _CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def _play(client, key: str, role: str, profile: str) -> tuple[list[float], float, float]:
    """Play one run; return the step times (ms) before the last, the last step's, and the debrief's."""
    token = _token(client, "/solo/")
    response = client.post(
        "/solo/start", data={"csrf_token": token, "scenario": key, "role": role, "profile": profile}
    )
    url = response.headers["Location"]
    html = client.get(url).get_data(as_text=True)
    headers = {"HX-Request": "true"}
    steps: list[float] = []
    for _ in range(100):
        hidden = dict(_HIDDEN.findall(html))
        options = _OPTION.findall(html)
        data = {"csrf_token": token, "scene": hidden["scene"], "key": hidden["key"]}
        if options:
            path, data = f"{url}/answer", data | {"checkpoint": hidden["checkpoint"], "option": options[0]}
        else:
            path, data = f"{url}/choose", data | {"choice": _CHOICE.findall(html)[0]}
        started = time.perf_counter()
        response = client.post(path, data=data, headers=headers)
        steps.append((time.perf_counter() - started) * 1000)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, html
        if "Se din debrief" in html:
            started = time.perf_counter()
            assert client.get(f"{url}/debrief").status_code == 200
            return steps[:-1], steps[-1], (time.perf_counter() - started) * 1000
    raise RuntimeError(f"{key} as {role} did not end")


def _line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    median, top = statistics.median(ordered), ordered[-1]
    return f"{name:<28} n={len(values):>4}  p50={median:7.1f} ms  p95={p95:7.1f} ms  max={top:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="times every scenario and role is played")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, scenarios = _app(Path(tmp))
        client = app.test_client()
        client.post(
            "/auth/login",
            data={
                "email": "solo@bench.test",
                "password": PASSWORD,
                "csrf_token": _token(client, "/auth/login"),
            },
        )
        steps: list[float] = []
        endings: list[float] = []
        debriefs: list[float] = []
        for round_ in range(args.rounds):
            for key, roles in scenarios:
                for index, role in enumerate(roles):
                    profile = "cautious" if (index + round_) % 2 else "expert"
                    before, last, debrief = _play(client, key, role, profile)
                    steps += before
                    endings.append(last)
                    debriefs.append(debrief)
        print(f"solo runs: {len(endings)} ({len(scenarios)} scenarios, every role, {args.rounds} rounds)")
        print(_line("step (choice or answer)", steps))
        print(_line("step that ends and scores", endings))
        print(_line("personal debrief page", debriefs))


if __name__ == "__main__":
    main()
