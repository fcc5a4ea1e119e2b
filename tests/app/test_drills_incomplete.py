"""Incomplete drills: ended before an ending, said first in every debrief view, and compared with nothing.

The defects from issue 10: a drill ended with no choices, or after 3 of 7 scenes, got a believable
score that fed percentiles, cohort averages and the team's progress. Here such drills are marked
"ufullstendig", every debrief view and export says so before anything else, and they are left out of
all comparisons. The scores themselves belong to the scoring library's tests.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.debrief import services
from app.extensions import db
from app.models import DebriefReport
from app.models import Drill
from app.models import Participant
from app.models import RoleAssignment
from scenarios.play import waiting_for
from scenarios.profiles import expert_choice
from tests.conftest import EXPERT_PATH
from tests.conftest import WAITING_PATH
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import drill_state

BANNER = (
    "Øvelsen ble avsluttet før en slutt. Bare det som ble spilt er vurdert, "
    "og den teller ikke med i sammenligninger."
)
LIBRARY = Path(__file__).resolve().parents[2] / "scenarios" / "library"
SEVEN_SCENES = "blamerker-i-barnehagen"


@pytest.fixture
def facilitator(auth):
    return auth.login(as_role="facilitator")


def _load(public_id: str) -> Drill:
    return db.session.scalar(select(Drill).where(Drill.public_id == public_id))


def _stored(app, drill) -> DebriefReport:
    with app.app_context():
        stored = db.session.scalar(select(DebriefReport).where(DebriefReport.drill_id == drill.id))
        db.session.expunge(stored)
    return stored


def _library_drill(app, make_drill, join_as, facilitator) -> Drill:
    """A running drill of the seven-scene library scenario; one guest, Kari, plays every role."""
    drill = make_drill(facilitator=facilitator, library=LIBRARY, scenario=SEVEN_SCENES)
    join_as(drill, "Kari")
    with app.app_context():
        kari = db.session.scalar(select(Participant).where(Participant.drill_id == drill.id))
        for role in _load(drill.public_id).scenario.role_ids:
            db.session.add(RoleAssignment(drill_id=drill.id, role_id=role, participant_id=kari.id))
        db.session.commit()
        from app.facilitate.services import start_drill

        start_drill(_load(drill.public_id))
        db.session.commit()
    return drill


def _play_expert_scenes(app, drill, scenes: int) -> dict:
    """Record the expert team's choices until ``scenes`` scenes are over (or the drill ends); the state."""
    from app.drills.services import record_event

    with app.app_context():
        current = _load(drill.public_id)
        scenario = current.scenario
        for _ in range(200):
            state = current.state
            if state["status"] != "running" or state["round"] > scenes:
                break
            role = next((r for r in waiting_for(scenario, state) if expert_choice(scenario, state, r)), None)
            if role is None:
                event = {"type": "advance", "scene": state["scene"]}
            else:
                choice = expert_choice(scenario, state, role)
                event = {"type": "choose", "role": role, "choice": choice.id, "scene": state["scene"]}
            assert record_event(current, event).ok
            db.session.commit()
        return current.state


def _banner_comes_first(html: str) -> None:
    assert BANNER in html
    start = html.index(BANNER)
    for later in ("Samlet resultat", "Kritiske feil", "Dimensjoner", "Valgene mot eksperten"):
        if later in html:
            assert start < html.index(later), later


# --- The defects, on the seven-scene library scenario -------------------------------------------


