"""Benchmark the leaders' course overview and its CSV for a large municipality (default 2,000 people).

Fills a temporary SQLite database with N people in 20 units, about two completions each of the three
built-in courses (some expired, some expiring, some missing) and a few drills per person over the
last 18 months, then times /courses/overview and /courses/overview.csv end to end through the app as
an admin (the whole organisation) and as a leader of one unit, and the catalogue for one learner.
Run: `python bench/learning_overview.py [--people 2000]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benk passord 1234"
COURSES = ("grunnleggende-bti", "bekymringssamtalen", "taushetsplikt-og-opplysningsplikt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import insert
    from sqlalchemy import select

    from app import create_app
    from app.admin import services as admin_services
    from app.extensions import db
    from app.learning.services import add_months
    from app.library import sync_library
    from app.models import Drill
    from app.models import DrillStatus
    from app.models import Participant
    from app.models import Role
    from app.models import ScenarioVersion
    from app.models import User
    from app.models import utcnow
    from app.models.learning import CourseCompletion
    from app.models.learning import UnitLeader

    folder = Path(tempfile.mkdtemp(prefix="laget-learning-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'laget.db'}",
            "LOG_LEVEL": "ERROR",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            "WTF_CSRF_ENABLED": False,
        }
    )
    rng = random.Random(1)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        sync_library()
        organisation = admin_services.create_organisation("Benk kommune")
        units = [admin_services.create_unit(organisation, f"Enhet {n:02d}") for n in range(20)]
        admin = admin_services.create_user(organisation, "admin@benk.test", "Admin", Role.ADMIN, PASSWORD)
        leader = admin_services.create_user(
            organisation, "leder@benk.test", "Leder", Role.FACILITATOR, PASSWORD
        )
        db.session.add(UnitLeader(user_id=leader.id, unit_id=units[0].id))
        db.session.commit()
        hashed = db.session.get(User, admin.id).password_hash
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"person{i}@benk.test",
                    "display_name": f"Person {i:05d}",
                    "password_hash": hashed,
                    "role": Role.PARTICIPANT,
                    "organisation_id": organisation.id,
                    "unit_id": units[i % len(units)].id,
                }
                for i in range(args.people)
            ],
        )
        people = list(db.session.scalars(select(User.id).where(User.email.like("person%"))))
        today = date.today()
        completions = []
        for person in people:
            for course in COURSES:
                for _ in range(rng.choice((0, 1, 2, 2, 3))):
                    done = today - timedelta(days=rng.randint(0, 800))
                    completions.append(
                        {
                            "user_id": person,
                            "course_id": course,
                            "course_title": course,
                            "course_version": "1.0.0+bench",
                            "completed_on": done,
                            "valid_until": add_months(done, 12),
                            "certificate_number": f"LAG-BENK-{len(completions):08d}",
                            "score_percent": 90.0,
                        }
                    )
        db.session.execute(insert(CourseCompletion), completions)
        version = db.session.scalar(select(ScenarioVersion.id))
        now = utcnow()
        drills = []
        for i in range(args.people // 4):
            when = now - timedelta(days=rng.uniform(0, 540))
            drills.append(
                {
                    "id": i + 1,
                    "public_id": f"bench{i:08d}",
                    "organisation_id": organisation.id,
                    "facilitator_id": leader.id,
                    "scenario_version_id": version,
                    "team_name": f"Lag {i % 40}",
                    "status": DrillStatus.ENDED,
                    "state": {},
                    "started_at": when,
                    "ended_at": when + timedelta(hours=1),
                    "created_at": when,
                }
            )
        db.session.execute(insert(Drill), drills)
        seats = [
            {
                "drill_id": rng.randint(1, len(drills)),
                "display_name": "P",
                "user_id": person,
                "joined_at": now,
            }
            for person in people
            for _ in range(rng.randint(0, 6))
        ]
        db.session.execute(insert(Participant), seats)
        db.session.commit()
    print(
        f"filled {args.people} people, {len(completions)} completions, {len(drills)} drills and "
        f"{len(seats)} seats in {time.perf_counter() - started:.0f} s"
    )

    for who, email in (("admin (all units)", "admin@benk.test"), ("leader of one unit", "leder@benk.test")):
        client = app.test_client()
        client.post("/auth/login", data={"email": email, "password": PASSWORD})
        for path in ("/courses/overview", "/courses/overview.csv"):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t)
                assert response.status_code == 200, response.status_code
            print(f"{who:>20} {path:<22} median {statistics.median(times):.2f} s, best {min(times):.2f} s")
    client = app.test_client()
    client.post("/auth/login", data={"email": "person1@benk.test", "password": PASSWORD})
    times = []
    for _ in range(5):
        t = time.perf_counter()
        assert client.get("/courses/").status_code == 200
        times.append(time.perf_counter() - t)
    print(f"{'one learner':>20} {'/courses/':<22} median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
