"""The leaders' overview: statuses per person and course, unit-leader scoping, CSV, drill participation."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from app.learning.services import add_months
from app.learning.services import oslo_today
from tests.app.test_learning_expiry import add_completion
from tests.app.test_learning_expiry import library_config
from tests.conftest import csrf_token


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    return library_config(tmp_path)


@pytest.fixture
def town(app, make_org, make_user):
    """Fjordvik with two units, an admin, a leader of the school, and people in each unit; and a stranger."""
    from app.admin.services import create_unit
    from app.extensions import db
    from app.models import Organisation
    from app.models import User

    org = make_org("Fjordvik kommune")
    with app.app_context():
        organisation = db.session.get(Organisation, org.id)
        school = create_unit(organisation, "Fjordvik skole")
        ppt = create_unit(organisation, "PPT")
        db.session.commit()
        units = {"school": school.id, "ppt": ppt.id}
    people = {
        "admin": make_user(role="admin", org=org, name="Anne Admin"),
        "leader": make_user(role="participant", org=org, name="Lars Leder"),
        "teacher": make_user(org=org, name="Kari Lærer"),
        "nurse": make_user(org=org, name='=HYPERLINK("http://x")'),
        "psych": make_user(org=org, name="Per PPT"),
        "stranger": make_user(org=make_org("Annen kommune"), name="Fremmed Person"),
    }
    with app.app_context():
        for key, unit in (("leader", "school"), ("teacher", "school"), ("nurse", "school"), ("psych", "ppt")):
            db.session.get(User, people[key].id).unit_id = units[unit]
        db.session.commit()
    return org, units, people


def complete(app, user, course_id, completed_on):
    add_completion(app, user.id, course_id, completed_on, add_months(completed_on, 12), score_percent=90.0)


def make_leader(admin_client, user, unit_ids):
    token = csrf_token(admin_client, f"/admin/users/{user.id}")
    return admin_client.post(
        f"/courses/leaders/{user.id}", data={"csrf_token": token, "units": [str(u) for u in unit_ids]}
    )


def row_of(html: str, name: str) -> str:
    start = html.index(f'<th scope="row">{name}</th>')
    return html[start : html.index("</tr>", start)]


def test_participants_without_units_to_lead_get_403(client, auth):
    auth.login()
    assert client.get("/courses/overview").status_code == 403
    assert client.get("/courses/overview.csv").status_code == 403
    assert "Oversikt for ledere" not in client.get("/courses/").get_data(as_text=True)


def test_admin_sees_the_whole_organisation_with_each_status(app, town, client_for):
    _, _, people = town
    today = oslo_today()
    complete(app, people["teacher"], "grunnleggende-bti", today - timedelta(days=10))  # valid
    complete(
        app, people["teacher"], "bekymringssamtalen", add_months(today, -12) + timedelta(days=20)
    )  # expiring
    complete(app, people["psych"], "grunnleggende-bti", add_months(today, -13))  # expired
    html = client_for(people["admin"]).get("/courses/overview").get_data(as_text=True)
    for name in ("Anne Admin", "Lars Leder", "Kari Lærer", "Per PPT"):
        assert f'<th scope="row">{name}</th>' in html
    assert "Fremmed Person" not in html
    teacher = row_of(html, "Kari Lærer")
    assert "Gyldig til" in teacher
    assert "Utløper " in teacher and "Utløper snart til" not in teacher
    assert "Mangler" in teacher
    assert "Utløpt" in row_of(html, "Per PPT")
    # Counts per course: of the five people, BTI has one valid, one expired and three missing.
    start = html.index('<th scope="row">Grunnleggende BTI</th>')
    counts = html[start : html.index("</tr>", start)]
    assert counts.count("<td>") == 4
    assert "<td>1</td><td>0</td><td>1</td><td>3</td>" in counts


def test_latest_completion_counts_in_the_overview(app, town, client_for):
    _, _, people = town
    today = oslo_today()
    complete(app, people["psych"], "grunnleggende-bti", add_months(today, -13))
    complete(app, people["psych"], "grunnleggende-bti", today)
    html = client_for(people["admin"]).get("/courses/overview").get_data(as_text=True)
    assert "Utløpt" not in row_of(html, "Per PPT")


def test_unit_leader_sees_only_the_units_they_lead(app, town, client_for):
    _, units, people = town
    admin = client_for(people["admin"])
    response = make_leader(admin, people["leader"], [units["school"]])
    assert response.status_code == 303
    leader = client_for(people["leader"])
    html = leader.get("/courses/overview").get_data(as_text=True)
    assert "Kari Lærer" in html
    assert "Per PPT" not in html
    assert "Anne Admin" not in html
    assert "Fremmed Person" not in html
    # Filtering by a unit they do not lead shows their own units, not the other one.
    assert "Per PPT" not in leader.get(f"/courses/overview?unit={units['ppt']}").get_data(as_text=True)
    assert "Per PPT" not in leader.get("/courses/overview.csv").get_data(as_text=True)
    # Removing the units takes the overview away again.
    make_leader(admin, people["leader"], [])
    assert leader.get("/courses/overview").status_code == 403


def test_admin_filters_by_unit(app, town, client_for):
    _, units, people = town
    html = client_for(people["admin"]).get(f"/courses/overview?unit={units['ppt']}").get_data(as_text=True)
    assert "Per PPT" in html
    assert "Kari Lærer" not in html
    assert "1 person" in html
    # A unit id that is not a number, or not theirs, shows everyone rather than failing.
    for bad in ("abc", "999999", "%27%3B--"):
        response = client_for(people["admin"]).get(f"/courses/overview?unit={bad}")
        assert response.status_code == 200
        assert "Per PPT" in response.get_data(as_text=True)


def test_only_admins_assign_unit_leaders_within_their_organisation(town, client_for):
    _, units, people = town
    leader = client_for(people["leader"])
    assert make_leader(leader, people["teacher"], [units["school"]]).status_code == 403
    admin = client_for(people["admin"])
    assert make_leader(admin, people["stranger"], [units["school"]]).status_code == 404
    # A unit id that is not among the organisation's units is a bad form, not a silent change.
    other_unit = 999_999
    response = make_leader(admin, people["teacher"], [other_unit])
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    page = admin.get(f"/admin/users/{people['teacher'].id}").get_data(as_text=True)
    assert "Enhetsleder for" in page
    assert "Fjordvik skole" in page


def test_csv_is_semicolon_separated_utf8_with_bom_and_formula_guarded(app, town, client_for):
    _, _, people = town
    complete(app, people["teacher"], "grunnleggende-bti", oslo_today())
    response = client_for(people["admin"]).get("/courses/overview.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:5] == ["Navn", "E-postadresse", "Enhet", "Øvelser siste 12 måneder", "Siste øvelse"]
    assert "Grunnleggende BTI" in header
    by_name = {row[0]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in by_name
    teacher = by_name["Kari Lærer"]
    column = header.index("Grunnleggende BTI")
    assert teacher[column] == "Gyldig"
    assert teacher[column + 1] == add_months(oslo_today(), 12).isoformat()
    assert "Fremmed Person" not in by_name


def test_drill_participation_counts_drills_of_the_last_twelve_months(app, town, make_drill, make_user):
    from app.extensions import db
    from app.learning.overview import drill_participation
    from app.models import Drill
    from app.models import Participant
    from app.models import utcnow

    org, _, people = town
    facilitator = make_user(role="facilitator", org=org)
    now = utcnow()
    starts = [now - timedelta(days=2), now - timedelta(days=40), now - timedelta(days=400), None]
    drill_ids = [make_drill(facilitator=facilitator).id for _ in starts]
    with app.app_context():
        for drill_id, started in zip(drill_ids, starts, strict=True):
            db.session.get(Drill, drill_id).started_at = started
            db.session.add(Participant(drill_id=drill_id, display_name="Kari", user_id=people["teacher"].id))
        # Two seats in one drill count once.
        db.session.add(
            Participant(drill_id=drill_ids[0], display_name="Kari 2", user_id=people["teacher"].id)
        )
        db.session.commit()
        counts = drill_participation([people["teacher"].id, people["psych"].id], now - timedelta(days=365))
    count, last = counts[people["teacher"].id]
    assert count == 2
    assert abs((last - starts[0]).total_seconds()) < 1
    assert people["psych"].id not in counts


def test_drill_participation_leaves_out_test_and_incomplete_drills(app, town, make_drill, make_user):
    from app.extensions import db
    from app.learning.overview import drill_participation
    from app.models import Drill
    from app.models import Participant
    from app.models import utcnow

    org, _, people = town
    facilitator = make_user(role="facilitator", org=org)
    now = utcnow()
    marks = [{}, {"is_test": True}, {"incomplete": True}]
    drill_ids = [make_drill(facilitator=facilitator).id for _ in marks]
    with app.app_context():
        for drill_id, mark in zip(drill_ids, marks, strict=True):
            drill = db.session.get(Drill, drill_id)
            drill.started_at = now - timedelta(days=5)
            for name, value in mark.items():
                setattr(drill, name, value)
            db.session.add(Participant(drill_id=drill_id, display_name="Kari", user_id=people["teacher"].id))
        db.session.commit()
        counts = drill_participation([people["teacher"].id], now - timedelta(days=365))
    assert counts[people["teacher"].id][0] == 1


def test_overview_page_shows_drill_participation(app, town, make_drill, make_user, client_for):
    from app.extensions import db
    from app.models import Drill
    from app.models import Participant
    from app.models import utcnow

    org, _, people = town
    drill_id = make_drill(facilitator=make_user(role="facilitator", org=org)).id
    with app.app_context():
        db.session.get(Drill, drill_id).started_at = utcnow() - timedelta(days=3)
        db.session.add(Participant(drill_id=drill_id, display_name="Per", user_id=people["psych"].id))
        db.session.commit()
    html = client_for(people["admin"]).get("/courses/overview").get_data(as_text=True)
    row = row_of(html, "Per PPT")
    assert "<td>1</td>" in row
    assert "<td>0</td>" in row_of(html, "Kari Lærer")
