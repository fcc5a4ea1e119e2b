"""The scenario library in the database: syncing files into pinned versions, and parsing them once."""

from __future__ import annotations

import shutil

from sqlalchemy import func
from sqlalchemy import select

from app import cli as cli_module
from app.cli import cli
from app.extensions import db
from app.library import latest_versions
from app.library import sync_library
from app.models import Drill
from app.models import ScenarioVersion
from app.models import parsed_scenario
from tests.conftest import REPO


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ScenarioVersion))


def test_sync_stores_each_text_once(app, minimal_library):
    with app.app_context():
        first = sync_library(minimal_library)
        db.session.commit()
        assert [(v.scenario_key, v.title, v.origin) for v in first.added] == [
            ("minimal", "Et lite scenario", "library")
        ]
        second = sync_library(minimal_library)
        db.session.commit()
        assert (second.added, second.unchanged, second.skipped) == ([], ["minimal.md"], {})
    assert _count(app) == 1


def test_a_changed_file_becomes_a_new_version_and_drills_keep_theirs(app, minimal_library, make_drill):
    drill = make_drill()
    path = minimal_library / "minimal.md"
    path.write_text(path.read_text().replace("title: Et lite scenario", "title: Et lite scenario, utgave 2"))
    with app.app_context():
        assert [v.title for v in sync_library(minimal_library).added] == ["Et lite scenario, utgave 2"]
        db.session.commit()
        assert [v.title for v in latest_versions()] == ["Et lite scenario, utgave 2"]
        pinned = db.session.get(Drill, drill.id)
        assert pinned.scenario_version.title == "Et lite scenario"
        assert pinned.scenario.meta.title == "Et lite scenario"


def test_a_file_with_errors_is_left_out_and_logged(app, minimal_library, caplog):
    (minimal_library / "broken.md").write_text("---\nid: broken\n---\n\n# Scene: Uten innhold\n")
    with app.app_context():
        report = sync_library(minimal_library)
        db.session.commit()
    assert list(report.skipped) == ["broken.md"]
    assert report.skipped["broken.md"] and all("SC" in problem for problem in report.skipped["broken.md"])
    skipped = [r for r in caplog.records if getattr(r, "event", None) == "scenario_skipped"]
    assert [r.file for r in skipped] == [str(minimal_library / "broken.md")]
    assert _count(app) == 1


def test_the_built_in_library_loads_without_leaving_anything_out(app):
    files = sorted((REPO / "scenarios" / "library").glob("*.md"))
    assert len(files) >= 3
    with app.app_context():
        report = sync_library()
        db.session.commit()
        assert report.skipped == {}
        assert len(report.added) == len(files)
        for version in latest_versions():
            assert version.scenario.meta.id == version.scenario_key
            assert len(version.scenario.role_ids) >= 2


def test_a_version_is_parsed_once_per_process(app, minimal_library):
    with app.app_context():
        sync_library(minimal_library)
        db.session.commit()
        version = db.session.scalar(select(ScenarioVersion))
        assert version.scenario is parsed_scenario(version.sha256)
        assert version.scenario.meta.id == "minimal"


def test_the_library_sync_command(app, runner, minimal_library, tmp_path):
    folder = tmp_path / "other"
    shutil.copytree(minimal_library, folder)
    app.config["SCENARIO_LIBRARY"] = str(folder)
    result = runner.invoke(cli, ["library", "sync"])
    assert result.exit_code == 0, result.output
    assert "La inn scenariet «Et lite scenario» (minimal" in result.output
    assert "1 nye, 0 uendret, 0 ikke lastet" in result.output
    again = runner.invoke(cli, ["library", "sync"])
    assert "0 nye, 1 uendret, 0 ikke lastet" in again.output


def test_serve_loads_the_library_after_migrating(app, runner, monkeypatch, minimal_library):
    app.config["SCENARIO_LIBRARY"] = str(minimal_library)
    monkeypatch.setattr(cli_module, "_run_setup", lambda only_missing: None)
    monkeypatch.setattr("app.serving.serve", lambda *args: None)
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert "La inn scenariet «Et lite scenario»" in result.output
    assert _count(app) == 1