@pytest.mark.parametrize("scenes", [0, 3], ids=["no choices", "3 of 7 scenes"])
def test_a_drill_ended_early_is_incomplete_says_so_first_and_feeds_no_comparison(
    app, client, make_drill, join_as, facilitator, scenes
):
    whole = _library_drill(app, make_drill, join_as, facilitator)
    assert _play_expert_scenes(app, whole, scenes=99)["ending"] is not None
    client.get(f"/debrief/{whole.public_id}")

    early = _library_drill(app, make_drill, join_as, facilitator)
    state = _play_expert_scenes(app, early, scenes)
    assert state["round"] == scenes + 1 and state["ending"] is None
    assert control(client, early, "end").status_code == 303
    assert drill_state(app, early.public_id).incomplete

    html = client.get(f"/debrief/{early.public_id}").get_data(as_text=True)
    _banner_comes_first(html)
    assert "Persentil" not in html  # not ranked against the whole drill
    assert _stored(app, early).data["percentiles"] is None

    later = _library_drill(app, make_drill, join_as, facilitator)
    _play_expert_scenes(app, later, scenes=99)
    client.get(f"/debrief/{later.public_id}")
    with app.app_context():
        assert len(services.earlier_reports(_load(later.public_id))) == 1  # the whole drill only
        cohort, _ = services.organisation_cohort(_load(later.public_id).organisation)
        assert sum(row.n for row in cohort.for_scenario(SEVEN_SCENES)) == 2
        progress = services.team_progress(_load(later.public_id))
        assert [run.drill_id for run in progress.runs] == [whole.public_id, later.public_id]
        assert services.team_progress(_load(early.public_id)) is None
    assert "Lagets utvikling" not in html


# --- Marked when the drill ends -------------------------------------------------------------------


def test_ending_in_the_lobby_or_midway_marks_the_drill_incomplete(
    app, client, facilitator, make_drill, play_drill
):
    lobby = make_drill(facilitator=facilitator)
    control(client, lobby, "end")
    midway = play_drill(facilitator, EXPERT_PATH[:2], end=True)  # scene 1 of 2 done
    assert drill_state(app, lobby.public_id).incomplete
    assert drill_state(app, midway.public_id).incomplete


def test_a_drill_that_reaches_any_ending_is_complete_and_has_no_banner(app, client, facilitator, play_drill):
    good = play_drill(facilitator, EXPERT_PATH)
    weak = play_drill(facilitator, WAITING_PATH, team_name="Lag Sør")
    for drill in (good, weak):
        assert drill.status == "ended" and not drill.incomplete
        html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
        assert BANNER not in html and "Ufullstendig" not in html
    assert "Ufullstendig" not in client.get("/facilitate/").get_data(as_text=True)


def test_ending_a_drill_after_it_reached_its_ending_keeps_it_complete(app, client, facilitator, play_drill):
    drill = play_drill(facilitator, EXPERT_PATH)
    assert control(client, drill, "end").status_code == 303  # "already ended": nothing changes
    assert not drill_state(app, drill.public_id).incomplete


# --- Said first in every view and export --------------------------------------------------------


@pytest.fixture
def incomplete(facilitator, play_drill):
    """A minimal drill the facilitator ended after the first of its two scenes."""
    return play_drill(facilitator, EXPERT_PATH[:2], end=True)


def test_every_debrief_view_opens_with_the_banner(client, join_as, incomplete):
    for path in ("", "/projector"):
        html = client.get(f"/debrief/{incomplete.public_id}{path}").get_data(as_text=True)
        _banner_comes_first(html)
        assert 'class="notice notice--incomplete"' in html


