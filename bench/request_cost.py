"""CPU time per request of a live drill's hot paths, measured in-process so other load cannot skew it.

Wall-clock latency depends on whatever else the machine runs; the CPU a request costs does not. This
builds the real app on a temporary SQLite database, creates drills of a built-in scenario, lets a
guest join each one by code (through the join page, so the seat proof sits in a signed session
cookie) and holds all its roles, starts the drills, and then calls the WSGI app directly (as
gunicorn does, without a test client's bookkeeping) with prepared environs, timing each call with
``time.process_time()``:

* ``/healthz`` without a cookie (what a load balancer sends): the floor every request pays;
* an unchanged poll: the screen's ``hx-get`` URL with ``HX-Request`` and the current ``If-None-Match``,
  answered 304;
* a changed poll: the same URL with an outdated ETag, answered 200 with the rendered screen;
* a choice: radio button + "Bekreft valget" (the form's CSRF token, scene, role and one-time key),
  answered 303;
* the whole participant page the choice's 303 leads to, where the bench reads whether the choice was
  accepted.

It prints the median and mean µs of CPU per request with the SQL statements each request sent, the
ratio of the unchanged poll's median to ``/healthz``'s, and the same as requests per second (the
unchanged poll's req/s as a share of ``/healthz``'s; the target is at least 0.5). It exits 1 when
any kind measured nothing, a request got an unexpected status, or no choice was accepted.
``--max-poll-ratio R`` also fails the run when the 304's ratio exceeds R.

Run: ``python bench/request_cost.py --requests 2000`` (``--profile poll|changed|choose`` prints a cProfile of
that path instead of timing it; for ``choose`` it includes the screen reads around each choice).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import html
import io
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from http.cookies import SimpleCookie
from pathlib import Path

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drill_setup import SCENARIO  # noqa: E402  (bench/ is on the path when run as a script)
from drill_setup import create_bench_drills  # noqa: E402
from drill_setup import fresh_database  # noqa: E402

FACILITATOR = "kostnad@kommune.test"
ACCEPTED = "Valget ditt er registrert."
KINDS = ("healthz", "poll 304", "poll 200", "choose 303", "page 200")

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CHOICE_FORM = re.compile(
    r'<form method="post" action="([^"]+/choose)" class="choices"[^>]*>(.*?)</form>', re.S
)
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
_RADIO = re.compile(r'<input type="radio" name="choice" value="([^"]+)"')
_HX_GET = re.compile(r'id="play-state"[^>]*hx-get="([^"]+)"')
_ROLE_TAB = re.compile(r'<a href="([^"]+/play\?role=[^"]+)"')
_FLASH = re.compile(r'<p class="flash flash--(\w+)">\s*<strong>[^<]*</strong>\s*(.*?)\s*</p>', re.S)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    cpu: float
    statements: int = 0


class StatementCount:
    """Counts the SQL statements the app's engine sends, so each reply says how many its request cost."""

    def __init__(self) -> None:
        self.sent = 0

    def __call__(self, *args: object) -> None:
        self.sent += 1


STATEMENTS = StatementCount()


@dataclass
class Guest:
    """One browser: its cookies, and a way to send it through the WSGI app with the call timed."""

    app: Callable
    cookies: dict[str, str] = field(default_factory=dict)

    def environ(self, method: str, path: str, headers: dict | None = None, data: dict | None = None) -> dict:
        """A complete WSGI environ for one request from this browser, built before any timing starts."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        builder = EnvironBuilder(path=path, method=method, headers=headers, data=data)
        try:
            return builder.get_environ()
        finally:
            builder.close()

    def send(self, environ: dict) -> Reply:
        """Call the app as a WSGI server does; only the call and reading the body are timed."""
        answer: list = []

        def start_response(status: str, headers: list, exc_info: object = None) -> None:
            answer[:] = [int(status.split()[0]), headers]

        sent_before = STATEMENTS.sent
        started = time.process_time()
        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        cpu = time.process_time() - started
        statements = STATEMENTS.sent - sent_before
        status, header_list = answer
        for name, morsel in SimpleCookie(
            "\n".join(v for k, v in header_list if k.lower() == "set-cookie")
        ).items():
            if morsel.value:
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)
        return Reply(status, {k.lower(): v for k, v in header_list}, body.decode(), cpu, statements)

    def get(self, path: str, headers: dict | None = None) -> Reply:
        return self.send(self.environ("GET", path, headers))


def build(database_url: str) -> object:
    from sqlalchemy import event

    from app import create_app
    from app.driver_query import DriverQuery
    from app.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "request-cost-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOG_LEVEL": "ERROR",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        }
    )
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", STATEMENTS)
    # The poll's query runs on the driver's cursor, where no statement event fires: count it here.
    fetch = DriverQuery._fetch

    def counted_fetch(*args: object, **kwargs: object) -> list:
        STATEMENTS()
        return fetch(*args, **kwargs)

    DriverQuery._fetch = staticmethod(counted_fetch)
    return app


def prepare(app: object, drills: int) -> list[str]:
    """Schema, library, a facilitator and ``drills`` drills; returns their join codes."""
    with app.app_context():
        return create_bench_drills(drills, "Kostnad kommune", FACILITATOR)


def join(app: object, code: str, name: str) -> tuple[Guest, str]:
    """Join by code through the join page; returns the guest and their screen's URL."""
    guest = Guest(app)
    page = guest.get(f"/drills/join/{code}").body
    token = _CSRF.search(page).group(1)
    reply = guest.send(
        guest.environ("POST", "/drills/join", data={"code": code, "display_name": name, "csrf_token": token})
    )
    if reply.status != 303:
        raise SystemExit(f"joining {code} failed with {reply.status}")
    return guest, reply.headers["location"]


