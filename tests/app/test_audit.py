"""The audit trail: what is recorded, that it cannot be changed, the admin's page and CSV, retention,
and that each log line is printed once."""

# The authoring fixtures come from the versions tests by import, and pytest passes them in by name.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.cli import cli
from app.extensions import db
from app.models import AuditEvent
from app.models import utcnow
from tests.app.test_authoring_versions import author  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import checker  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import draft  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import org  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import post
from tests.app.test_authoring_versions import published  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import reviewer  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import writer  # noqa: F401 (fixture)
from tests.conftest import REPO
from tests.conftest import control
from tests.conftest import csrf_token


def events(app, action: str | None = None) -> list[AuditEvent]:
    """Every stored record (optionally of one action), oldest first, detached."""
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
    return found


def add_event(app, **fields) -> None:
    with app.app_context():
        db.session.add(AuditEvent(**{"action": "login_succeeded", "target": "", "address": "", **fields}))
        db.session.commit()


def login(client, email: str, password: str):
    return client.post(
        "/auth/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )


# --- What is recorded -------------------------------------------------------------------------------


def test_a_record_cannot_be_changed_or_deleted(app, client, make_user, password):
    user = make_user()
    login(client, user.email, password)
    with app.app_context():
        record = db.session.scalar(select(AuditEvent))
        record.action = "logout"
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEvent)))
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()


def test_logins_and_failures_are_recorded_without_the_typed_address(app, client, make_user, password):
    user = make_user()
    login(client, user.email, "feil passord her")
    login(client, "ukjent.person@kommune.test", "feil passord her")
    login(client, user.email, password)
    failed = events(app, "login_failed")
    assert [(e.target, e.organisation_id) for e in failed][0] == (f"user:{user.id}", user.organisation_id)
    unknown = failed[1]
    assert unknown.target.startswith("email-hmac:") and "ukjent" not in unknown.target
    assert unknown.organisation_id is None and unknown.address == "127.0.0.1"
    succeeded = events(app, "login_succeeded")
    assert [(e.actor_id, e.target) for e in succeeded] == [(user.id, f"user:{user.id}")]


def test_admin_changes_are_recorded_with_who_and_what(app, client, auth, make_user, make_org):
    town = make_org()
    admin = auth.login(as_role="admin", org=town)
    person = make_user(org=town)
    token = csrf_token(client, "/")
    client.post(f"/admin/users/{person.id}/role", data={"role": "author", "csrf_token": token})
    client.post(f"/admin/users/{person.id}/deactivate", data={"csrf_token": token})
    client.post(
        "/admin/invitations/new",
        data={"email": "ny@kommune.test", "role": "facilitator", "csrf_token": token},
    )
    role, deactivated, invited = (
        events(app, a)[0] for a in ("role_changed", "user_deactivated", "invitation_created")
    )
    assert (role.actor_id, role.target, role.detail) == (
        admin.id,
        f"user:{person.id}",
        {"from": "participant", "to": "author"},
    )
    assert deactivated.organisation_id == admin.organisation_id
    assert invited.detail == {"role": "facilitator"} and invited.target.startswith("invitation:")


def test_publishing_sharing_and_retiring_are_recorded(app, published, writer):
    assert post(writer, f"/authoring/{published}/sharing", sharing="organisation").status_code == 303
    assert post(writer, f"/authoring/{published}/retire", confirm="y").status_code == 303
    assert [e.target for e in events(app, "scenario_published")] == [f"scenario:{published}"]
    assert events(app, "scenario_sharing_changed")[0].detail == {"sharing": "organisation"}
    assert events(app, "scenario_retired")[0].target == f"scenario:{published}"


def test_every_debrief_export_is_recorded(app, client, auth, make_drill, join_as):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    join_as(drill, "Kari")
    control(client, drill, "start")
    control(client, drill, "end")
    for path in ("export.csv", "export.json", "report.pdf"):
        assert client.get(f"/debrief/{drill.public_id}/{path}").status_code == 200
    exported = events(app, "debrief_exported")
    assert [(e.target, e.detail["format"], e.actor_id) for e in exported] == [
        (f"drill:{drill.public_id}", "csv", facilitator.id),
        (f"drill:{drill.public_id}", "json", facilitator.id),
        (f"drill:{drill.public_id}", "pdf", facilitator.id),
    ]


