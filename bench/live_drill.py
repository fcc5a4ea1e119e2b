"""Load-test live drills through the real pages and fail loudly when the figures or the data are wrong.

Starts `laget serve` (gunicorn, --workers processes) on a fresh database (a temporary SQLite file, or
a new database on the PostgreSQL server of --database-url), creates exactly --drills drills of a
built-in scenario, and lets --participants simulated people join by code. Once the drills start,
each person loads their screen and polls it every ~2 s with the ETag it shows as If-None-Match, as
laget.js does, also while reading. When a choice form is shown the person reads for --think-min to
--think-max seconds, picks a radio button, presses "Bekreft valget", follows the 303 and reads the
message: accepted ("registrert") or refused in words. With --kill-at S one server worker is
SIGKILLed at S seconds; gunicorn's master starts a new one.

The figures are taken over --seconds of load. Drills on a long path then play on to their ending
(for at most --finish-seconds, not measured): every drill must end, as on a real day.

The default reading time, 2–12 s per scene, is far quicker than a team that reads a scene and
talks it over (minutes), so the load is harsher than a real fagdag; `--think-min 0.5 --think-max 3`
is a stress test where every scene of all 190 drills is answered within seconds of the start.

It prints p50/p95/p99 of choosing and polling, accepted and refused choices, errors, drills
finished, the server's and the load generator's CPU time, and the server's req/s on /healthz, on
an unchanged poll (304) and on a changed one (200). It exits 1 when it measured no choices, when a
drill that could finish did not, when a choice acknowledged as "registrert" is missing from the
event log, when any request failed other than by a refused connection during the kill, or when
a p95 passes --target-ms (0: no latency target).

Run: `python bench/live_drill.py --participants 750 --drills 190 --seconds 120 --kill-at 60`
(add `--database-url postgresql://… --workers 2` for PostgreSQL). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drill_setup import SCENARIO  # noqa: E402  (bench/ is on the path when run as a script)
from drill_setup import create_bench_drills  # noqa: E402
from drill_setup import fresh_database  # noqa: E402

FACILITATOR = "benk@kommune.test"
SECRET_KEY = "bench-secret-key"
ACCEPTED = "Valget ditt er registrert."
OVERLOADED = "prøv igjen"
JOIN_ATTEMPTS = 5  # a person asked to try again does so a few times

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CHOICE_FORM = re.compile(
    r'<form method="post" action="([^"]+/choose)" class="choices"[^>]*>(.*?)</form>', re.S
)
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
_RADIO = re.compile(r'<input type="radio" name="choice" value="([^"]+)"')
_CONFIRM = re.compile(r'<button type="submit"[^>]*>\s*Bekreft valget\s*</button>')
_HX_GET = re.compile(r'id="play-state"[^>]*hx-get="([^"]+)"')
_DATA_ETAG = re.compile(r'id="play-state"[^>]*data-etag="([^"]+)"')
_ROLE_TAB = re.compile(r'<a href="([^"]+/play\?role=[^"]+)"')
_FLASH = re.compile(r'<p class="flash flash--(\w+)">\s*<strong>[^<]*</strong>\s*(.*?)\s*</p>', re.S)
_ENDED = 'id="ending-heading"'


# --- Set-up: database, drills, server ----------------------------------------------------------


def _config(database_url: str) -> dict:
    return {
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LOG_LEVEL": "ERROR",
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    }


def prepare(database_url: str, drills: int) -> list[str]:
    """Create the schema, the library, a facilitator and exactly ``drills`` drills; return their codes."""
    from app import create_app
    from app.extensions import db

    app = create_app(_config(database_url))
    with app.app_context():
        codes = create_bench_drills(drills, "Benk kommune", FACILITATOR)
        db.engine.dispose()
        return codes


def start_all(database_url: str) -> int:
    """Give each joined participant a role, in join order, start every drill; return how many can finish."""
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.facilitate import services as facilitate
    from app.models import Drill
    from app.models import User

    app = create_app(_config(database_url))
    startable = 0
    with app.app_context():
        facilitator = db.session.scalar(select(User).where(User.email == FACILITATOR))
        for drill_id in db.session.scalars(select(Drill.id)).all():
            drill = db.session.get(Drill, drill_id)
            people = sorted(drill.participants, key=lambda p: p.id)
            if not people:
                continue
            roles = drill.scenario.role_ids
            assignment = {role: str(people[i % len(people)].id) for i, role in enumerate(roles)}
            facilitate.assign_roles(drill, assignment, facilitator)
            facilitate.start_drill(drill)
            db.session.commit()
            startable += 1
        db.engine.dispose()
    return startable


def verify(database_url: str, acknowledged: list[tuple[str, str]]) -> dict:
    """Check the event log against what participants were told: lost, doubled, unfinished, inconsistent."""
    from sqlalchemy import func
    from sqlalchemy import select

    from app import create_app
    from app.drills.services import rebuild_state
    from app.extensions import db
    from app.models import Drill
    from app.models import DrillEvent
    from app.models import DrillStatus

    app = create_app(_config(database_url))
    with app.app_context():
        stored = set(
            db.session.execute(
                select(Drill.public_id, DrillEvent.idempotency_key).join(
                    Drill, Drill.id == DrillEvent.drill_id
                )
            ).all()
        )
        doubled = db.session.scalar(
            select(func.count()).select_from(
                select(DrillEvent.drill_id, DrillEvent.idempotency_key)
                .where(DrillEvent.idempotency_key.is_not(None))
                .group_by(DrillEvent.drill_id, DrillEvent.idempotency_key)
                .having(func.count() > 1)
                .subquery()
            )
        )
        drills = db.session.scalars(select(Drill).where(Drill.status != DrillStatus.LOBBY)).all()
        unfinished = [d.public_id for d in drills if d.status != DrillStatus.ENDED]
        inconsistent = [d.public_id for d in drills if rebuild_state(d) != d.state]
        events = db.session.scalar(select(func.count()).select_from(DrillEvent))
        db.engine.dispose()
    return {
        "lost": [ack for ack in acknowledged if tuple(ack) not in stored],
        "doubled": doubled,
        "unfinished": unfinished,
        "inconsistent": inconsistent,
        "events": events,
    }


class Server:
    """`laget serve` in its own process group, with the CPU time of its master and workers."""

    def __init__(self, database_url: str, port: int, workers: int, threads: int, log: str) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "LAGET_SECRET_KEY": SECRET_KEY,
            "LAGET_LOG_LEVEL": "WARNING",
            # Everyone joins from 127.0.0.1, as a venue behind one address does; a day of more than the
            # default 1,000 people there raises this limit the same way (README, login throttling).
            "LAGET_JOINS_PER_IP": "100000",
        }
        command = [str(Path(sys.executable).parent / "laget"), "serve", "--port", str(port)]
        command += ["--workers", str(workers), "--threads", str(threads)]
        self.log = open(log, "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.workers = workers

    def worker_pids(self) -> list[int]:
        """The live worker processes (children of gunicorn's master)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """User + system time of the master, its live workers and the workers it has reaped."""
        total = _proc_cpu(self.process.pid, children=True)
        return total + sum(_proc_cpu(pid) for pid in self.worker_pids())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def _proc_cpu(pid: int, children: bool = False) -> float:
    """CPU seconds of one process from /proc (with its reaped children's when asked)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


# --- The participants --------------------------------------------------------------------------


@dataclass
class Stats:
    poll: list[float] = field(default_factory=list)
    poll_status: Counter = field(default_factory=Counter)
    choose: list[float] = field(default_factory=list)
    screen_after_choice: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    refused_during_kill: int = 0
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    finished: set = field(default_factory=set)
    forms_missing: int = 0
    change_seen: list[float] = field(default_factory=list)

    def window(self) -> Stats:
        """The latencies measured so far: what the load window's figures are taken from."""
        return Stats(
            poll=list(self.poll),
            poll_status=Counter(self.poll_status),
            choose=list(self.choose),
            screen_after_choice=list(self.screen_after_choice),
            change_seen=list(self.change_seen),
        )


@dataclass
class Run:
    """What every participant shares: the client, the figures and the kill window."""

    http: aiohttp.ClientSession
    base: str
    stats: Stats
    poll_interval: float
    think: tuple[float, float]
    stop: asyncio.Event
    kill_window: list[float] = field(default_factory=list)  # [start, end] in perf_counter seconds
    # Per drill: accepted choices not yet seen by every other member, as (accepted at, who has yet to see).
    changes: dict[str, list[tuple[float, set[str]]]] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)

    def changed(self, drill: str, chooser: str) -> None:
        """Note a choice accepted now, to time until every other member's screen shows it."""
        others = self.members.get(drill, set()) - {chooser}
        self.changes.setdefault(drill, []).append((time.perf_counter(), others))

    def seen(self, drill: str, member: str, since: float) -> None:
        """Record how long each change made before ``since`` (the poll's start) took to reach ``member``."""
        now = time.perf_counter()
        for accepted, waiting in self.changes.get(drill, []):
            if member in waiting and accepted <= since:
                waiting.discard(member)
                self.stats.change_seen.append(now - accepted)
        self.changes[drill] = [change for change in self.changes.get(drill, []) if change[1]]

    def during_kill(self) -> bool:
        if not self.kill_window:
            return False
        end = self.kill_window[1] if len(self.kill_window) > 1 else float("inf")
        return self.kill_window[0] <= time.perf_counter() <= end + 3


