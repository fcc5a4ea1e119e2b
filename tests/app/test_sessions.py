"""Training sessions (økter): teams created together, one live overview, session-wide controls,
broadcast messages, co-facilitators and the projector with every code."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.library import sync_library
from app.models import Drill
from app.models import DrillEvent
from app.models import ScenarioVersion
from app.models import TrainingSession
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import drill_state


@pytest.fixture
def app_config(minimal_library):
    return {"SCENARIO_LIBRARY": str(minimal_library)}


@pytest.fixture
def library(app):
    with app.app_context():
        sync_library()
        db.session.commit()
        return db.session.scalar(select(ScenarioVersion.id))


def create(client, library, teams: str = "2", session_name: str = "Fagdag desember", team: str = "Fagdag"):
    """Submit the create form as a facilitator would."""
    data = {
        "scenario": library,
        "team_name": team,
        "teams": teams,
        "session_name": session_name,
        "csrf_token": csrf_token(client, "/"),
    }
    return client.post("/facilitate/drills/new", data=data)


@pytest.fixture
def day(app, client, auth, library):
    """A session of two teams created by the logged-in facilitator; returns (session public id, drills)."""
    facilitator = auth.login(as_role="facilitator")
    response = create(client, library)
    assert response.status_code == 303
    public_id = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        session = db.session.scalar(select(TrainingSession).where(TrainingSession.public_id == public_id))
        drills = list(
            db.session.scalars(select(Drill).where(Drill.session_id == session.id).order_by(Drill.id))
        )
        for drill in drills:
            db.session.expunge(drill)
    return public_id, drills, facilitator


def post(client, path: str, **data):
    """Post a session control with a fresh CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/drills/join"), **data})


def cast(app, client, join_as, drill, *names: str):
    """Join ``names`` as guests and give them the two roles of the minimal scenario."""
    guests = [join_as(drill, name) for name in names]
    roles = dict(
        zip(("kontaktlaerer", "helsesykepleier"), names * 2 if len(names) == 1 else names, strict=False)
    )
    assert assign(app, client, drill, roles).status_code == 303
    return guests


def test_several_teams_make_one_named_session_in_team_order(app, client, day):
    public_id, drills, facilitator = day
    with app.app_context():
        session = db.session.scalar(select(TrainingSession).where(TrainingSession.public_id == public_id))
        assert session.name == "Fagdag desember" and session.facilitator_id == facilitator.id
    assert [(d.team_name, d.team_number) for d in drills] == [("Fagdag 1", 1), ("Fagdag 2", 2)]
    html = client.get(f"/facilitate/sessions/{public_id}").get_data(as_text=True)
    assert "<h1>Fagdag desember</h1>" in html
    assert html.index("Fagdag 1") < html.index("Fagdag 2")
    for drill in drills:
        assert drill.join_code in html
    index = client.get("/facilitate/").get_data(as_text=True)
    assert f"/facilitate/sessions/{public_id}" in index
    assert index.index(">Fagdag 1<") < index.index(">Fagdag 2<")


def test_one_team_makes_no_session(app, client, auth, library):
    auth.login(as_role="facilitator")
    response = create(client, library, teams="1")
    assert response.headers["Location"].startswith("/facilitate/drills/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 0


def test_the_form_says_the_limit_of_200_teams_and_keeps_it(app, client, auth, library):
    auth.login(as_role="facilitator")
    form = client.get("/facilitate/drills/new").get_data(as_text=True)
    assert "Du kan lage opptil 200 lag om gangen." in form and "én økt med felles oversikt" in form
    response = create(client, library, teams="201")
    assert response.status_code == 400 and "Velg mellom 1 og 200 lag." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Drill)) == 0


