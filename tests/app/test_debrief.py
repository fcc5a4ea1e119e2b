"""The debrief: stored reports, the facilitator's page, projector, own view, plan, exports and cohort."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import ActionPoint
from app.models import DebriefReport
from tests.conftest import WAITING_PATH
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token


@pytest.fixture
def started(app, client, auth, make_drill, join_as):
    """A running minimal drill run by the logged-in facilitator: Kari the teacher, Nils the nurse."""
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    teacher = join_as(drill, "Kari")
    nurse = join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, teacher, nurse, facilitator


@pytest.fixture
def played(started):
    """The minimal drill played to its good ending along the expert path."""
    drill, teacher, nurse, facilitator = started
    choose(teacher, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    choose(teacher, drill, "kontaktlaerer", "meld")
    return started


def norwegian(score: float) -> str:
    """A score as the pages show it in bokmål: one decimal with a comma, no trailing ",0"."""
    text = f"{round(score, 1):.1f}".replace(".", ",")
    return text.removesuffix(",0")


def _stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DebriefReport))


def test_ending_a_drill_stores_its_report(app, client, started):
    drill = started[0]
    assert _stored(app) == 0
    assert control(client, drill, "end").status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(DebriefReport))
        assert stored.data["scenario_id"] == "minimal"
        assert stored.total == stored.data["total"]


def test_report_is_scored_on_first_view_when_the_drill_ended_by_a_choice(app, client, played):
    drill = played[0]
    assert _stored(app) == 0  # the participant's last choice did not score anything
    assert client.get(f"/debrief/{drill.public_id}").status_code == 200
    assert _stored(app) == 1
    assert client.get(f"/debrief/{drill.public_id}").status_code == 200
    assert _stored(app) == 1


def test_debrief_page_shows_scores_timeline_choices_and_questions(client, played):
    drill = played[0]
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert "Totalt:" in html and "av 100" in html
    assert '<svg class="debrief-chart__svg" role="img"' in html and "<title" in html and "<desc" in html
    assert "<caption>Poeng per dimensjon</caption>" in html
    assert "Tidslinje per rolle" in html and "Del fraværet med helsesykepleier" in html
    assert "Valgene mot eksperten" in html and "(som eksperten)" in html
    assert "Reaksjoner" in html and "Analyse" in html and "Oppsummering" in html
    assert "Hvordan har dere det nå, rett etter øvelsen?" in html
    assert "Bidrag per rolle" in html
    assert "Rollene dro i samme retning i alle scenene." in html or "Der rollene valgte ulikt" in html


def test_role_that_did_not_act_is_shown(client, started):
    drill, teacher, _, _ = started
    choose(teacher, drill, "kontaktlaerer", "del")
    control(client, drill, "advance", scene="uke1", key="a" * 32)
    control(client, drill, "end")
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert "handlet ikke" in html


def test_console_and_overview_link_to_the_debrief(client, played):
    drill = played[0]
    link = f'href="/debrief/{drill.public_id}"'
    assert link in client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert link in client.get("/facilitate/").get_data(as_text=True)


def test_percentile_appears_once_there_are_earlier_drills(client, play_drill, played):
    drill, _, _, facilitator = played
    client.get(f"/debrief/{drill.public_id}")
    second = play_drill(facilitator, WAITING_PATH)
    html = client.get(f"/debrief/{second.public_id}").get_data(as_text=True)
    assert "Persentil" in html
    assert "Persentil" not in client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)


def test_projector_shows_chart_and_questions_without_people(client, played):
    drill = played[0]
    html = client.get(f"/debrief/{drill.public_id}/projector").get_data(as_text=True)
    assert "<svg" in html and "Hvordan har dere det nå, rett etter øvelsen?" in html
    assert "Kari" not in html and "Nils" not in html and "Bidrag per rolle" not in html
    html = client.get(f"/debrief/{drill.public_id}/projector?phase=summary").get_data(as_text=True)
    assert 'aria-current="step">Oppsummering' in html
    html = client.get(f"/debrief/{drill.public_id}/projector?phase=description").get_data(as_text=True)
    assert "Saken gikk over 7 dager og 2 scener" in html and "Kontaktlærer delte" not in html


def test_participant_sees_only_their_own_choices(played):
    drill, teacher, nurse, _ = played
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert f'href="/debrief/{drill.public_id}/mine"' in html
    mine = teacher.get(f"/debrief/{drill.public_id}/mine").get_data(as_text=True)
    assert "Del fraværet med helsesykepleier" in mine and "Meld til barnevernet" in mine
    assert "Tilby samtale" not in mine
    theirs = nurse.get(f"/debrief/{drill.public_id}/mine").get_data(as_text=True)
    assert "Tilby samtale" in theirs and "Del fraværet med helsesykepleier" not in theirs


@pytest.mark.parametrize(
    "path", ["", "/projector", "/export.csv", "/export.json", "/report.pdf"], ids=lambda p: p or "show"
)
def test_participants_and_guests_get_403_on_facilitator_pages(client_for, make_user, played, path):
    drill, teacher, _, facilitator = played
    assert teacher.get(f"/debrief/{drill.public_id}{path}").status_code == 403
    member = client_for(make_user(role="participant", org=SimpleNamespace(id=facilitator.organisation_id)))
    assert member.get(f"/debrief/{drill.public_id}{path}").status_code == 403


@pytest.mark.parametrize("path", ["", "/projector", "/export.csv", "/report.pdf"], ids=lambda p: p or "show")
def test_other_organisation_gets_404(client_for, make_user, played, path):
    drill = played[0]
    stranger = client_for(make_user(role="admin"))
    assert stranger.get(f"/debrief/{drill.public_id}{path}").status_code == 404


def test_mine_is_404_for_strangers_and_before_the_end(app, client, started):
    drill, teacher, _, _ = started
    assert teacher.get(f"/debrief/{drill.public_id}/mine").status_code == 404
    assert app.test_client().get(f"/debrief/{drill.public_id}/mine").status_code == 404
    assert client.get(f"/debrief/{drill.public_id}").status_code == 404  # not ended yet


def test_anonymous_visitor_is_sent_to_login(app, played):
    drill = played[0]
    response = app.test_client().get(f"/debrief/{drill.public_id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_action_points_are_shown_again_at_the_teams_next_drill(app, client, make_drill, played):
    drill, _, _, facilitator = played
    token = csrf_token(client, f"/debrief/{drill.public_id}")
    response = client.post(
        f"/debrief/{drill.public_id}/actions",
        data={"csrf_token": token, "what": "Avtal hvem som melder", "who": "Rektor", "due": "2027-01-15"},
    )
    assert response.status_code == 303
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert "Avtal hvem som melder" in html and "Rektor" in html
    again = make_drill(facilitator=facilitator, team_name="Lag Nord")
    console = client.get(f"/facilitate/drills/{again.public_id}").get_data(as_text=True)
    assert "Forbedringspunkter fra forrige øvelse" in console and "Avtal hvem som melder" in console
    other = make_drill(facilitator=facilitator, team_name="Lag Sør")
    assert "Forbedringspunkter fra forrige øvelse" not in client.get(
        f"/facilitate/drills/{other.public_id}"
    ).get_data(as_text=True)


def test_action_points_of_a_test_drill_are_not_carried_to_the_teams_next_drill(
    app, client, make_drill, played
):
    drill, _, _, facilitator = played
    token = csrf_token(client, f"/debrief/{drill.public_id}")
    data = {"csrf_token": token, "what": "Avtal hvem som melder", "who": "Rektor"}
    assert client.post(f"/debrief/{drill.public_id}/actions", data=data).status_code == 303
    assert control(client, drill, "test", test="1").status_code == 303
    again = make_drill(facilitator=facilitator, team_name="Lag Nord")
    console = client.get(f"/facilitate/drills/{again.public_id}").get_data(as_text=True)
    assert "Forbedringspunkter fra forrige øvelse" not in console
    assert "Avtal hvem som melder" not in console


def test_action_point_needs_what_and_who(app, client, played):
    drill = played[0]
    token = csrf_token(client, f"/debrief/{drill.public_id}")
    response = client.post(f"/debrief/{drill.public_id}/actions", data={"csrf_token": token, "what": ""})
    assert response.status_code == 400
    assert "Skriv hva som skal gjøres." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ActionPoint)) == 0


def test_only_the_drills_facilitator_adds_action_points(client_for, make_user, played):
    drill, _, _, facilitator = played
    colleague = client_for(make_user(role="facilitator", org=SimpleNamespace(id=facilitator.organisation_id)))
    assert colleague.get(f"/debrief/{drill.public_id}").status_code == 200
    token = csrf_token(colleague, f"/debrief/{drill.public_id}")
    data = {"csrf_token": token, "what": "Noe", "who": "Noen"}
    assert colleague.post(f"/debrief/{drill.public_id}/actions", data=data).status_code == 403


def test_csv_export_has_events_and_scores_and_guards_formulas(client, played):
    drill = played[0]
    response = client.get(f"/debrief/{drill.public_id}/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.get_data().startswith("\ufeff".encode())
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["kind"] for row in rows} == {"event", "score"}
    assert any(row["type"] == "choose" and row["choice"] == "del" for row in rows)
    assert any(row["name"] == "total" for row in rows)


def test_the_csv_names_roles_scenes_and_choices_in_words_beside_their_ids(client, played):
    text = client.get(f"/debrief/{played[0].public_id}/export.csv").get_data().decode("utf-8-sig")
    chosen = next(row for row in csv.DictReader(io.StringIO(text)) if row["choice"] == "del")
    assert chosen["role_name"] == "Kontaktlærer"
    assert chosen["scene_title"] == "Uke 1"
    assert chosen["choice_text"] == "Del fraværet med helsesykepleier"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("Lag Nord", "Lag Nord"),
        (5, 5),
    ],
)
def test_formula_guard(value, expected):
    from app.debrief.screens import safe_cell

    assert safe_cell(value) == expected


def test_json_export_has_report_and_events(client, played):
    drill = played[0]
    data = json.loads(client.get(f"/debrief/{drill.public_id}/export.json").get_data(as_text=True))
    assert data["report"]["scenario_id"] == "minimal"
    assert [event["type"] for event in data["events"]][:1] == ["choose"]


def test_pdf_report_contains_total_and_dimension_scores(app, client, played):
    from pypdf import PdfReader

    drill = played[0]
    response = client.get(f"/debrief/{drill.public_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    with app.app_context():
        stored = db.session.scalar(select(DebriefReport))
    assert f"Totalt: {norwegian(stored.data['total'])} av 100" in " ".join(text.split())
    assert "Tidlig og riktig eskalering" in text
    for dimension in stored.data["dimensions"]:
        if dimension["score"] is not None:
            assert norwegian(dimension["score"]) in text


def test_cohort_shows_monthly_averages_and_interfaces(client, played):
    drill = played[0]
    client.get(f"/debrief/{drill.public_id}")
    html = client.get("/debrief/cohort").get_data(as_text=True)
    assert "Et lite scenario" in html and "Tidlig og riktig eskalering" in html
    assert "Svakeste grenseflater" in html


def test_cohort_names_the_interface_where_information_went_missing(client, started):
    drill, teacher, nurse, _ = started
    choose(teacher, drill, "kontaktlaerer", "vent")
    choose(nurse, drill, "helsesykepleier", "samtale")
    client.get(f"/debrief/{drill.public_id}")
    html = client.get("/debrief/cohort").get_data(as_text=True)
    interfaces = html.split('id="interfaces-heading"', 1)[1]
    assert "<td>Kontaktlærer</td><td>Helsesykepleier</td><td>1</td>" in interfaces


def test_cohort_is_for_facilitators_and_scoped_to_the_organisation(client_for, make_user, played):
    drill, teacher, _, _ = played
    assert teacher.get("/debrief/cohort").status_code == 403
    stranger = client_for(make_user(role="facilitator"))
    assert "Et lite scenario" not in stranger.get("/debrief/cohort").get_data(as_text=True)


def test_drill_ended_in_the_lobby_still_has_a_debrief(client, auth, make_drill):
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    assert control(client, drill, "end").status_code == 303
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert "Samlet resultat" in html and "Ingen valg ble tatt." in html
    # No choices: nothing shows the roles agreed, and no dimension is praised as perfect.
    assert "Rollene dro i samme retning" not in html
    assert "Ingen scene hadde valg fra flere roller å sammenligne." in html


def test_critical_error_comes_first_and_caps_the_total(client, started):
    drill, teacher, nurse, _ = started
    choose(teacher, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    # In week 2 the report is due, and the facilitator moves on before anyone sends it.
    control(client, drill, "advance", scene="uke2", key="b" * 32)
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert html.index("Kritiske feil") < html.index("Samlet resultat") < html.index("Dimensjoner")
    # The team did well otherwise, so the cap lowered the total and the page says so.
    assert "Totalen er begrenset til 50 fordi teamet gjorde en kritisk feil" in html


def test_ending_still_works_when_scoring_fails(app, client, started, monkeypatch):
    from app.debrief import services

    def broken(drill):
        raise RuntimeError("scoring bug")

    monkeypatch.setattr(services, "score_report", broken)
    drill = started[0]
    assert control(client, drill, "end").status_code == 303
    assert _stored(app) == 0
    monkeypatch.undo()
    assert client.get(f"/debrief/{drill.public_id}").status_code == 200
    assert _stored(app) == 1


def test_team_progress_appears_from_the_teams_second_drill(app, client, play_drill, played):
    drill, _, _, facilitator = played
    first = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert "Lagets utvikling" not in first
    again = play_drill(facilitator, WAITING_PATH)  # the teacher waits: a much weaker run
    html = client.get(f"/debrief/{again.public_id}").get_data(as_text=True)
    assert "Lagets utvikling" in html
    assert "har 2 øvelser med debrief" in html
    with app.app_context():
        totals = [r.total for r in db.session.scalars(select(DebriefReport).order_by(DebriefReport.id))]
    change = totals[1] - totals[0]
    assert change < 0
    assert norwegian(change) in html
    other_team = play_drill(facilitator, WAITING_PATH, team_name="Lag Sør")
    assert "Lagets utvikling" not in client.get(f"/debrief/{other_team.public_id}").get_data(as_text=True)