class Participant:
    """One simulated person with their own session cookie, polling and choosing like the htmx page."""

    def __init__(self, run: Run, code: str, name: str) -> None:
        self.run = run
        self.code = code
        self.name = name
        self.cookies: dict[str, str] = {}
        self.play_url = ""
        self.drill = ""
        self.rng = random.Random(name)

    async def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, Mapping[str, str], str]:
        """One request over a pooled keep-alive connection, with this person's cookie, no redirects."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        url = path if path.startswith("http") else self.run.base + path
        async with self.run.http.request(
            method, url, data=data, headers=headers, allow_redirects=False
        ) as response:
            body = await response.text()
            for name, morsel in SimpleCookie("\n".join(response.headers.getall("Set-Cookie", []))).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
            return response.status, response.headers, body

    async def join(self) -> None:
        """Join by code as a person would: a busy server's 503 "prøv igjen" is tried again later."""
        for _attempt in range(JOIN_ATTEMPTS):
            _status, _, page = await self.request("GET", f"/drills/join/{self.code}")
            token = _CSRF.search(page).group(1)
            status, headers, body = await self.request(
                "POST", "/drills/join", {"code": self.code, "display_name": self.name, "csrf_token": token}
            )
            if status == 503 and OVERLOADED in body:
                self.run.stats.outcomes["503 prøv igjen (join)"] += 1
                await asyncio.sleep(float(headers.get("Retry-After", "1")))
                continue
            break
        if status != 303:
            raise RuntimeError(f"join failed: {status}")
        self.play_url = headers["Location"]
        self.drill = self.play_url.split("/")[2]
        self.run.members.setdefault(self.drill, set()).add(self.name)

    async def play(self) -> None:
        """Load the screen, then poll each of one's roles in turn and choose where a form appears."""
        stats = self.run.stats
        state_urls: list[str] = []
        for _attempt in range(5):
            try:
                status, _, page = await self._get(self.play_url)
            except _Refused:
                status, page = 0, ""
            # One screen per role: the page may link a role's tab more than once.
            tabs = list(
                dict.fromkeys(
                    html.unescape(u).replace("/play?", "/play/state?") for u in _ROLE_TAB.findall(page)
                )
            )
            hx = _HX_GET.search(page)
            state_urls = tabs or ([html.unescape(hx.group(1))] if hx else [])
            if state_urls:
                break
            await self._pause(1.0)
        if not state_urls:
            stats.errors[f"no live screen (status {status})"] += 1
            return
        # Each role's screen polls its own URL, carrying the ETag of what it shows, as laget.js sends it.
        etags = [""] * len(state_urls)
        turn = 0
        # Per role screen, a form being read: (the moment the person has decided, the form's action,
        # fields and radio values). Screens keep polling meanwhile, as htmx does; the newest form is sent.
        reading: dict[int, tuple[float, str, dict, list[str]]] = {}
        while not self.run.stop.is_set():
            due = next((i for i, form in reading.items() if time.perf_counter() >= form[0]), None)
            if due is not None:
                _decided, action, fields, choices = reading.pop(due)
                fields["choice"] = self.rng.choice(choices)
                page = await self.choose(action, fields)
                if _ENDED in page:
                    stats.finished.add(self.name)
                    return
                if page:
                    # The page after the 303 shows the role that chose; the browser polls it from there.
                    state_urls[due], etags[due] = self._poll_target(page, state_urls[due], etags[due])
                continue
            index = turn % len(state_urls)
            turn += 1
            url = state_urls[index]
            headers = {"HX-Request": "true"}
            if etags[index]:
                headers["If-None-Match"] = etags[index]
            started = time.perf_counter()
            try:
                status, response_headers, body = await self.request("GET", url, headers=headers)
            except (TimeoutError, aiohttp.ClientError) as error:
                self._connection_failed("poll", error)
                await self._pause(self.run.poll_interval)
                continue
            stats.poll.append(time.perf_counter() - started)
            stats.poll_status[status] += 1
            if status not in (200, 304):
                stats.errors[f"poll {status}"] += 1
            if status == 200:
                etag = response_headers.get("ETag", "")
                state_urls[index], etags[index] = self._poll_target(body, url, etag)
                self.run.seen(self.drill, self.name, started)
                if _ENDED in body:
                    stats.finished.add(self.name)
                    return
                form = self.read_form(body)
                if form is None:
                    reading.pop(index, None)
                else:
                    earlier = reading.get(index)
                    same_scene = earlier is not None and earlier[2].get("scene") == form[1].get("scene")
                    decided = earlier[0] if same_scene else time.perf_counter() + self._think()
                    reading[index] = (decided, *form)
            wait = self.run.poll_interval
            if reading:
                soonest = min(form[0] for form in reading.values())
                wait = min(wait, max(0.0, soonest - time.perf_counter()))
            await self._pause(wait)

    @staticmethod
    def _poll_target(page: str, url: str, etag: str) -> tuple[str, str]:
        """The URL and ETag the swapped-in screen polls next (htmx swaps outerHTML: the round may change)."""
        hx, tag = _HX_GET.search(page), _DATA_ETAG.search(page)
        return (html.unescape(hx.group(1)) if hx else url), (html.unescape(tag.group(1)) if tag else etag)

    def read_form(self, fragment: str) -> tuple[str, dict, list[str]] | None:
        """The choice form on the screen (action, hidden fields, radio values), or None when there is none."""
        match = _CHOICE_FORM.search(fragment)
        if match is None:
            if 'class="choices"' in fragment:
                self.run.stats.forms_missing += 1
            return None
        action, form = match.groups()
        fields = dict(_HIDDEN.findall(form))
        choices = _RADIO.findall(form)
        if not choices or "csrf_token" not in fields or not _CONFIRM.search(form):
            self.run.stats.forms_missing += 1
            return None
        return html.unescape(action), fields, choices

    def _think(self) -> float:
        """How long this person reads a new scene before confirming a choice."""
        return self.rng.uniform(*self.run.think)

    async def choose(self, action: str, fields: dict) -> str:
        """Send the form (again, with the same key, after a refused connection or a 503) until answered.

        Returns the page the 303 led to ("" when there was none).
        """
        stats = self.run.stats
        for _attempt in range(20):
            started = time.perf_counter()
            try:
                status, headers, body = await self.request("POST", action, fields)
            except (TimeoutError, aiohttp.ClientError) as error:
                self._connection_failed("choose", error)
                await self._pause(1.0)
                continue
            stats.choose.append(time.perf_counter() - started)
            if status == 503 and OVERLOADED in body:
                stats.outcomes["503 prøv igjen"] += 1
                await self._pause(float(headers.get("Retry-After", "1")))
                continue
            if status != 303:
                stats.errors[f"choose {status}"] += 1
                return ""
            try:
                _status, _, page = await self._get(headers["Location"])
            except _Refused:
                stats.outcomes["answer lost with the connection"] += 1
                return ""
            stats.screen_after_choice.append(time.perf_counter() - started)
            # The screen after the choice shows what others chose before it, as a poll would.
            self.run.seen(self.drill, self.name, started)
            flashes = _FLASH.findall(page)
            if ("success", ACCEPTED) in flashes:
                stats.outcomes["accepted"] += 1
                stats.acknowledged.append((self.drill, fields["key"]))
                self.run.changed(self.drill, self.name)
            elif any(kind == "error" for kind, _text in flashes):
                text = next(text for kind, text in flashes if kind == "error")
                stats.outcomes[f"refused: {html.unescape(text)}"] += 1
            else:
                stats.errors["choose: no message after the 303"] += 1
            return page
        stats.errors["choose: gave up after 20 tries"] += 1
        return ""

    async def _get(self, url: str) -> tuple[int, Mapping[str, str], str]:
        try:
            return await self.request("GET", url)
        except (TimeoutError, aiohttp.ClientError) as error:
            self._connection_failed("page", error)
            raise _Refused from error

    def _connection_failed(self, what: str, error: Exception) -> None:
        if self.run.during_kill():
            self.run.stats.refused_during_kill += 1
        else:
            self.run.stats.errors[f"{what}: {type(error).__name__}"] += 1

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.run.stop.wait(), seconds * self.rng.uniform(0.75, 1.25))
        except TimeoutError:
            pass


