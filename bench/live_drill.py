"""Load-test live drills over loopback and print latency figures.

Starts Laget (waitress) in its own process on a temporary SQLite database, creates D drills of a
built-in scenario, lets P simulated participants join by code over HTTP, and runs them: each polls its
screen every ~2 s with If-None-Match (as htmx does) and, when its role has choices, waits a moment and
chooses. The run is bounded in time. It prints p50/p95/p99 latency of choosing and of live updates,
errors, drills finished, and the same server's throughput on /healthz and on the polled fragment.

Target on a 2-core machine with SQLite: 200 participants in 50 drills, no errors, choice p95 < 100 ms.
Run: `python bench/live_drill.py [--participants 200 --drills 50 --seconds 90]`. Loopback only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCENARIO = "fravaer-og-hodepine"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
_CHOICE_FORM = re.compile(r'<form method="post" action="([^"]+/choose)" class="choices">(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
_BUTTON = re.compile(r'<button type="submit" name="choice" value="([^"]+)"')


def serve(db_path: str, port: int, threads: int) -> None:
    """The server process: Laget on waitress, as `laget serve` runs it."""
    from waitress import serve as waitress_serve

    from app import create_app

    app = create_app(_config(db_path))
    waitress_serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def _config(db_path: str) -> dict:
    return {
        "SECRET_KEY": "bench-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "LOG_LEVEL": "ERROR",
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    }


def prepare(db_path: str, drills: int) -> tuple[list[str], list[str]]:
    """Create the schema, load the library, a facilitator and the drills; return join codes and ids."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.admin import services as admin_services
    from app.extensions import db
    from app.facilitate import services as facilitate
    from app.library import sync_library
    from app.models import Role
    from app.models import ScenarioVersion

    app = create_app(_config(db_path))
    with app.app_context():
        upgrade()
        sync_library()
        organisation = admin_services.create_organisation("Benk kommune")
        facilitator = admin_services.create_user(
            organisation, "benk@kommune.test", "Benk", Role.FACILITATOR, "benk passord 1234"
        )
        version = db.session.scalar(select(ScenarioVersion).where(ScenarioVersion.scenario_key == SCENARIO))
        created = facilitate.create_drills(facilitator, version, "Lag", teams=drills)
        db.session.commit()
        return [d.join_code for d in created], [d.public_id for d in created]


def start_all(db_path: str) -> None:
    """Give each joined participant a role, in join order, and start every drill."""
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.facilitate import services as facilitate
    from app.models import Drill
    from app.models import User

    app = create_app(_config(db_path))
    with app.app_context():
        facilitator = db.session.scalar(select(User).where(User.email == "benk@kommune.test"))
        for drill in db.session.scalars(select(Drill)):
            roles = [r.id for r in drill.scenario.meta.roles]
            people = sorted(drill.participants, key=lambda p: p.id)
            assignment = {
                role: str(people[i % len(people)].id) if people else None for i, role in enumerate(roles)
            }
            facilitate.assign_roles(drill, assignment, facilitator)
            facilitate.start_drill(drill)
            db.session.commit()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class Participant:
    """One simulated person: their own cookie jar, polling and choosing like the htmx page does."""

    def __init__(self, base: str, code: str, name: str, stats: dict, stop: threading.Event) -> None:
        self.base = base
        self.code = code
        self.name = name
        self.stats = stats
        self.stop = stop
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        self.play_url = ""
        self.etag = ""
        self.rng = random.Random(name)

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def join(self) -> None:
        status, _, page = self.request(f"{self.base}/drills/join/{self.code}")
        token = next(m.group(1) or m.group(2) for m in _CSRF.finditer(page))
        status, headers, _ = self.request(
            f"{self.base}/drills/join", {"code": self.code, "display_name": self.name, "csrf_token": token}
        )
        if status != 303:
            raise RuntimeError(f"join failed: {status}")
        self.play_url = urllib.parse.urljoin(self.base, headers["Location"])

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            headers = {"HX-Request": "true"}
            if self.etag:
                headers["If-None-Match"] = self.etag
            status, response_headers, page = self.request(
                self.play_url.replace("/play", "/play/state"), None, headers
            )
            self.stats["poll"].append(time.perf_counter() - started)
            if status not in (200, 304):
                self.stats["errors"].append(f"poll {status}")
            if status == 200:
                self.etag = response_headers.get("ETag", "")
                if 'id="ending-heading"' in page:
                    self.stats["finished"].add(self.play_url)
                self.maybe_choose(page)
            self.stop.wait(self.rng.uniform(1.5, 2.5))

    def maybe_choose(self, page: str) -> None:
        for action, form in _CHOICE_FORM.findall(page):
            fields = dict(_HIDDEN.findall(form))
            choices = _BUTTON.findall(form)
            if not choices or "csrf_token" not in fields:
                continue
            self.stop.wait(self.rng.uniform(0.5, 3.0))  # reading and thinking
            fields["choice"] = self.rng.choice(choices)
            started = time.perf_counter()
            status, _, _ = self.request(urllib.parse.urljoin(self.base, action), fields)
            self.stats["choose"].append(time.perf_counter() - started)
            if status != 303:
                self.stats["errors"].append(f"choose {status}")
            self.etag = ""