def test_the_overview_poll_answers_304_until_a_team_changes(app, client, day, join_as):
    public_id, drills, _ = day
    path = f"/facilitate/sessions/{public_id}/state"
    first = client.get(path, headers={"HX-Request": "true"})
    assert first.status_code == 200 and 'id="session-state"' in first.get_data(as_text=True)
    assert "<html" not in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    assert client.get(path, headers={"HX-Request": "true", "If-None-Match": etag}).status_code == 304
    join_as(drills[1], "Ola")
    again = client.get(path, headers={"HX-Request": "true", "If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert 'role="status" aria-live="polite"' in again.get_data(as_text=True)


def test_start_all_starts_the_ready_teams_and_names_the_others(app, client, day, join_as):
    public_id, drills, _ = day
    cast(app, client, join_as, drills[0], "Kari", "Nils")
    response = post(client, f"/facilitate/sessions/{public_id}/start")
    assert response.status_code == 303
    assert drill_state(app, drills[0].public_id).status == "running"
    assert drill_state(app, drills[1].public_id).status == "lobby"
    html = client.get(f"/facilitate/sessions/{public_id}").get_data(as_text=True)
    assert "1 lag er i gang." in html and "Ikke startet" in html and "Fagdag 2." in html
    assert post(client, f"/facilitate/sessions/{public_id}/pause").status_code == 303
    assert drill_state(app, drills[0].public_id).status == "paused"
    assert post(client, f"/facilitate/sessions/{public_id}/resume").status_code == 303
    assert drill_state(app, drills[0].public_id).status == "running"


def test_the_overview_counts_each_waiting_person_once_with_their_roles(app, client, day, join_as):
    public_id, drills, _ = day
    cast(app, client, join_as, drills[0], "Kari")
    assert post(client, f"/facilitate/sessions/{public_id}/start").status_code == 303
    html = client.get(f"/facilitate/sessions/{public_id}").get_data(as_text=True)
    assert "Kari (Kontaktlærer, Helsesykepleier)" in html
    assert "0 av " in html and "Ingen</td>" in html


def test_a_broadcast_reaches_the_chosen_team_and_role_once(app, client, day, join_as):
    public_id, drills, _ = day
    kari, nils = cast(app, client, join_as, drills[0], "Kari", "Nils")
    cast(app, client, join_as, drills[1], "Ola", "Per")
    assert post(client, f"/facilitate/sessions/{public_id}/start").status_code == 303
    data = {"text": "Rektor ringer: møt i gymsalen.", "teams": str(drills[0].id), "roles": "helsesykepleier"}
    for _ in range(2):  # a double click sends once
        assert (
            post(client, f"/facilitate/sessions/{public_id}/broadcast", key="a" * 32, **data).status_code
            == 303
        )
    with app.app_context():
        events = db.session.scalars(select(DrillEvent).where(DrillEvent.type == "message")).all()
        assert [(e.drill_id, e.payload["to"]) for e in events] == [(drills[0].id, ["helsesykepleier"])]
    nurse = nils.get(f"/drills/{drills[0].public_id}/play").get_data(as_text=True)
    assert "Melding fra fasilitator: Rektor ringer: møt i gymsalen." in nurse
    teacher = kari.get(f"/drills/{drills[0].public_id}/play").get_data(as_text=True)
    assert "Rektor ringer" not in teacher


def test_a_broadcast_without_text_is_refused_and_records_nothing(app, client, day):
    public_id, _, _ = day
    response = post(client, f"/facilitate/sessions/{public_id}/broadcast", key="b" * 32, text="  ")
    assert response.status_code == 400
    assert "Skriv meldingen som skal sendes." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DrillEvent)) == 0


def test_a_co_facilitator_shares_the_console(app, client, day, make_user, client_for, join_as):
    public_id, drills, facilitator = day
    colleague = make_user(role="facilitator", org=SimpleNamespace(id=facilitator.organisation_id))
    other = client_for(colleague)
    assert post(other, f"/facilitate/drills/{drills[0].public_id}/pause").status_code == 403
    assert (
        post(client, f"/facilitate/sessions/{public_id}/facilitators", user=str(colleague.id)).status_code
        == 303
    )
    assert colleague.display_name in client.get(f"/facilitate/sessions/{public_id}").get_data(as_text=True)
    cast(app, other, join_as, drills[0], "Kari", "Nils")
    assert post(other, f"/facilitate/drills/{drills[0].public_id}/start").status_code == 303
    assert drill_state(app, drills[0].public_id).status == "running"
    assert post(other, f"/facilitate/sessions/{public_id}/pause").status_code == 303
    assert f"/facilitate/sessions/{public_id}" in other.get("/facilitate/").get_data(as_text=True)


def test_only_colleagues_of_the_organisation_can_be_co_facilitators(app, client, day, make_user, make_org):
    public_id, _, facilitator = day
    stranger = make_user(role="facilitator", org=make_org())
    member = make_user(role="participant", org=SimpleNamespace(id=facilitator.organisation_id))
    for person in (stranger, member):
        response = post(client, f"/facilitate/sessions/{public_id}/facilitators", user=str(person.id))
        assert response.status_code == 303
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Velg en fasilitator fra din egen organisasjon." in html
    with app.app_context():
        session = db.session.scalar(select(TrainingSession).where(TrainingSession.public_id == public_id))
        assert session.co_facilitators == []


def test_the_projector_shows_every_code_with_a_qr_code_then_the_lobby_then_progress(
    app, client, day, join_as
):
    public_id, drills, _ = day
    html = client.get(f"/facilitate/sessions/{public_id}/projector").get_data(as_text=True)
    for drill in drills:
        assert drill.join_code in html
    # One QR code for the session's own code, one for each team's.
    assert html.count("<svg") == 3 and "0 har blitt med" in html
    cast(app, client, join_as, drills[0], "Kari", "Nils")
    html = client.get(f"/facilitate/sessions/{public_id}/projector").get_data(as_text=True)
    assert "2 har blitt med" in html and "Kari, Nils" in html
    assert post(client, f"/facilitate/sessions/{public_id}/start").status_code == 303
    html = client.get(f"/facilitate/sessions/{public_id}/projector").get_data(as_text=True)
    assert re.search(r"0 av \d+ scener", html) and html.count("<svg") == 2


def test_the_overview_shows_a_teams_critical_flags_so_far(app, client, day, join_as):
    public_id, drills, _ = day
    kari, nils = cast(app, client, join_as, drills[0], "Kari", "Nils")
    cast(app, client, join_as, drills[1], "Ola", "Per")
    assert post(client, f"/facilitate/sessions/{public_id}/start").status_code == 303
    choose(kari, drills[0], "kontaktlaerer", "del")
    choose(nils, drills[0], "helsesykepleier", "samtale")
    # Moving on from «Uke 2» without the report due there: a missed report, which is critical.
    assert control(client, drills[0], "advance", scene="uke2", key="c" * 32).status_code == 303
    html = client.get(f"/facilitate/sessions/{public_id}").get_data(as_text=True)
    rows = html.split("<tr>")[2:]
    assert 'class="flag-critical"' in rows[0] and 'class="flag-critical"' not in rows[1]