class _Refused(Exception):
    """A page could not be fetched because the connection failed."""


async def kill_one_worker(server: Server, run: Run, at: float, started: float) -> str:
    """SIGKILL one worker at ``at`` seconds into the run and wait until the master has replaced it."""
    await asyncio.sleep(max(0.0, started + at - time.perf_counter()))
    before = server.worker_pids()
    if not before:
        return "no worker to kill"
    victim = before[0]
    run.kill_window[:] = [time.perf_counter()]
    os.kill(victim, signal.SIGKILL)
    while len([p for p in server.worker_pids() if p != victim]) < len(before):
        await asyncio.sleep(0.05)
    run.kill_window.append(time.perf_counter())
    back = run.kill_window[1] - run.kill_window[0]
    return f"killed worker {victim} at {at:.0f} s; a new one was up {back:.1f} s later"


async def throughput(
    run: Run, person: Participant, url: str, headers: dict, want: int, seconds: float
) -> float:
    """Responses per second with status ``want`` that 16 keep-alive connections get from ``url``."""
    count = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal count
        while time.perf_counter() < deadline:
            status, _, _ = await person.request("GET", url, headers=headers)
            count += status == want

    await asyncio.gather(*(worker() for _ in range(16)))
    return count / seconds


# --- The run -----------------------------------------------------------------------------------