def throughput(fetch, seconds: float, workers: int = 8) -> float:  # noqa: ANN001
    """Successful requests per second that `fetch()` sustains from `workers` threads."""
    count = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            ok = fetch()
            with lock:
                count[0] += ok

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / seconds


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    p50, p95, p99 = (q[i] * 1000 for i in (49, 94, 98))
    return f"n={len(values):5d}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--drills", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--threads", type=int, default=16, help="waitress threads")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.threads)
        return

    workdir = tempfile.mkdtemp(prefix="laget-bench-")
    db_path = os.path.join(workdir, "laget.db")
    codes, _ = prepare(db_path, args.drills)
    port = args.port or _free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", db_path, str(port), "--threads", str(args.threads)],
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz")
        stats: dict = {"poll": [], "choose": [], "errors": [], "finished": set()}
        stop = threading.Event()
        people = [
            Participant(base, codes[i % len(codes)], f"Deltaker {i + 1}", stats, stop)
            for i in range(args.participants)
        ]
        join_started = time.perf_counter()
        for person in people:
            person.join()
        join_time = time.perf_counter() - join_started
        start_all(db_path)
        threads = [threading.Thread(target=p.run, daemon=True) for p in people]
        run_started = time.perf_counter()
        for t in threads:
            t.start()
        while time.perf_counter() - run_started < args.seconds and len(stats["finished"]) < len(people):
            time.sleep(1)
        stop.set()
        for t in threads:
            t.join(timeout=40)
        elapsed = time.perf_counter() - run_started
        healthz = throughput(lambda: people[0].request(f"{base}/healthz")[0] == 200, 5)
        fragment_url = people[0].play_url.replace("/play", "/play/state")
        fragment = throughput(
            lambda: people[0].request(fragment_url, None, {"HX-Request": "true"})[0] == 200, 5
        )
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(
        f"Laget live drill benchmark: {args.participants} participants in {args.drills} drills, "
        f"{args.threads} server threads, SQLite, {os.cpu_count()} cores"
    )
    print(f"  joined all by code in {join_time:.1f} s")
    print(f"  ran {elapsed:.0f} s; participants who saw their drill end: {len(stats['finished'])}")
    print(f"  choose (POST)       {percentiles(stats['choose'])}   (target p95 < 100 ms)")
    print(f"  live update (poll)  {percentiles(stats['poll'])}")
    print(f"  errors: {len(stats['errors'])} {sorted(set(stats['errors']))[:5]}")
    print(
        f"  throughput /healthz: {healthz:7.0f} req/s; polled fragment (no ETag): {fragment:7.0f} req/s; "
        f"ratio {fragment / healthz:.2f}"
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not start: {url}")


if __name__ == "__main__":
    main()
