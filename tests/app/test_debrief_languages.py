"""One stored debrief read in bokmål, nynorsk and English: stored as messages, or as old sentences.

The report is stored once; the reader's language (the app's language switch) decides the words of
dimension names, ratings, findings and PEARLS questions. Scenario text (role names, titles) stays
as its author wrote it. A report stored before findings were messages gets its debrief written anew
from the drill's events on first view, and stored so.
"""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.install import compile_translations
from app.models import DebriefReport
from app.models import Drill
from scoring.composite import RATING_LABELS
from scoring.messages import render
from scoring.model import DIMENSION_LABELS
from scoring.storage import report_from_data
from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.scoring.conftest import old_shape

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("nb", "nn", "en")


@pytest.fixture
def compiled(tmp_path) -> Path:
    """The app's catalogues compiled now, so the test never reads stale .mo files."""
    folder = tmp_path / "translations"
    shutil.copytree(REPO / "app" / "translations", folder)
    compile_translations(folder)
    return folder


@pytest.fixture
def app_config(compiled):
    return {"BABEL_TRANSLATION_DIRECTORIES": str(compiled)}


def _words(compiled: Path, language: str):
    """The catalogue the app uses for a language (bokmål is the msgids themselves)."""
    if language == "nb":
        return gettext.NullTranslations()
    return gettext.translation("messages", localedir=compiled, languages=[language])


@pytest.fixture
def played(app, client, auth, make_drill, join_as):
    """A drill played to its ending on the expert path and its report stored, with the scenario."""
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    teacher, nurse = join_as(drill, "Kari"), join_as(drill, "Nils")
    assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"})
    control(client, drill, "start")
    choose(teacher, drill, "kontaktlaerer", "del")
    choose(nurse, drill, "helsesykepleier", "samtale")
    choose(teacher, drill, "kontaktlaerer", "meld")
    assert client.get(f"/debrief/{drill.public_id}").status_code == 200
    with app.app_context():
        report = report_from_data(db.session.scalar(select(DebriefReport)).data)
        return drill, report, db.session.get(Drill, drill.id).scenario


def _store_as_sentences(app) -> None:
    """Store the report again the way Laget stored it before findings were messages."""
    with app.app_context():
        row = db.session.scalar(select(DebriefReport))
        row.data = old_shape(row.data)
        db.session.commit()


@pytest.fixture(params=["messages", "sentences"])
def stored(request, app, played):
    """The played drill's report, stored in today's shape or in the old one."""
    if request.param == "sentences":
        _store_as_sentences(app)
    return (*played, request.param)


def _switch(client, csrf, language: str) -> None:
    client.post("/language", data={"locale": language, "next": "/", "csrf_token": csrf("/")})


def _finding(report, phase: str, index: int = 0):
    return report.debrief.phase(phase).findings[index]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_debrief_page_speaks_the_readers_language(app, client, csrf, compiled, stored, language):
    drill, report, scenario, _shape = stored
    words = _words(compiled, language)
    _switch(client, csrf, language)
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)

    for dimension in report.dimensions:
        assert str(escape(words.gettext(DIMENSION_LABELS[dimension.name]))) in html
    assert str(escape(f"{report.rating} – {words.gettext(RATING_LABELS[report.rating])}")) in html
    summary = render(_finding(report, "description").message, words)
    question = render(_finding(report, "reactions").message, words)
    assert str(escape(summary)) in html and str(escape(question)) in html
    # The ending's title is the author's: the same words inside the sentence in every language.
    ending = scenario.ending(report.ending)
    assert ending.title in summary
    if language != "nb":
        assert str(escape(render(_finding(report, "description").message))) not in html
        assert str(escape(render(_finding(report, "reactions").message))) not in html
    expected = {
        "nb": ("Tidlig og riktig eskalering", "Hvordan har dere det nå, rett etter øvelsen?"),
        "nn": ("Tidleg og rett eskalering", "Korleis har de det no, rett etter øvinga?"),
        "en": ("Early and correct escalation", "How are you feeling now, right after the drill?"),
    }[language]
    assert all(str(escape(text)) in html for text in expected)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_projector_shows_phase_titles_and_questions_in_the_readers_language(
    client, csrf, compiled, stored, language
):
    drill, report, _scenario, _shape = stored
    words = _words(compiled, language)
    _switch(client, csrf, language)
    html = client.get(f"/debrief/{drill.public_id}/projector?phase=reactions").get_data(as_text=True)
    assert f'<h2 id="phase-heading">{escape(words.gettext("Reaksjoner"))}</h2>' in html
    for finding in report.debrief.phase("reactions").findings:
        assert f"<li>{escape(render(finding.message, words))}</li>" in html