def test_the_course_overview_export_is_recorded(app, client, auth):
    admin = auth.login(as_role="admin")
    assert client.get("/courses/overview.csv").status_code == 200
    assert [e.actor_id for e in events(app, "course_overview_exported")] == [admin.id]


def test_downloading_a_scenario_version_is_recorded(app, writer, draft, author):
    assert writer.get(f"/authoring/{draft}/versions/1/export").status_code == 200
    assert writer.get(f"/authoring/{draft}/versions/9/export").status_code == 404
    exported = events(app, "scenario_exported")
    assert [(e.target, e.detail, e.actor_id) for e in exported] == [
        (f"scenario:{draft}", {"version": 1}, author.id)
    ]


def test_deleting_a_test_drill_is_recorded_and_a_refused_deletion_is_not(
    app, client, auth, make_drill, join_as
):
    facilitator = auth.login(as_role="facilitator")
    kept, doomed = (
        make_drill(facilitator=facilitator),
        make_drill(facilitator=facilitator, team_name="Lag Test"),
    )
    join_as(doomed, "Kari")
    path = "/facilitate/drills/{}/delete"
    token = csrf_token(client, path.format(kept.public_id))
    assert (
        client.post(path.format(kept.public_id), data={"confirm": "y", "csrf_token": token}).status_code
        == 409
    )
    assert control(client, doomed, "test", test="1").status_code == 303
    assert (
        client.post(path.format(doomed.public_id), data={"confirm": "y", "csrf_token": token}).status_code
        == 303
    )
    deleted = events(app, "drill_deleted")
    assert [(e.target, e.detail, e.actor_id, e.organisation_id) for e in deleted] == [
        (f"drill:{doomed.public_id}", {"team": "Lag Test"}, facilitator.id, facilitator.organisation_id)
    ]


def test_invitations_revoked_and_accepted_are_recorded(app, client, auth, make_org):
    admin = auth.login(as_role="admin", org=make_org())
    token = csrf_token(client, "/")
    for email in ("forst@kommune.test", "sist@kommune.test"):
        client.post("/admin/invitations/new", data={"email": email, "role": "author", "csrf_token": token})
    first, last = events(app, "invitation_created")
    client.post(f"/admin/invitations/{first.target.split(':')[1]}/revoke", data={"csrf_token": token})
    html = client.post(
        "/admin/invitations/new", data={"email": "ny@kommune.test", "role": "author", "csrf_token": token}
    ).get_data(as_text=True)
    link = re.search(r">http://localhost(/auth/invite/[^<]+)</textarea>", html).group(1)
    auth.logout()
    invitee = app.test_client()
    response = invitee.post(
        link,
        data={
            "display_name": "Nina Ny",
            "password": "et langt og godt passord",
            "password_again": "et langt og godt passord",
            "csrf_token": csrf_token(invitee, link),
        },
    )
    assert response.status_code == 302
    revoked = events(app, "invitation_revoked")
    assert [(e.target, e.actor_id) for e in revoked] == [(first.target, admin.id)]
    (accepted,) = events(app, "invitation_accepted")
    assert accepted.target == events(app, "invitation_created")[-1].target
    assert accepted.actor_id not in (None, admin.id) and accepted.organisation_id == admin.organisation_id


def test_a_wrong_mfa_code_is_recorded(app, client, auth, password):
    from tests.app.test_mfa import enrol

    user = auth.login(as_role="facilitator")
    enrol(client)
    auth.logout()
    client.post(
        "/auth/login", data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    )
    client.post("/auth/mfa/", data={"code": "000000", "csrf_token": csrf_token(client, "/auth/mfa/")})
    assert [(e.action, e.target) for e in events(app) if e.action.startswith("mfa")] == [
        ("mfa_enrolled", f"user:{user.id}"),
        ("mfa_failed", f"user:{user.id}"),
    ]