def start_all(app: object) -> None:
    """Give each drill's one participant every role and start the drill."""
    from sqlalchemy import select

    from app.extensions import db
    from app.facilitate import services as facilitate
    from app.models import Drill
    from app.models import User

    with app.app_context():
        facilitator = db.session.scalar(select(User).where(User.email == FACILITATOR))
        for drill in db.session.scalars(select(Drill)).all():
            everyone = {role: str(drill.participants[0].id) for role in drill.scenario.role_ids}
            facilitate.assign_roles(drill, everyone, facilitator)
            facilitate.start_drill(drill)
        db.session.commit()


def state_urls(guest: Guest, play_url: str) -> list[str]:
    """The polled URL of each of the guest's roles, as the page's role tabs and hx-get give them."""
    page = guest.get(play_url).body
    tabs = [html.unescape(url).replace("/play?", "/play/state?") for url in _ROLE_TAB.findall(page)]
    hx = _HX_GET.search(page)
    return tabs or ([html.unescape(hx.group(1))] if hx else [])


def poll_headers(etag: str) -> dict[str, str]:
    return {"HX-Request": "true", "If-None-Match": etag}


@dataclass
class Seat:
    guest: Guest
    play_url: str
    urls: list[str]


class Measure:
    """Samples of CPU seconds per kind, with unexpected statuses counted as failures."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.statements: dict[str, list[int]] = {kind: [] for kind in KINDS}
        self.failures: Counter = Counter()
        self.outcomes: Counter = Counter()

    def take(self, kind: str, reply: Reply, want: int, count: bool = True) -> bool:
        if reply.status != want:
            self.failures[f"{kind}: got {reply.status}"] += 1
            return False
        if count:
            self.samples[kind].append(reply.cpu)
            self.statements[kind].append(reply.statements)
        return True


def measure_polls(seats: list[Seat], measure: Measure, n: int, warmup: int) -> None:
    """Unchanged (304) and changed (200) polls of the seats' screens, interleaved with /healthz."""
    lb = Guest(seats[0].guest.app)
    health = lb.environ("GET", "/healthz")
    prepared = []
    for seat in seats:
        for url in seat.urls:
            first = seat.guest.get(url, {"HX-Request": "true"})
            etag = first.headers.get("etag", "")
            if first.status != 200 or not etag:
                measure.failures[f"first poll of {url}: {first.status}, ETag {etag!r}"] += 1
                continue
            prepared.append((seat.guest, seat.guest.environ("GET", url, poll_headers(etag)), url))
    if not prepared:
        return
    for i in range(warmup + n):
        guest, unchanged, url = prepared[i % len(prepared)]
        count = i >= warmup
        measure.take("healthz", lb.send(dict(health)), 200, count)
        measure.take("poll 304", guest.send(dict(unchanged)), 304, count)
        # An outdated ETag: the poll finds a change and gets the rendered screen.
        changed = guest.environ("GET", url, poll_headers('W/"outdated"'))
        measure.take("poll 200", guest.send(changed), 200, count)


def choice_of(guest: Guest, url: str) -> tuple[str, dict] | None:
    """The choice form on a role's screen, filled in with its first radio button, or None."""
    fragment = guest.get(url, {"HX-Request": "true"}).body
    match = _CHOICE_FORM.search(fragment)
    if match is None:
        return None
    action, form = match.groups()
    fields = dict(_HIDDEN.findall(form))
    radios = _RADIO.findall(form)
    if not radios or "csrf_token" not in fields:
        return None
    fields["choice"] = radios[0]
    return html.unescape(action), fields


def measure_choices(seats: list[Seat], measure: Measure, n: int, warmup: int) -> None:
    """Play the seats' drills by choosing for each role in turn until ``n`` choices were timed."""
    taken = 0
    for seat in seats:
        progress = True
        while progress and taken < warmup + n:
            progress = False
            for url in seat.urls:
                found = choice_of(seat.guest, url)
                if found is None:
                    continue
                action, fields = found
                environ = seat.guest.environ("POST", action, data=fields)
                reply = seat.guest.send(environ)
                if not measure.take("choose 303", reply, 303, count=taken >= warmup):
                    continue
                taken += 1
                progress = True
                after = seat.guest.get(reply.headers["location"])
                measure.take("page 200", after, 200, count=taken > warmup)
                page = after.body
                flashes = [(kind, html.unescape(text)) for kind, text in _FLASH.findall(page)]
                if ("success", ACCEPTED) in flashes:
                    measure.outcomes["accepted"] += 1
                else:
                    measure.outcomes[f"refused: {flashes}"] += 1
                if taken >= warmup + n:
                    break
        if taken >= warmup + n:
            return


