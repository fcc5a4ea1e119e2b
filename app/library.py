"""The scenario library: built-in scenario files become pinned, immutable versions in the database.

A drill refers to the exact ``ScenarioVersion`` it was created with, so editing or removing a file
never changes a drill in progress or its debrief. Files that do not check clean are not loaded.
Facilitators see these built-in scenarios together with the published versions of authored
scenarios shared with their organisation or with all (``library_versions``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask import current_app
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import ScenarioVersion
from app.models.authoring import AuthoredScenario
from app.models.authoring import Sharing
from app.transactions import begin_write
from scenarios.check import check_source
from scenarios.diagnostics import ERROR


@dataclass(frozen=True)
class SyncReport:
    """What ``sync_library`` did with each file."""

    added: list[ScenarioVersion] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)


def sync_library(folder: str | Path | None = None) -> SyncReport:
    """Store a new version for every scenario file whose exact text is not in the database yet."""
    folder = Path(folder or current_app.config["SCENARIO_LIBRARY"])
    report = SyncReport()
    begin_write()
    for path in sorted(folder.glob("*.md")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if db.session.scalar(select(ScenarioVersion.id).where(ScenarioVersion.sha256 == digest)):
            report.unchanged.append(path.name)
            continue
        result = check_source(data, str(path))
        if not result.ok or result.scenario is None:
            problems = [d.format() for d in result.diagnostics if d.severity == ERROR]
            report.skipped[path.name] = problems
            current_app.logger.warning(
                "scenario not loaded",
                extra={"event": "scenario_skipped", "file": str(path), "problems": problems},
            )
            continue
        meta = result.scenario.meta
        version = ScenarioVersion(
            scenario_key=meta.id,
            version=meta.version[:50],
            title=meta.title[:200],
            source=data.decode("utf-8-sig"),
            sha256=digest,
            origin="library",
        )
        db.session.add(version)
        report.added.append(version)
    db.session.flush()
    return report


def latest_versions() -> list[ScenarioVersion]:
    """The newest stored version of every built-in scenario, by title."""
    newest = (
        select(func.max(ScenarioVersion.id).label("id"))
        .where(ScenarioVersion.origin == "library")
        .group_by(ScenarioVersion.scenario_key)
        .subquery()
    )
    query = select(ScenarioVersion).join(newest, ScenarioVersion.id == newest.c.id)
    return sorted(db.session.scalars(query), key=lambda version: version.title.casefold())


def published_versions(organisation_id: int) -> list[ScenarioVersion]:
    """The published version of every authored scenario shared with this organisation or with all."""
    query = (
        select(ScenarioVersion)
        .join(AuthoredScenario, ScenarioVersion.authored_scenario_id == AuthoredScenario.id)
        .where(
            ScenarioVersion.number == AuthoredScenario.published_number,
            or_(AuthoredScenario.organisation_id == organisation_id, AuthoredScenario.sharing == Sharing.ALL),
        )
        .options(contains_eager(ScenarioVersion.authored_scenario))
    )
    return list(db.session.scalars(query))


def library_versions(organisation_id: int) -> list[ScenarioVersion]:
    """What a facilitator of this organisation can start now: built-in and published authored scenarios."""
    versions = latest_versions() + published_versions(organisation_id)
    return sorted(versions, key=lambda version: (version.title.casefold(), version.id))