def test_making_someone_a_unit_leader_is_recorded(app, client, auth, make_user, make_org):
    from app.models import Unit

    town = make_org()
    admin = auth.login(as_role="admin", org=town)
    person = make_user(org=town)
    with app.app_context():
        unit = Unit(organisation_id=town.id, name="Skolen")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
    token = csrf_token(client, f"/admin/users/{person.id}")
    response = client.post(
        f"/courses/leaders/{person.id}", data={"csrf_token": token, "units": [str(unit_id)]}
    )
    assert response.status_code in (302, 303)
    changed = events(app, "unit_leader_changed")
    assert [(e.target, e.actor_id, e.detail) for e in changed] == [
        (f"user:{person.id}", admin.id, {"units": 1})
    ]


# --- The admin's page -------------------------------------------------------------------------------


@pytest.fixture
def trail(app, auth, make_user, make_org):
    """An admin logged in, with records of two people in the organisation and one of another."""
    town = make_org()
    admin = auth.login(as_role="admin", org=town)
    anna = make_user(org=town, name="Anna Ansatt")
    stranger = make_user(org=make_org(), name="Fremmed Person")
    now = utcnow()
    add_event(
        app,
        actor_id=anna.id,
        organisation_id=anna.organisation_id,
        action="role_changed",
        target="user:99",
        created_at=now - timedelta(days=10),
    )
    add_event(
        app,
        actor_id=anna.id,
        organisation_id=anna.organisation_id,
        action="debrief_exported",
        target="drill:abc",
        created_at=now,
    )
    add_event(
        app,
        actor_id=stranger.id,
        organisation_id=stranger.organisation_id,
        action="role_changed",
        target="user:fremmed-mål",
    )
    return admin, anna


def test_the_page_shows_only_the_own_organisation(client, trail):
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "Anna Ansatt" in html and "drill:abc" in html and "Rolle endret" in html
    assert "fremmed-mål" not in html and "Fremmed Person" not in html


def test_the_page_filters_by_action_person_and_dates(client, trail):
    admin, anna = trail
    html = client.get("/admin/audit/?action=role_changed").get_data(as_text=True)
    assert "user:99" in html and "drill:abc" not in html
    html = client.get(f"/admin/audit/?person={admin.id}").get_data(as_text=True)
    assert "user:99" not in html and "drill:abc" not in html
    today = utcnow().date()
    html = client.get(
        f"/admin/audit/?start={today - timedelta(days=1)}&end={today + timedelta(days=1)}"
    ).get_data(as_text=True)
    assert "drill:abc" in html and "user:99" not in html


def test_a_bad_filter_is_explained_and_shows_nothing(client, trail):
    response = client.get("/admin/audit/?action=drop_table&start=2026-12-05&end=2026-12-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Til-datoen kan ikke være før fra-datoen." in html and "drill:abc" not in html


def test_the_csv_has_every_match_guarded_against_formulas_and_is_itself_recorded(app, client, trail):
    admin, anna = trail
    add_event(
        app,
        actor_id=admin.id,
        organisation_id=admin.organisation_id,
        action="role_changed",
        target='=HYPERLINK("http://x")',
    )
    response = client.get("/admin/audit/export.csv?action=role_changed")
    assert response.headers["Content-Disposition"] == 'attachment; filename="revisjonslogg.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "time_utc"
    assert [row[5] for row in rows[1:]] == ['\'=HYPERLINK("http://x")', "user:99"]
    assert events(app, "audit_exported")[0].detail == {"rows": 2}


# --- Retention and logging --------------------------------------------------------------------------


def test_retention_prunes_records_older_than_configured(app, runner):
    app.config["AUDIT_RETENTION_DAYS"] = 30
    add_event(app, target="gammel", created_at=utcnow() - timedelta(days=31))
    add_event(app, target="ny", created_at=utcnow() - timedelta(days=29))
    result = runner.invoke(cli, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Slettet 1 oppføringer i revisjonsloggen" in result.output
    assert [e.target for e in events(app)] == ["ny"]


@pytest.fixture
def app_config():
    return {"LOG_LEVEL": "INFO"}


def test_each_log_line_is_printed_once_as_json(tmp_path):
    # A fresh interpreter, as on a server: under pytest the root logger already has a handler, which
    # hides Flask's habit of adding its own plain-text one.
    script = (
        "from app import create_app\n"
        f"app = create_app({{'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/l.db'}})\n"
        "with app.test_request_context('/auth/login'):\n"
        "    app.logger.warning('noe skjedde', extra={'event': 'test'})\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=True)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert json.loads(lines[0])["event"] == "test"
