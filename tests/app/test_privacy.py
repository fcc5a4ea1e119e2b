"""People's own data: the download holds every kind Laget stores, reflections can be cleared,
erasure leaves no name on any page or export while the team's debrief still adds up, retention,
and the organisation's statements."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ActionPoint
from app.models import AuditEvent
from app.models import DebriefReport
from app.models import Drill
from app.models import Observer
from app.models import Participant
from app.models import User
from app.models import utcnow
from app.models.learning import ReflectionNote
from app.privacy.registry import PERSON_COLUMNS
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token

NAME = "Kari Nordmann"
EMAIL = "kari.nordmann@kommune.test"


def test_every_column_that_points_at_a_person_is_covered(app):
    """A new table with a user column fails here until export and erasure know what to do with it."""
    with app.app_context():
        found = {
            (table.name, column.name)
            for table in db.metadata.sorted_tables
            for column in table.columns
            if any(fk.target_fullname == "user_account.id" for fk in column.foreign_keys)
            or column.name in ("user_id", "actor_id")
        }
    assert found - set(PERSON_COLUMNS) == set()
    assert set(PERSON_COLUMNS) - found == {("user_account", "id")}


@pytest.fixture
def town(make_org):
    return make_org("Fjordvik kommune")


@pytest.fixture
def kari(app, make_user, town):
    """A participant with a reflection."""
    user = make_user(role="participant", org=town, name=NAME, email=EMAIL)
    with app.app_context():
        db.session.add(ReflectionNote(user_id=user.id, course_id="bti", reflection_id="r1", text="Min tanke"))
        db.session.commit()
    return user


@pytest.fixture
def team(app, make_user, make_drill, town, kari, client_for, join_as):
    """An ended drill where Kari (logged in) played the teacher and a guest the nurse."""
    facilitator = make_user(role="facilitator", org=town, name="Frida Fasilitator")
    console = client_for(facilitator)
    drill = make_drill(facilitator=facilitator)
    player = client_for(kari)
    response = player.post(
        "/drills/join",
        data={
            "code": drill.join_code,
            "display_name": NAME,
            "csrf_token": csrf_token(player, "/drills/join"),
        },
    )
    assert response.status_code == 303
    nurse = join_as(drill, "Nils")
    assert assign(app, console, drill, {"kontaktlaerer": NAME, "helsesykepleier": "Nils"}).status_code == 303
    assert control(console, drill, "start").status_code == 303
    choose(player, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    choose(player, drill, "kontaktlaerer", "meld")
    assert control(console, drill, "end").status_code == 303
    return drill, console, player


def test_the_download_holds_every_kind_of_data_about_the_person(app, kari, team):
    player = team[2]
    data = json.loads(player.get("/account/data.json").get_data())
    assert data["person"]["email"] == EMAIL and data["person"]["display_name"] == NAME
    assert "password_hash" not in data["person"] and "session_epoch" not in data["person"]
    assert data["reflection_note"]["user_id"][0]["text"] == "Min tanke"
    assert data["participant"]["user_id"][0]["display_name"] == NAME
    assert {event["type"] for event in data["drill_events_as_participant"]} == {"choose"}
    assert any(row["action"] == "login_succeeded" for row in data["audit_event"]["actor_id"])
    html = player.get("/account/data").get_data(as_text=True)
    assert "Refleksjoner" in html and "Plasser i øvelser" in html
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "data_exported"))


def test_the_download_has_every_row_of_every_kind_the_models_hold_about_the_person(
    app, make_user, make_drill, client_for
):
    """One row of every kind in the registry (which a test above holds to the schema), plus the rows
    that name the person without pointing at the account; the download must hold each of them."""
    from datetime import date

    from app.models import ActionPoint
    from app.models import DrillEvent
    from app.models import Invitation
    from app.models import LoginFailure
    from app.models import Role
    from app.models import ScenarioVersion
    from app.models import Unit
    from app.models import email_digest
    from app.models.authoring import AuthoredScenario
    from app.models.authoring import CoAuthor
    from app.models.authoring import ReviewComment
    from app.models.learning import CourseCompletion
    from app.models.learning import CourseProgress
    from app.models.learning import LessonCompletion
    from app.models.learning import QuizAttempt
    from app.models.learning import UnitLeader
    from app.models.mfa import RecoveryCode
    from app.models.mfa import TotpSecret
    from app.models.recovery import PasswordReset
    from app.models.sessions import SessionFacilitator
    from app.models.sessions import TrainingSession
    from app.models.solo import SoloEvent
    from app.models.solo import SoloRun

    person = make_user(role="facilitator", name=NAME, email=EMAIL)
    drill = make_drill(facilitator=person)
    browser = client_for(person)  # logged in before the authenticator is set up below
    later = utcnow() + timedelta(days=1)
    with app.app_context():
        org, uid = person.organisation_id, person.id
        version_id = drill.scenario_version_id
        seat = Participant(drill_id=drill.id, display_name=NAME, user_id=uid)
        scenario = AuthoredScenario(
            organisation_id=org, owner_id=uid, reviewer_id=uid, title="Utkast", working_text="# Utkast"
        )
        unit = Unit(organisation_id=org, name="Skolen")
        day = TrainingSession(organisation_id=org, facilitator_id=uid, name="Fagdag", held_on=date.today())
        db.session.add_all([scenario, unit, seat, day])
        db.session.flush()
        db.session.add(
            ScenarioVersion(
                scenario_key="utkast",
                version="1",
                title="Utkast",
                source="# Utkast",
                sha256="e" * 64,
                origin="authored",
                authored_scenario_id=scenario.id,
                number=1,
                created_by_id=uid,
            )
        )
        run = SoloRun(
            user_id=uid,
            organisation_id=org,
            scenario_version_id=version_id,
            role_id="r",
            profile="p",
            state={},
        )
        db.session.add(run)
        db.session.flush()
        db.session.add_all(
            [
                ReviewComment(
                    authored_scenario_id=scenario.id, version_id=version_id, author_id=uid, body="Bra"
                ),
                CoAuthor(authored_scenario_id=scenario.id, user_id=uid),
                Invitation(
                    token_hash="a" * 64,
                    email="ny@kommune.test",
                    role=Role.AUTHOR,
                    organisation_id=org,
                    invited_by_id=uid,
                    expires_at=later,
                ),
                Invitation(
                    token_hash="b" * 64, email=EMAIL, role=Role.AUTHOR, organisation_id=org, expires_at=later
                ),
                DrillEvent(drill_id=drill.id, seq=1, type="inject", payload={}, user_id=uid),
                DrillEvent(drill_id=drill.id, seq=2, type="choose", payload={}, participant_id=seat.id),
                Observer(drill_id=drill.id, display_name="Olga", code_hash="e" * 64, created_by_id=uid),
                ActionPoint(
                    drill_id=drill.id,
                    organisation_id=org,
                    team_name="Lag Nord",
                    what="Ring",
                    who="Kari",
                    created_by_id=uid,
                ),
                CourseProgress(user_id=uid, course_id="bti", course_version="1"),
                LessonCompletion(user_id=uid, course_id="bti", lesson_id="l1", course_version="1"),
                ReflectionNote(user_id=uid, course_id="bti", reflection_id="r1", text="Min tanke"),
                QuizAttempt(user_id=uid, course_id="bti", course_version="1", seed=1),
                CourseCompletion(
                    user_id=uid,
                    course_id="bti",
                    course_title="BTI",
                    course_version="1",
                    completed_on=date.today(),
                    valid_until=date.today(),
                    certificate_number="K-1",
                    score_percent=90.0,
                ),
                UnitLeader(user_id=uid, unit_id=unit.id),
                SessionFacilitator(session_id=day.id, user_id=uid),
                SoloEvent(run_id=run.id, seq=1, type="choose", payload={}),
                PasswordReset(token_hash="c" * 64, user_id=uid, expires_at=later),
                TotpSecret(user_id=uid, secret="JBSWY3DPEHPK3PXP"),
                RecoveryCode(user_id=uid, code_hash="d" * 64),
                AuditEvent(actor_id=None, organisation_id=org, action="role_changed", target=f"user:{uid}"),
                LoginFailure(email=email_digest(EMAIL), ip="x"),
            ]
        )
        db.session.commit()
    data = json.loads(browser.get("/account/data.json").get_data())
    with app.app_context():
        tables = db.metadata.tables
        for (table_name, column_name), _policy in PERSON_COLUMNS.items():
            if table_name == "user_account":
                continue
            table = tables[table_name]
            query = select(table.c.id).where(table.c[column_name] == uid)
            if table_name == "audit_event":  # the download's own record comes after it was made
                query = query.where(table.c.action != "data_exported")
            stored = db.session.execute(query).scalars().all()
            exported = [row["id"] for row in data.get(table_name, {}).get(column_name, [])]
            assert stored and exported == sorted(stored), (table_name, column_name)
    assert data["person"]["email"] == EMAIL and "password_hash" not in data["person"]
    assert [row["email"] for row in data["invitations_to_me"]] == [EMAIL]
    assert [row["action"] for row in data["audit_events_about_me"]] == ["role_changed"]
    assert len(data["drill_events_as_participant"]) == 1 and len(data["solo_events"]) == 1
    assert data["recent_failed_logins"] == 1
    secrets = (
        "token_hash",
        "secret",
        "code_hash",
        "password_hash",
        "session_epoch",
        "device_hash",
        "seat_code_hash",
    )
    assert not any(f'"{name}"' in json.dumps(data) for name in secrets)
    html = browser.get("/account/data").get_data(as_text=True)
    assert "Invitasjoner sendt til deg" in html and "som gjelder kontoen din" in html


def test_reflections_can_be_cleared(app, client, auth, kari):
    auth.login(user=kari)
    response = client.post("/account/reflections/clear", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(ReflectionNote)) is None


def _debrief_total(app, drill) -> float:
    with app.app_context():
        return db.session.scalar(select(DebriefReport.total).where(DebriefReport.drill_id == drill.id))


def _pdf_text(response) -> str:
    import io

    from pypdf import PdfReader

    assert response.status_code == 200
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_an_erased_person_appears_on_no_page_and_in_no_export_while_the_debrief_adds_up(
    app, kari, team, make_user, town, client_for, password
):
    drill, console, player = team
    response = console.post(
        f"/debrief/{drill.public_id}/actions",
        data={
            "what": "kari nordmann ringer mor, Nils tar neste møte",
            "who": NAME,
            "csrf_token": csrf_token(console, f"/debrief/{drill.public_id}"),
        },
    )
    assert response.status_code == 303
    before_csv = console.get(f"/debrief/{drill.public_id}/export.csv").get_data(as_text=True)
    assert NAME in _pdf_text(console.get(f"/debrief/{drill.public_id}/report.pdf"))
    total = _debrief_total(app, drill)
    assert NAME in console.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    response = player.post(
        "/account/delete",
        data={"password": password, "confirm": "y", "csrf_token": csrf_token(player, "/account/delete")},
    )
    assert response.status_code == 303
    assert player.get("/").status_code == 302
    admin = client_for(make_user(role="admin", org=town))
    pages = [
        console.get(f"/debrief/{drill.public_id}"),
        console.get(f"/debrief/{drill.public_id}/export.csv"),
        console.get(f"/debrief/{drill.public_id}/export.json"),
        console.get(f"/facilitate/drills/{drill.public_id}"),
        console.get("/facilitate/"),
        admin.get("/admin/"),
        admin.get(f"/admin/users/{kari.id}"),
        admin.get("/admin/audit/"),
        admin.get("/admin/audit/export.csv"),
        admin.get("/courses/overview"),
        admin.get("/courses/overview.csv"),
        admin.get(f"/admin/users/{kari.id}/data.json"),
    ]
    for page in pages:
        text = page.get_data().decode("utf-8-sig")
        assert page.status_code == 200, page.request.path
        assert NAME not in text and "Nordmann" not in text and EMAIL not in text, page.request.path
        assert "nordmann" not in text, page.request.path
    pdf = _pdf_text(console.get(f"/debrief/{drill.public_id}/report.pdf"))
    assert NAME not in pdf and "Nordmann" not in pdf and "Deltaker 1" in pdf
    after_csv = console.get(f"/debrief/{drill.public_id}/export.csv").get_data(as_text=True)
    assert after_csv == before_csv.replace(NAME, "Deltaker 1")
    assert _debrief_total(app, drill) == total
    with app.app_context():
        names = db.session.scalars(
            select(Participant.display_name).where(Participant.drill_id == drill.id)
        ).all()
        assert "Deltaker 1" in names and NAME not in names
        point = db.session.scalar(select(ActionPoint).where(ActionPoint.drill_id == drill.id))
        assert (point.who, point.what) == (
            "Deltaker 1",
            "Deltaker 1 ringer mor, Nils tar neste møte",
        )
        account = db.session.get(User, kari.id)
        assert (account.active, account.password_hash) == (False, None)
        assert db.session.scalar(select(ReflectionNote)) is None
        erased = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account_erased"))
        assert erased.target == f"user:{kari.id}"


def test_deleting_needs_the_password_and_the_tick(app, client, auth, kari):
    auth.login(user=kari)
    token = csrf_token(client, "/account/delete")
    assert (
        client.post(
            "/account/delete", data={"password": "feil feil feil", "confirm": "y", "csrf_token": token}
        ).status_code
        == 400
    )
    assert client.post("/account/delete", data={"password": "x", "csrf_token": token}).status_code == 400
    with app.app_context():
        assert db.session.get(User, kari.id).active


def test_an_admin_can_export_and_erase_a_person_of_their_own_organisation_only(
    app, kari, town, make_user, make_org, client_for
):
    admin = client_for(make_user(role="admin", org=town))
    stranger_admin = client_for(make_user(role="admin", org=make_org()))
    assert stranger_admin.get(f"/admin/users/{kari.id}/data.json").status_code == 404
    token = csrf_token(stranger_admin, "/")
    assert stranger_admin.post(f"/admin/users/{kari.id}/erase", data={"csrf_token": token}).status_code == 404
    assert json.loads(admin.get(f"/admin/users/{kari.id}/data.json").get_data())["person"]["email"] == EMAIL
    response = admin.post(f"/admin/users/{kari.id}/erase", data={"csrf_token": csrf_token(admin, "/")})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, kari.id).display_name == f"Slettet bruker {kari.id}"
        recorded = db.session.execute(
            select(AuditEvent.action, AuditEvent.target, AuditEvent.actor_id)
            .where(AuditEvent.action.in_(("data_exported", "account_erased")))
            .order_by(AuditEvent.id)
        ).all()
    admin_id = recorded[0].actor_id
    assert admin_id != kari.id
    assert recorded == [
        ("data_exported", f"user:{kari.id}", admin_id),
        ("account_erased", f"user:{kari.id}", admin_id),
    ]


def test_retention_pseudonymises_old_drills_only(app, runner, make_drill, join_as):
    from app.cli import cli

    old, new = make_drill(), make_drill(team_name="Lag Sør")
    join_as(old, "Gammel Gjest")
    join_as(new, "Ny Gjest")
    with app.app_context():
        for drill_id, age in ((old.id, 400), (new.id, 10)):
            drill = db.session.get(Drill, drill_id)
            drill.ended_at = utcnow() - timedelta(days=age)
            db.session.add(
                ActionPoint(
                    drill_id=drill_id,
                    organisation_id=drill.organisation_id,
                    team_name=drill.team_name,
                    what="Gammel Gjest og Ny Gjest øver på samtalen med Gammel Gjesteby",
                    who="gammel gjest",
                )
            )
        db.session.commit()
    result = runner.invoke(cli, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Ga 1 deltakere" in result.output
    with app.app_context():
        seats = dict(db.session.execute(select(Participant.drill_id, Participant.display_name)).all())
        assert seats == {old.id: "Deltaker 1", new.id: "Ny Gjest"}
        guest_secrets = (Participant.token_hash, Participant.seat_code_hash, Participant.device_hash)
        old_seat = db.session.execute(select(*guest_secrets).where(Participant.drill_id == old.id)).one()
        new_seat = db.session.execute(select(*guest_secrets).where(Participant.drill_id == new.id)).one()
        assert tuple(old_seat) == (None, None, None) and None not in tuple(new_seat)
        points = dict(db.session.execute(select(ActionPoint.drill_id, ActionPoint.who)).all())
        assert points == {old.id: "Deltaker 1", new.id: "gammel gjest"}
        what = db.session.scalar(select(ActionPoint.what).where(ActionPoint.drill_id == old.id))
        assert what == "Deltaker 1 og Ny Gjest øver på samtalen med Gammel Gjesteby"


def test_statements_are_edited_by_the_admin_and_shown_to_everyone_safely(app, client, auth, town):
    auth.login(as_role="admin", org=town)
    text = "# Om personvern\n\nKommunen behandler **navn**.\n\n<script>alert(1)</script>"
    response = client.post(
        "/admin/settings",
        data={
            "privacy_statement": text,
            "accessibility_statement": "",
            "csrf_token": csrf_token(client, "/"),
        },
    )
    assert response.status_code == 303
    html = app.test_client().get(f"/about/{town.slug}/privacy").get_data(as_text=True)
    assert "<strong>navn</strong>" in html and "<script>alert" not in html
    empty = app.test_client().get(f"/about/{town.slug}/accessibility").get_data(as_text=True)
    assert "har ikke lagt inn denne erklæringen" in empty
    assert app.test_client().get("/about/finnes-ikke/privacy").status_code == 404


def test_a_guest_finds_the_drills_municipalitys_statements_where_they_give_their_name(
    app, town, make_user, make_drill, join_as
):
    drill = make_drill(facilitator=make_user(role="facilitator", org=town))
    link = f'href="/about/{town.slug}/privacy"'
    visitor = app.test_client()
    assert link in visitor.get(f"/drills/join/{drill.join_code}").get_data(as_text=True)
    assert link not in visitor.get("/drills/join").get_data(as_text=True)
    guest = join_as(drill, "Gjest")
    html = guest.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert link in html and f'href="/about/{town.slug}/accessibility"' in html