def test_the_drill_list_labels_the_drill_incomplete_in_words(client, incomplete):
    html = client.get("/facilitate/").get_data(as_text=True)
    row = html.split(f'href="/facilitate/drills/{incomplete.public_id}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="tag">Ufullstendig</span>' in row


def test_the_participants_own_view_opens_with_the_banner(app, facilitator, make_drill, join_as, client):
    drill = make_drill(facilitator=facilitator)
    kari, nils = join_as(drill, "Kari"), join_as(drill, "Nils")
    assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"})
    control(client, drill, "start")
    choose(kari, drill, "kontaktlaerer", "del")
    control(client, drill, "end")
    html = kari.get(f"/debrief/{drill.public_id}/mine").get_data(as_text=True)
    assert BANNER in html and html.index(BANNER) < html.index("Valgene mot eksperten")
    assert BANNER in nils.get(f"/debrief/{drill.public_id}/mine").get_data(as_text=True)


def test_csv_export_starts_with_the_notice(client, incomplete):
    text = client.get(f"/debrief/{incomplete.public_id}/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["kind"] == "notice" and rows[0]["name"] == "incomplete" and rows[0]["note"] == BANNER
    assert [row["kind"] for row in rows[1:]].count("notice") == 0


def test_json_export_says_the_drill_is_incomplete_before_the_report(client, incomplete):
    data = json.loads(client.get(f"/debrief/{incomplete.public_id}/export.json").get_data(as_text=True))
    assert list(data)[0] == "drill"
    assert data["drill"]["complete"] is False and data["drill"]["test"] is False
    assert data["drill"]["notices"] == [{"code": "incomplete", "text": BANNER}]


def test_pdf_report_opens_with_the_banner(client, incomplete):
    from pypdf import PdfReader

    response = client.get(f"/debrief/{incomplete.public_id}/report.pdf")
    pages = PdfReader(io.BytesIO(response.get_data())).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert BANNER in text and text.index(BANNER) < text.index("Samlet resultat")


@pytest.mark.parametrize(("locale", "title"), [("nn", "Ufullstendig øving"), ("en", "Incomplete drill")])
def test_the_banner_is_translated(client, csrf, incomplete, locale, title):
    client.post("/language", data={"locale": locale, "next": "/", "csrf_token": csrf("/")})
    html = client.get(f"/debrief/{incomplete.public_id}").get_data(as_text=True)
    assert BANNER not in html and f'<h2 id="notice-incomplete-heading">{title}</h2>' in html


# --- Left out of comparisons (minimal scenario) ---------------------------------------------------


def test_incomplete_drills_are_left_out_of_percentiles_cohorts_and_progress(
    app, client, facilitator, play_drill
):
    first = play_drill(facilitator, EXPERT_PATH)
    client.get(f"/debrief/{first.public_id}")
    early = play_drill(facilitator, EXPERT_PATH[:2], end=True)
    last = play_drill(facilitator, WAITING_PATH)
    html = client.get(f"/debrief/{last.public_id}").get_data(as_text=True)
    assert "Persentil" in html and "har 2 øvelser med debrief" in html
    with app.app_context():
        history = services.earlier_reports(_load(last.public_id))
        assert [summary.total for summary in history] == [_stored(app, first).total]
        cohort, _ = services.organisation_cohort(_load(last.public_id).organisation)
        assert [row.n for row in cohort.for_scenario("minimal")] == [2]
    early_html = client.get(f"/debrief/{early.public_id}").get_data(as_text=True)
    assert "Lagets utvikling" not in early_html and "Persentil" not in early_html


def test_a_report_stored_with_percentiles_before_the_flag_shows_none(app, client, facilitator, incomplete):
    client.get(f"/debrief/{incomplete.public_id}")
    with app.app_context():
        stored = db.session.scalar(select(DebriefReport).where(DebriefReport.drill_id == incomplete.id))
        stored.data = {**stored.data, "percentiles": dict.fromkeys(["total", "escalation"], 80.0)}
        db.session.commit()
    assert "Persentil" not in client.get(f"/debrief/{incomplete.public_id}").get_data(as_text=True)
    data = json.loads(client.get(f"/debrief/{incomplete.public_id}/export.json").get_data(as_text=True))
    assert data["report"]["percentiles"] is None


def test_a_cohort_of_only_incomplete_drills_is_empty(client, facilitator, play_drill):
    drill = play_drill(facilitator, EXPERT_PATH[:2], end=True)
    client.get(f"/debrief/{drill.public_id}")
    assert "Et lite scenario" not in client.get("/debrief/cohort").get_data(as_text=True)


# --- The migration marks drills that had already ended ------------------------------------------


def test_the_migration_marks_earlier_drills_that_ended_before_an_ending(app, facilitator, play_drill):
    from flask_migrate import downgrade
    from flask_migrate import upgrade

    complete = play_drill(facilitator, EXPERT_PATH)
    early = play_drill(facilitator, EXPERT_PATH[:2], end=True)
    running = play_drill(facilitator, EXPERT_PATH[:1])
    with app.app_context():
        db.engine.dispose()
        downgrade(revision="1b242bef5a8b-1")  # to just before the migration that adds the flags
        upgrade()
    flags = [drill_state(app, d.public_id).incomplete for d in (complete, early, running)]
    assert flags == [False, True, False]


def test_the_total_of_an_incomplete_drill_is_never_labelled_performed(client, incomplete):
    html = client.get(f"/debrief/{incomplete.public_id}").get_data(as_text=True)
    assert 'class="debrief-total__rating"' in html
    rating = html.split('class="debrief-total__rating">', 1)[1].split("</span>", 1)[0]
    assert "Ufullstendig øvelse" in rating
    assert "Gjennomført" not in rating