async def drive(args: argparse.Namespace, codes: list[str], database_url: str, server: Server) -> dict:
    base = f"http://127.0.0.1:{args.port}"
    stats = Stats()
    connector = aiohttp.TCPConnector(limit=args.connections, keepalive_timeout=25)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:
        run = Run(http, base, stats, args.poll, (args.think_min, args.think_max), asyncio.Event())
        people = [
            Participant(run, codes[i % len(codes)], f"Deltaker {i + 1}") for i in range(args.participants)
        ]
        joining = asyncio.Semaphore(32)

        async def join(person: Participant) -> None:
            async with joining:
                await person.join()

        join_started = time.perf_counter()
        await asyncio.gather(*(join(p) for p in people))
        join_time = time.perf_counter() - join_started
        startable = await asyncio.to_thread(start_all, database_url)

        cpu_server = server.cpu_seconds()
        cpu_self = _own_cpu()
        started = time.perf_counter()
        tasks = [asyncio.create_task(p.play()) for p in people]
        killer = (
            asyncio.create_task(kill_one_worker(server, run, args.kill_at, started)) if args.kill_at else None
        )
        done_all = asyncio.gather(*tasks)
        try:
            await asyncio.wait_for(asyncio.shield(done_all), args.seconds)
        except TimeoutError:
            pass
        measured = stats.window()
        elapsed = time.perf_counter() - started
        cpu_server = server.cpu_seconds() - cpu_server
        cpu_self = _own_cpu() - cpu_self
        # Drills on long paths play on to their ending (a real day has no window), not measured.
        try:
            await asyncio.wait_for(asyncio.shield(done_all), args.finish_seconds)
        except TimeoutError:
            pass
        run.stop.set()
        await done_all
        played_on = time.perf_counter() - started - elapsed
        kill_report = ""
        if killer is not None:
            if killer.done():
                kill_report = killer.result()
            else:
                killer.cancel()
                kill_report = "the run ended before the kill"

        person = people[0]
        state_url = person.play_url.replace("/play", "/play/state")
        _status, headers, _ = await person.request("GET", state_url, headers={"HX-Request": "true"})
        unchanged = {"HX-Request": "true", "If-None-Match": headers.get("ETag", "")}
        # Interleaved in short rounds, so a neighbour's burst of load on the machine hits all three alike.
        rounds = 5
        seconds = args.throughput_seconds / rounds
        rates = dict.fromkeys(("healthz", "poll 304", "poll 200"), 0.0)
        for _round in range(rounds):
            rates["healthz"] += await throughput(run, person, "/healthz", {}, 200, seconds) / rounds
            rates["poll 304"] += await throughput(run, person, state_url, unchanged, 304, seconds) / rounds
            changed = {"HX-Request": "true"}
            rates["poll 200"] += await throughput(run, person, state_url, changed, 200, seconds) / rounds
    return {
        "stats": stats,
        "join_time": join_time,
        "startable": startable,
        "elapsed": elapsed,
        "played_on": played_on,
        "measured": measured,
        "cpu_server": cpu_server,
        "cpu_self": cpu_self,
        "kill": kill_report,
        "rates": rates,
    }


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentiles(values: list[float]) -> tuple[str, float]:
    """The figures line and the p95 in milliseconds (0 without samples)."""
    if not values:
        return "no samples", 0.0
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    p50, p95, p99 = (q[i] * 1000 for i in (49, 94, 98))
    return f"n={len(values):6d}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms", p95