def test_a_report_stored_as_sentences_is_rewritten_as_messages_on_first_view(app, client, stored):
    drill, report, _scenario, shape = stored
    client.get(f"/debrief/{drill.public_id}")
    with app.app_context():
        data = db.session.scalar(select(DebriefReport)).data
    findings = [f for phase in data["debrief"]["phases"] for f in phase["findings"]]
    assert all("text" not in f for f in findings), shape
    assert findings[0]["message"]["id"] == _finding(report, "reactions").message.id


def test_csv_and_cohort_name_dimensions_in_the_readers_language(client, csrf, stored):
    drill, _report, _scenario, _shape = stored
    _switch(client, csrf, "en")
    text = client.get(f"/debrief/{drill.public_id}/export.csv").get_data().decode("utf-8-sig")
    assert "Early and correct escalation" in text and "Tidlig og riktig eskalering" not in text
    cohort = client.get("/debrief/cohort").get_data(as_text=True)
    assert "Clear ownership" in cohort and "Tydelig eierskap" not in cohort


def test_an_old_report_that_cannot_be_rewritten_shows_its_sentences(app, client, csrf, played, monkeypatch):
    drill, report, _scenario = played
    _store_as_sentences(app)
    from app.debrief import services

    def broken(*_args):
        raise LookupError("scenario no longer replays")

    monkeypatch.setattr(services, "rewrite_debrief", broken)
    _switch(client, csrf, "en")
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    # The stored bokmål sentence as it was, but fixed questions and dimension names in English.
    assert str(escape(render(_finding(report, "description").message))) in html
    assert "How are you feeling now, right after the drill?" in html
    assert "Early and correct escalation" in html


@pytest.fixture
def solo_library(app, tmp_path):
    """The small test scenario in the library, for a solo run."""
    from app.library import sync_library

    folder = tmp_path / "solo-library"
    folder.mkdir()
    shutil.copyfile(MINIMAL_SCENARIO, folder / MINIMAL_SCENARIO.name)
    with app.app_context():
        sync_library(folder)
        db.session.commit()


def test_the_solo_debrief_speaks_the_readers_language(app, client, auth, csrf, compiled, solo_library):
    from app.models.solo import SoloRun
    from tests.app.test_solo_runs import started as solo_started
    from tests.app.test_solo_runs import step

    auth.login()
    url = solo_started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url).status_code == 303
    assert step(client, url, choice="vent").status_code == 303
    with app.app_context():
        run = db.session.scalar(select(SoloRun).where(SoloRun.public_id == url.rsplit("/", 1)[-1]))
        report = report_from_data(run.report)
    mine = [f for f in report.debrief.findings if f.role in (None, run.role_id) and f.kind != "critical"]
    assert mine
    words = _words(compiled, "en")
    _switch(client, csrf, "en")
    html = client.get(f"{url}/debrief").get_data(as_text=True)
    assert "Early and correct escalation" in html and "Tidlig og riktig eskalering" not in html
    for finding in mine:
        shown = finding.question or finding.parts[-1]
        assert str(escape(render(shown, words))) in html


def test_the_json_export_gives_the_findings_in_the_readers_words(client, csrf, compiled, stored):
    drill, report, _scenario, _shape = stored
    _switch(client, csrf, "nn")
    data = client.get(f"/debrief/{drill.public_id}/export.json").get_json()
    words = _words(compiled, "nn")
    first = _finding(report, "reactions")
    assert data["findings"][0]["text"] == render(first.message, words)
    assert data["report"]["debrief"]["phases"][0]["findings"][0]["message"]["id"] == first.message.id