def seat_drills(app: object, codes: list[str]) -> list[Seat]:
    seats = []
    for i, code in enumerate(codes):
        guest, play_url = join(app, code, f"Deltaker {i}")
        seats.append(Seat(guest, play_url, []))
    start_all(app)
    for seat in seats:
        seat.urls = state_urls(seat.guest, seat.play_url)
    return seats


def report(measure: Measure) -> tuple[list[str], float | None]:
    lines = ["µs CPU per request (median / mean, n), SQL statements per request (median, most):"]
    medians = {}
    for kind in KINDS:
        samples = measure.samples[kind]
        if not samples:
            lines.append(f"  {kind:<11} no samples")
            continue
        medians[kind] = statistics.median(samples)
        mean = statistics.fmean(samples)
        sql = measure.statements[kind]
        lines.append(
            f"  {kind:<11} {medians[kind] * 1e6:8.0f} / {mean * 1e6:8.0f}  (n={len(samples)})"
            f"  SQL {statistics.median(sql):g}, {max(sql)}"
        )
    ratio = None
    if "healthz" in medians and "poll 304" in medians:
        ratio = medians["poll 304"] / medians["healthz"]
        lines.append(f"poll 304 / healthz: {ratio:.2f}×")
        # What a core serves: requests per second go as 1 / CPU per request.
        lines.append(f"poll 304 req/s / healthz req/s: {1 / ratio:.2f} (target ≥ 0.5)")
    lines.append("choices: " + ", ".join(f"{k} {v}" for k, v in sorted(measure.outcomes.items())))
    return lines, ratio


def profile(seats: list[Seat], what: str, n: int) -> str:
    """A cProfile of ``n`` requests of one kind (after a warm-up), sorted by cumulative time."""
    measure = Measure()
    polls = what in ("poll", "changed")
    runner = measure_polls if polls else measure_choices
    runner(seats[:1] if polls else seats, measure, 20, 0)
    rest = seats if what == "choose" else seats[:1]
    profiler = cProfile.Profile()
    if polls:
        guest, url = rest[0].guest, rest[0].urls[0]
        etag = guest.get(url, {"HX-Request": "true"}).headers["etag"] if what == "poll" else '"outdated"'
        environ = guest.environ("GET", url, poll_headers(etag))
        profiler.enable()
        for _ in range(n):
            guest.send(dict(environ))
        profiler.disable()
    else:
        profiler.enable()
        measure_choices(rest, measure, n, 0)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
    return out.getvalue()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="timed requests of each kind")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests of each kind first")
    parser.add_argument("--drills", type=int, default=0, help="drills to seat (default: enough to choose)")
    parser.add_argument("--max-poll-ratio", type=float, default=0, help="fail above this 304/healthz ratio")
    parser.add_argument(
        "--profile", choices=("poll", "changed", "choose"), help="print a cProfile of one path"
    )
    parser.add_argument("--database-url", help="a PostgreSQL server to create a fresh database on")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # One person playing every role of a drill of this scenario makes 6 to 24 choices before it ends
    # (the first radio button's path decides), so seat enough drills for the shortest path.
    drills = args.drills or (args.requests + args.warmup) // 6 + 2
    with tempfile.TemporaryDirectory(prefix="laget-cost-") as workdir:
        database_url, drop_database = fresh_database(args.database_url, workdir)
        try:
            return _measure(args, database_url, drills)
        finally:
            drop_database()


def _measure(args: argparse.Namespace, database_url: str, drills: int) -> int:
    """Seat the drills, time (or profile) each kind of request and report; the exit status."""
    app = build(database_url)
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    codes = prepare(app, drills)
    seats = seat_drills(app, codes)
    if args.profile:
        print(profile(seats, args.profile, args.requests))
        return 0
    measure = Measure()
    gc.collect()
    measure_polls(seats, measure, args.requests, args.warmup)
    measure_choices(seats, measure, args.requests, args.warmup)
    lines, ratio = report(measure)
    print(f"{drills} drills of {SCENARIO} on {database}, {args.requests} timed requests of each kind")
    print("\n".join(lines))
    problems = [f"{kind}: no samples" for kind in KINDS if not measure.samples[kind]]
    problems += [f"{what} ×{count}" for what, count in measure.failures.items()]
    if not measure.outcomes["accepted"]:
        problems.append("no choice was accepted")
    if args.max_poll_ratio and (ratio is None or ratio > args.max_poll_ratio):
        problems.append(f"poll 304 / healthz above {args.max_poll_ratio}")
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