def report(args: argparse.Namespace, result: dict, checked: dict, database: str, load: tuple) -> list[str]:
    """Print the figures; return the reasons the run failed (empty when it passed)."""
    stats: Stats = result["stats"]
    failures: list[str] = []
    print(
        f"Laget live drill benchmark: {args.participants} participants in {args.drills} drills "
        f"of {SCENARIO}, "
        f"{database}, {args.workers} worker processes x {args.threads} threads, {os.cpu_count()} cores, "
        f"{args.connections} keep-alive connections"
    )
    print(f"  load average before {load[0]}, after {load[1]}")
    print(f"  joined all by code in {result['join_time']:.1f} s; measured {result['elapsed']:.0f} s")
    if result["played_on"] >= 0.5:
        print(f"  drills still running then played on to their ending for {result['played_on']:.0f} s more")
    window: Stats = result["measured"]
    if result["kill"]:
        print(f"  {result['kill']}; refused connections during the kill: {stats.refused_during_kill}")
    choose_line, choose_p95 = percentiles(window.choose)
    poll_line, poll_p95 = percentiles(window.poll)
    print(f"  choose (POST)           {choose_line}")
    print(f"  choose + screen (303)   {percentiles(window.screen_after_choice)[0]}")
    print(f"  live update (poll)      {poll_line}  {dict(window.poll_status)}")
    seen_line, seen_p95 = percentiles(window.change_seen)
    print(f"  choice shown on the other screens {seen_line}")
    for outcome, count in sorted(stats.outcomes.items()):
        print(f"  choices {outcome}: {count}")
    print(f"  errors: {sum(stats.errors.values())} {dict(stats.errors) if stats.errors else ''}")
    print(
        f"  drills started {result['startable']}, ended {result['startable'] - len(checked['unfinished'])}; "
        f"participants who saw their drill end: {len(stats.finished)}"
    )
    print(
        f"  acknowledged choices {len(stats.acknowledged)}, "
        f"missing from the event log {len(checked['lost'])}; "
        f"events stored twice {checked['doubled']}; drills whose state differs from a replay "
        f"{len(checked['inconsistent'])}; events {checked['events']}"
    )
    print(
        f"  CPU during the measured load: server {result['cpu_server']:.1f} s, "
        f"load generator {result['cpu_self']:.1f} s "
        f"(of {result['elapsed'] * (os.cpu_count() or 1):.0f} core-seconds)"
    )
    rates = result["rates"]
    ratio = rates["poll 304"] / rates["healthz"] if rates["healthz"] else 0.0
    print(
        f"  throughput /healthz {rates['healthz']:6.0f} req/s; "
        f"unchanged poll (304) {rates['poll 304']:6.0f} req/s "
        f"(ratio {ratio:.2f}); changed poll (200) {rates['poll 200']:6.0f} req/s"
    )
    if not stats.choose or not stats.outcomes.get("accepted"):
        failures.append("no choices were measured (is the choice form still found?)")
    if stats.forms_missing:
        failures.append(f"{stats.forms_missing} screens asked for a choice without a usable choice form")
    if checked["unfinished"]:
        failures.append(f"{len(checked['unfinished'])} drills that could finish did not")
    if checked["lost"]:
        failures.append(f"{len(checked['lost'])} acknowledged choices are missing from the event log")
    if checked["doubled"] or checked["inconsistent"]:
        failures.append("the event log holds a doubled event or disagrees with the drill state")
    if stats.errors:
        failures.append(f"{sum(stats.errors.values())} requests failed")
    if args.kill_at and not result["kill"].startswith("killed"):
        failures.append(f"no worker was killed: {result['kill']}")
    if args.target_ms:
        if choose_p95 > args.target_ms or poll_p95 > args.target_ms:
            failures.append(
                f"p95 above {args.target_ms:.0f} ms (choose {choose_p95:.0f}, poll {poll_p95:.0f})"
            )
        if seen_p95 > 3000:
            failures.append(f"a choice took {seen_p95:.0f} ms (p95) to show on the other screens")
        if ratio < 0.5:
            failures.append(f"an unchanged poll costs more than twice /healthz (ratio {ratio:.2f})")
    for failure in failures:
        print(f"FAILED: {failure}")
    if not failures:
        print("OK")
    return failures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--drills", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=90, help="how long the load is measured")
    parser.add_argument(
        "--finish-seconds", type=float, default=90, help="then how long drills may play on to their ending"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per server process")
    parser.add_argument("--database-url", help="a PostgreSQL server to create a fresh database on")
    parser.add_argument("--kill-at", type=float, default=0, help="SIGKILL one server worker at S seconds")
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between polls, as the page")
    parser.add_argument("--think-min", type=float, default=2.0, help="shortest time to read before choosing")
    parser.add_argument("--think-max", type=float, default=12.0, help="longest time to read before choosing")
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections, as a proxy")
    parser.add_argument("--target-ms", type=float, default=100, help="p95 target; 0 checks no latency")
    parser.add_argument("--throughput-seconds", type=float, default=5)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--curve",
        type=lambda text: [int(n) for n in text.split(",")],
        help="run at each of these sizes (e.g. 200,400,750,1000), drills in proportion, and print a table",
    )
    return parser.parse_args(argv)


