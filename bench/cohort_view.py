"""Benchmark the cohort view over 10,000 stored drills in the database (target: under 5 s).

Fills a temporary SQLite database with N ended drills of the built-in scenarios, each with a stored
debrief report (scored from a random path, so the numbers vary), spread over the last twelve months,
then times the facilitator's /debrief/cohort page end to end through the app: the query, decoding
the stored reports, the monthly aggregation, the weakest-interfaces count and the template.
Run: `python bench/cohort_view.py [--drills 10000]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", type=int, default=10_000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import insert
    from sqlalchemy import select

    from app import create_app
    from app.admin import services as admin_services
    from app.debrief.services import missing_links
    from app.extensions import db
    from app.library import sync_library
    from app.models import DebriefReport
    from app.models import Drill
    from app.models import DrillStatus
    from app.models import Role
    from app.models import ScenarioVersion
    from app.models import utcnow
    from scenarios.check import check_source
    from scoring import DrillLog
    from scoring import score_drill
    from scoring.paths import random_events
    from scoring.storage import report_to_data
    from scoring.storage import summarise
    from scoring.storage import summary_to_data

    folder = Path(tempfile.mkdtemp(prefix="laget-cohort-"))
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
        facilitator = admin_services.create_user(
            organisation, "benk@kommune.test", "Benk", Role.FACILITATOR, "benk passord 1234"
        )
        db.session.commit()
        versions = list(db.session.scalars(select(ScenarioVersion)))
        # A pool of distinct scored reports per scenario, reused across the stored drills.
        pool = []
        for version in versions:
            scenario = check_source(version.source).scenario
            for seed in range(20):
                report = score_drill(scenario, DrillLog.of(random_events(scenario, random.Random(seed))))
                pool.append(
                    {
                        "scenario_version_id": version.id,
                        "data": report_to_data(report),
                        "total": report.total,
                        "rating": report.rating,
                        "summary": summary_to_data(summarise(report)),
                        "missing_links": missing_links(scenario, report),
                    }
                )
        now = utcnow()
        drills, reports = [], []
        for i in range(args.drills):
            stored = dict(rng.choice(pool))
            version_id = stored.pop("scenario_version_id")
            when = now - timedelta(days=rng.uniform(0, 360))
            drills.append(
                {
                    "id": i + 1,
                    "public_id": f"bench{i:08d}",
                    "organisation_id": organisation.id,
                    "facilitator_id": facilitator.id,
                    "scenario_version_id": version_id,
                    "team_name": f"Lag {i % 40}",
                    "join_code": None,
                    "status": DrillStatus.ENDED,
                    "state": {},
                    "state_version": 0,
                    "started_at": when,
                    "ended_at": when + timedelta(hours=1),
                    "created_at": when,
                }
            )
            reports.append({"drill_id": i + 1, "created_at": when, **stored})
        db.session.execute(insert(Drill), drills)
        db.session.execute(insert(DebriefReport), reports)
        db.session.commit()
        size = sum(len(str(r["data"])) for r in reports[:100]) / 100
    print(
        f"filled {args.drills} drills with stored reports (~{size / 1024:.0f} KiB each) in "
        f"{time.perf_counter() - started:.0f} s"
    )

    client = app.test_client()
    client.post("/auth/login", data={"email": "benk@kommune.test", "password": "benk passord 1234"})
    times = []
    for _ in range(3):
        t = time.perf_counter()
        response = client.get("/debrief/cohort")
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
    print(
        f"cohort view over {args.drills} stored drills: median {statistics.median(times):.2f} s, "
        f"best {min(times):.2f} s   (target < 5 s)"
    )


if __name__ == "__main__":
    main()
