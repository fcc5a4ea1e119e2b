"""xAPI: a drill's choices and checkpoint answers reach a real LRS (Ralph, from PyPI), once each.

Ralph runs as its own process on a free local port with its file-system backend, installed by
scripts/test into build/ralph; tests/lrs/run_ralph.py starts it (and says why it sets the backend to
append). The tests read the statements back from it over its xAPI API.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import page_choices
from tests.conftest import participant_id

REPO = Path(__file__).resolve().parents[2]
RALPH_BIN = REPO / "build" / "ralph" / "bin"
LAUNCHER = REPO / "tests" / "lrs" / "run_ralph.py"
BASE = "https://kommune.test/laget/"
USER, PASSWORD = "laget", "lrs-passord-for-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """A Ralph LRS process with HTTP basic authentication and statements kept in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "statements"),
        }
        assert (RALPH_BIN / "ralph").exists(), "Ralph is missing: scripts/test installs it in build/ralph"
        subprocess.run(
            [RALPH_BIN / "ralph", "auth", "-u", USER, "-p", PASSWORD, "-s", "all"]
            + ["-M", "mailto:lrs@example.org", "-w"],
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        with (self.folder / "ralph.log").open("ab") as log:
            self.process = subprocess.Popen(
                [RALPH_BIN / "python", LAUNCHER, str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2):
                    return
            except OSError:
                assert self.process.poll() is None, (self.folder / "ralph.log").read_text()
                time.sleep(0.2)
        raise AssertionError("Ralph did not start within 60 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def statements(self, registration: str | None = None) -> list[dict[str, Any]]:
        """Every statement (of one registration), following the LRS's "more" links."""
        credentials = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        url = f"{self.url}statements?limit=100" + (f"&registration={registration}" if registration else "")
        found: list[dict[str, Any]] = []
        while url:
            request = urllib.request.Request(
                url, headers={"Authorization": f"Basic {credentials}", "X-Experience-API-Version": "1.0.3"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                page = json.load(response)
            found += page["statements"]
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found


@pytest.fixture
def ralph(tmp_path: Path):
    lrs = Ralph(tmp_path / "ralph")
    yield lrs
    lrs.stop()


@pytest.fixture
def app_config(ralph: Ralph) -> dict[str, Any]:
    return {
        "XAPI_ENDPOINT": ralph.url,
        "XAPI_USERNAME": USER,
        "XAPI_PASSWORD": PASSWORD,
        "XAPI_BASE_IRI": BASE,
    }


def play(app, client, auth, make_drill, join_as, facilitator=None):
    """Kari (a guest) answers the checkpoint and shares; the facilitator, playing the nurse, chooses."""
    facilitator = auth.login(user=facilitator) if facilitator else auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    teacher = join_as(drill, "Kari")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "self"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    _choices, hidden = page_choices(html)
    answer = {"csrf_token": csrf_token(teacher, "/drills/join"), "role": "kontaktlaerer", "scene": "uke1"}
    answer |= {"checkpoint": "cp-niva", "option": "n0", "key": hidden["key"]}
    assert teacher.post(f"/drills/{drill.public_id}/answer", data=answer).status_code == 303
    assert choose(teacher, drill, "kontaktlaerer", "del").status_code == 303
    assert choose(client, drill, "helsesykepleier", "samtale").status_code == 303
    return drill, facilitator


def outbox(app) -> list[Any]:
    from app.extensions import db
    from app.models.xapi import XapiStatement

    with app.app_context():
        rows = list(db.session.scalars(select(XapiStatement).order_by(XapiStatement.id)))
        db.session.expunge_all()
    return rows


def deliver(app, later: timedelta = timedelta(0)):
    from app.models import utcnow
    from app.xapi.outbox import deliver as deliver_now

    with app.app_context():
        return deliver_now(utcnow() + later)


def test_choices_and_answers_reach_the_lrs_as_the_profile_says(app, client, auth, make_drill, join_as, ralph):
    from app.xapi.statements import registration

    ralph.start()
    drill, facilitator = play(app, client, auth, make_drill, join_as)
    rows = outbox(app)
    assert len(rows) == 3 and all(row.sent_at is None for row in rows)

    delivery = deliver(app)
    assert (delivery.sent, delivery.failed) == (3, 0)
    assert all(row.sent_at is not None for row in outbox(app))
    assert deliver(app).sent == 0

    by_id = {statement["id"]: statement for statement in ralph.statements(registration(drill))}
    assert sorted(by_id) == sorted(row.statement_id for row in rows)
    answered, shared, offered = (by_id[row.statement_id] for row in rows)
    kari = {
        "homePage": BASE,
        "name": f"drill/{drill.public_id}/participant/{participant_id(app, drill, 'Kari')}",
    }
    scene = f"{BASE}scenarios/minimal/scenes/uke1"

    assert answered["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert answered["actor"]["account"] == kari
    assert answered["object"]["id"] == f"{scene}/checkpoints/cp-niva"
    assert answered["object"]["definition"]["name"] == {"nb": "Hvilket BTI-nivå er vi på?"}
    assert answered["object"]["definition"]["correctResponsesPattern"] == ["n0"]
    assert answered["result"] == {"response": "n0", "success": True}

    assert shared["verb"]["id"] == "http://id.tincanapi.com/verb/selected"
    assert shared["actor"]["account"] == kari
    assert shared["object"]["id"] == f"{scene}/roles/kontaktlaerer/choices/del"
    assert shared["object"]["definition"]["name"] == {"nb": "Del fraværet med helsesykepleier"}
    assert shared["result"]["response"] == "del"
    assert shared["result"]["extensions"] == {f"{BASE}xapi/extensions/ratings": {"information": 2}}

    # The facilitator played the nurse: the account, never the e-mail address or the name.
    assert offered["actor"]["account"] == {"homePage": BASE, "name": f"user/{facilitator.id}"}
    assert facilitator.email not in json.dumps([answered, shared, offered])
    assert "Kari" not in json.dumps([answered["actor"], shared["actor"]])
    assert offered["object"]["id"] == f"{scene}/roles/helsesykepleier/choices/samtale"

    with app.app_context():
        from app.extensions import db
        from app.models import ScenarioVersion

        sha256 = db.session.get(ScenarioVersion, drill.scenario_version_id).sha256
    for statement in (answered, shared, offered):
        context = statement["context"]
        assert context["registration"] == registration(drill)
        assert context["instructor"]["account"] == {"homePage": BASE, "name": f"user/{facilitator.id}"}
        assert context["team"]["name"] == "Lag Nord"
        assert context["contextActivities"]["parent"][0]["id"] == scene
        assert context["contextActivities"]["grouping"][0]["id"] == f"{BASE}scenarios/minimal"
        assert context["extensions"][f"{BASE}xapi/extensions/scenario-version"] == sha256


def test_a_drill_played_while_the_lrs_is_down_is_delivered_once_it_is_back(
    app, client, auth, make_drill, join_as, ralph
):
    from app.extensions import db
    from app.models.xapi import XapiStatement
    from app.xapi.statements import registration

    # The LRS is not running: the drill goes on as usual.
    drill, _facilitator = play(app, client, auth, make_drill, join_as)
    assert len(outbox(app)) == 3

    # Another process (as after a restart) finds the statements in the database and cannot send them.
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LAGET_SECRET_KEY": "test",
        "LAGET_XAPI_ENDPOINT": ralph.url,
        "LAGET_XAPI_USERNAME": USER,
        "LAGET_XAPI_PASSWORD": PASSWORD,
        "LAGET_XAPI_BASE_IRI": BASE,
    }
    laget = [str(Path(sys.executable).parent / "laget")]
    down = subprocess.run([*laget, "xapi", "send"], env=env, capture_output=True, text=True, timeout=120)
    assert down.returncode == 1, down.stderr
    assert "Sendt: 0, fantes fra før: 0, ikke levert: 3" in down.stdout
    rows = outbox(app)
    assert all(row.sent_at is None and row.attempts == 1 and "unreachable" in row.last_error for row in rows)
    assert all(row.next_attempt_at - row.created_at >= timedelta(seconds=29) for row in rows)

    ralph.start()
    # Not yet due: the next try waits for the backoff.
    assert deliver(app).sent == 0
    delivery = deliver(app, later=timedelta(seconds=31))
    assert (delivery.sent, delivery.failed) == (3, 0)
    stored = ralph.statements(registration(drill))
    assert sorted(s["id"] for s in stored) == sorted(row.statement_id for row in rows)

    # The LRS stored one, but its answer was lost (the process died): it is sent again, stored once.
    with app.app_context():
        row = db.session.get(XapiStatement, rows[1].id)
        row.sent_at = None
        db.session.commit()
    again = deliver(app, later=timedelta(seconds=31))
    assert (again.sent, again.already_stored, again.failed) == (0, 1, 0)
    assert all(row.sent_at is not None for row in outbox(app))
    stored = ralph.statements(registration(drill))
    assert len(stored) == 3 and len({s["id"] for s in stored}) == 3


def test_the_background_sender_of_laget_serve_delivers_without_being_asked(
    app, client, auth, make_drill, join_as, ralph
):
    from app.xapi.outbox import start_sender
    from app.xapi.statements import registration

    ralph.start()
    sender = start_sender(app, interval=0.2)
    try:
        drill, _facilitator = play(app, client, auth, make_drill, join_as)
        deadline = time.monotonic() + 30
        while any(row.sent_at is None for row in outbox(app)) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        sender.stop()
    assert not sender.is_alive()
    assert len(ralph.statements(registration(drill))) == 3


MINI_COURSE = REPO / "tests" / "courses" / "fixtures" / "mini-kurs"
MINIMAL_SCENARIO = REPO / "tests" / "scenarios" / "fixtures" / "minimal.md"
HIDDEN = re.compile(r'<input type="hidden" name="(scene|key|checkpoint)" value="([^"]+)">')


def test_lessons_the_final_quiz_and_solo_steps_reach_the_lrs(app, client, auth, ralph, tmp_path):
    import shutil

    from app.extensions import db
    from app.library import sync_library
    from app.models.learning import QuizAttempt
    from app.models.solo import SoloRun

    courses = tmp_path / "courses"
    shutil.copytree(MINI_COURSE, courses / "mini-kurs")
    app.config["COURSE_LIBRARY"] = str(courses)
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copyfile(MINIMAL_SCENARIO, scenarios / "minimal.md")
    with app.app_context():
        sync_library(scenarios)
        db.session.commit()
    ralph.start()
    learner = auth.login()
    me = {"homePage": BASE, "name": f"user/{learner.id}"}

    lessons = ("start", "midt", "ov", "slutt")
    # A lesson is completed only once its questions are answered.
    lesson_answers = {"start": {"q-start": ["b"]}, "midt": {"q-flere": ["a", "b"]}}
    for lesson in lessons:
        token = csrf_token(client, f"/courses/mini-kurs/{lesson}")
        for question, chosen in lesson_answers.get(lesson, {}).items():
            data = {"csrf_token": token, "option": chosen}
            client.post(f"/courses/mini-kurs/{lesson}/questions/{question}", data=data)
        assert client.post(f"/courses/mini-kurs/{lesson}/done", data={"csrf_token": token}).status_code == 303
    html = client.get("/courses/mini-kurs/quiz").get_data(as_text=True)
    attempt = re.search(r'name="attempt"[^>]*value="([^"]+)"', html).group(1)
    answers = {f"q-p{n}": "a" for n in range(1, 11)}
    data = {"csrf_token": csrf_token(client, "/courses/"), "attempt": attempt, **answers}
    assert client.post("/courses/mini-kurs/quiz", data=data).status_code == 303

    start = {"csrf_token": csrf_token(client, "/solo/"), "scenario": "minimal", "role": "kontaktlaerer"}
    response = client.post("/solo/start", data=start | {"profile": "expert"})
    assert response.status_code == 303
    url = response.headers["Location"]
    for _ in range(2):
        page = client.get(url).get_data(as_text=True)
        hidden = dict(
            re.findall(r'<input type="hidden" name="(scene|key|checkpoint)" value="([^"]+)">', page)
        )
        step = {"csrf_token": csrf_token(client, url), "scene": hidden["scene"], "key": hidden["key"]}
        if "checkpoint" in hidden:
            step |= {"checkpoint": hidden["checkpoint"], "option": "n0"}
            assert client.post(f"{url}/answer", data=step).status_code == 303
        else:
            assert client.post(f"{url}/choose", data=step | {"choice": "del"}).status_code == 303

    assert deliver(app).failed == 0
    stored = ralph.statements()
    assert all(statement["actor"]["account"] == me for statement in stored)
    completed = [s for s in stored if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"]
    assert sorted(s["object"]["id"] for s in completed) == sorted(
        f"{BASE}courses/mini-kurs/lessons/{lesson}" for lesson in lessons
    )
    assert all(
        s["context"]["contextActivities"]["grouping"][0]["id"] == f"{BASE}courses/mini-kurs"
        for s in completed
    )

    (quiz,) = [s for s in stored if s["object"]["id"] == f"{BASE}courses/mini-kurs/quiz"]
    assert quiz["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    with app.app_context():
        sent = db.session.scalar(select(QuizAttempt).where(QuizAttempt.public_id == attempt))
        score, passed = sent.score_percent, sent.passed
    assert passed and 80 <= score < 100  # every "a": one checkbox question gets partial credit
    assert quiz["result"] == {
        "score": {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100},
        "success": True,
        "completion": True,
    }
    assert quiz["context"]["extensions"][f"{BASE}xapi/extensions/pass-mark"] == 80

    with app.app_context():
        run = db.session.scalar(select(SoloRun).where(SoloRun.public_id == url.rsplit("/", 1)[-1]))
        solo_registration = registration_of_run(run)
    solo = [s for s in stored if s["context"].get("registration") == solo_registration]
    # Only the person's own steps: the roles the profile plays send nothing.
    assert sorted(s["verb"]["id"] for s in solo) == [
        "http://adlnet.gov/expapi/verbs/answered",
        "http://id.tincanapi.com/verb/selected",
    ]
    assert {s["object"]["id"] for s in solo} == {
        f"{BASE}scenarios/minimal/scenes/uke1/checkpoints/cp-niva",
        f"{BASE}scenarios/minimal/scenes/uke1/roles/kontaktlaerer/choices/del",
    }
    assert all(s["context"]["extensions"][f"{BASE}xapi/extensions/team-profile"] == "expert" for s in solo)
    assert len(stored) == len(lessons) + 1 + 2


def registration_of_run(run) -> str:
    import uuid

    from app.xapi.statements import NAMESPACE

    return str(uuid.uuid5(NAMESPACE, f"solo/{run.public_id}"))


def test_the_same_statement_queued_twice_is_kept_once(app):
    from app.extensions import db
    from app.xapi.outbox import enqueue

    statement = {
        "id": "6f1c1c8e-8f7e-5a52-9a49-0d7b1f0e9f11",
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    }
    with app.app_context():
        enqueue(statement)
        db.session.commit()
        enqueue(statement)
        db.session.commit()
    assert [row.statement_id for row in outbox(app)] == [statement["id"]]


# --- The organisation's choice: people by e-mail address (mbox) ------------------------------------


def deliverable_email() -> str:
    """An address Ralph takes: it refuses reserved domains such as the fixtures' ``kommune.test``."""
    return f"fasilitator.{next(_numbers)}@laget-kommune.no"


_numbers = itertools.count(1)


def choose_email_actor(client, on: bool):
    """The admin's settings form, sent with the xAPI choice on or off."""
    data = {
        "csrf_token": csrf_token(client, "/admin/settings"),
        "privacy_statement": "",
        "accessibility_statement": "",
    }
    return client.post("/admin/settings", data=data | ({"xapi_actor_email": "y"} if on else {}))


@pytest.fixture
def email_org(make_org, make_user, client_for):
    """An organisation whose admin has chosen e-mail addresses in xAPI, and its admin's client."""
    organisation = make_org()
    admin = client_for(make_user(role="admin", org=organisation))
    assert choose_email_actor(admin, on=True).status_code == 303
    return organisation, admin


def test_people_of_an_organisation_that_chose_it_are_named_by_email_and_guests_are_not(
    app, client, auth, make_drill, join_as, make_user, email_org, ralph
):
    from app.extensions import db
    from app.models import AuditEvent
    from app.xapi.statements import registration

    organisation, _admin = email_org
    with app.app_context():
        changed = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "settings_changed"))
        assert list(changed) == [{"changed": "xapi_actor_email"}]
    ralph.start()
    facilitator = make_user(role="facilitator", org=organisation, email=deliverable_email())
    drill, _ = play(app, client, auth, make_drill, join_as, facilitator=facilitator)
    assert deliver(app).sent == 3
    stored = ralph.statements(registration(drill))
    (offered,) = [s for s in stored if s["object"]["id"].endswith("/choices/samtale")]
    assert offered["actor"]["mbox"] == f"mailto:{facilitator.email}"
    assert "account" not in offered["actor"]
    # Kari joined with a code and has no account: she stays the anonymous seat in the drill.
    kari = f"drill/{drill.public_id}/participant/{participant_id(app, drill, 'Kari')}"
    guests = [s for s in stored if s is not offered]
    assert len(guests) == 2 and all(s["actor"]["account"] == {"homePage": BASE, "name": kari} for s in guests)

    # The person is told on "Mine data" where the address goes.
    assert "merket med e-postadressen din" in client.get("/account/data").get_data(as_text=True)


def test_without_the_choice_people_are_their_account_and_mine_data_says_so(
    app, client, auth, make_drill, join_as, ralph
):
    from app.xapi.statements import registration

    ralph.start()
    drill, facilitator = play(app, client, auth, make_drill, join_as)
    deliver(app)
    (offered,) = [s for s in ralph.statements(registration(drill)) if s["object"]["id"].endswith("/samtale")]
    assert offered["actor"]["account"] == {"homePage": BASE, "name": f"user/{facilitator.id}"}
    assert "mbox" not in offered["actor"]
    page = client.get("/account/data").get_data(as_text=True)
    assert "ikke med navn eller e-postadresse" in page and "merket med e-postadressen din" not in page


def test_the_choice_applies_when_a_statement_is_queued(
    app, client, auth, make_drill, join_as, make_user, email_org
):
    organisation, admin = email_org
    facilitator = make_user(role="facilitator", org=organisation, email=deliverable_email())
    play(app, client, auth, make_drill, join_as, facilitator=facilitator)
    # Turned off after the drill: what is already queued keeps the address it was queued with.
    assert choose_email_actor(admin, on=False).status_code == 303
    actors = [row.statement["actor"] for row in outbox(app)]
    assert {"objectType": "Agent", "mbox": f"mailto:{facilitator.email}"} in actors


@pytest.mark.parametrize("role", ["participant", "facilitator", "author"])
def test_only_the_organisations_admin_changes_the_choice(app, client_for, make_user, role, ralph):
    from app.extensions import db
    from app.models import Organisation

    someone = make_user(role=role)
    assert choose_email_actor(client_for(someone), on=True).status_code == 403
    # An admin of another organisation changes only their own.
    stranger = make_user(role="admin")
    assert choose_email_actor(client_for(stranger), on=True).status_code == 303
    with app.app_context():
        assert not db.session.get(Organisation, someone.organisation_id).xapi_actor_email
        assert db.session.get(Organisation, stranger.organisation_id).xapi_actor_email


def test_erasing_a_person_takes_their_address_out_of_the_outbox(
    app, client, auth, make_drill, join_as, make_user, email_org, ralph
):
    from app.extensions import db
    from app.models import utcnow
    from app.models.xapi import XapiStatement
    from app.xapi.statements import registration

    organisation, admin = email_org
    facilitator = make_user(role="facilitator", org=organisation, email=deliverable_email())
    drill, _ = play(app, client, auth, make_drill, join_as, facilitator=facilitator)
    # One statement of the person's was sent before (in Laget a copy of it stays), one waits.
    rows = outbox(app)
    (mine,) = [row for row in rows if row.statement["actor"].get("mbox")]
    with app.app_context():
        copy = dict(mine.statement, id="0b7c1f3e-2a6d-5f4e-8c1b-9d0e7a6b5c41")
        db.session.add(XapiStatement(statement_id=copy["id"], statement=copy, sent_at=utcnow()))
        db.session.commit()
    assert facilitator.email in json.dumps([row.statement for row in outbox(app)])

    erase = {"csrf_token": csrf_token(admin, "/admin/")}
    assert admin.post(f"/admin/users/{facilitator.id}/erase", data=erase).status_code == 302
    rows = outbox(app)
    assert len(rows) == 4
    assert facilitator.email not in json.dumps([row.statement for row in rows])
    account = {"objectType": "Agent", "account": {"homePage": BASE, "name": f"user/{facilitator.id}"}}
    # Both the waiting statement and the copy of the sent one name the account instead.
    assert [row.statement["actor"] for row in rows].count(account) == 2

    # The statement still reaches the LRS, under the account that now names only a pseudonym.
    ralph.start()
    assert deliver(app).sent == 3
    stored = ralph.statements(registration(drill))
    assert facilitator.email not in json.dumps(stored)
    (offered,) = [s for s in stored if s["object"]["id"].endswith("/samtale")]
    assert offered["actor"]["account"] == account["account"]