def run_once(args: argparse.Namespace) -> list[str]:
    """Set up, run, verify and report one bench run; return the reasons it failed."""
    given, port = args, args.port or _free_port()
    args = argparse.Namespace(**{**vars(args), "port": port})
    workdir = tempfile.mkdtemp(prefix="laget-bench-")
    load_before = _load()
    database_url, drop_database = fresh_database(args.database_url, workdir)
    database = "PostgreSQL" if args.database_url else "SQLite"
    server = None
    try:
        codes = prepare(database_url, args.drills)
        server = Server(database_url, port, args.workers, args.threads, os.path.join(workdir, "server.log"))
        _wait_for(port, server)
        result = asyncio.run(drive(args, codes, database_url, server))
        server.stop()
        checked = verify(database_url, result["stats"].acknowledged)
    finally:
        if server is not None:
            server.stop()
        drop_database()
    failures = report(args, result, checked, database, (load_before, _load()))
    if failures:
        print(f"  server log: {os.path.join(workdir, 'server.log')}")
    window: Stats = result["measured"]
    rates = result["rates"]
    given.summary = {
        "choose": percentiles(window.choose)[1],
        "poll": percentiles(window.poll)[1],
        "shown": percentiles(window.change_seen)[1],
        "ratio": rates["poll 304"] / rates["healthz"] if rates["healthz"] else 0.0,
        "errors": sum(result["stats"].errors.values()),
        "lost": len(checked["lost"]),
        "ended": f"{result['startable'] - len(checked['unfinished'])}/{result['startable']}",
    }
    return failures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.curve:
        return 1 if run_once(args) else 0
    # The curve: the same fagdag at several sizes, drills in the 750:190 proportion of the Valdres day.
    rows = []
    for people in args.curve:
        point = argparse.Namespace(
            **{**vars(args), "participants": people, "drills": max(1, round(people * 190 / 750))}
        )
        failures = run_once(point)
        rows.append((point, failures))
        print()
    print(
        "participants | drills | choose p95 | poll p95 | shown p95 | 304/healthz | "
        "errors | lost | ended | result"
    )
    for point, failures in rows:
        figures = point.summary
        print(
            f"{point.participants:12d} | {point.drills:6d} | {figures['choose']:7.0f} ms | "
            f"{figures['poll']:5.0f} ms | {figures['shown']:6.0f} ms | {figures['ratio']:11.2f} | "
            f"{figures['errors']:6d} | {figures['lost']:4d} | {figures['ended']:>5} | "
            f"{'OK' if not failures else 'FAILED: ' + '; '.join(failures)}"
        )
    return 1 if any(failures for _point, failures in rows) else 0


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, server: Server, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("the server stopped; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                if len(server.worker_pids()) == server.workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


if __name__ == "__main__":
    sys.exit(main())
