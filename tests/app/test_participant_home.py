"""The participant's home: every drill they took part in, newest first, with their own debrief and its PDF.

Choice labels, feedback and private texts come from the test scenario itself, so the tests hold for any
wording in it: one role's PDF has that role's choices and never another role's.
"""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import Drill
from scenarios.parse import parse
from tests.conftest import EXPERT_PATH
from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import drill_state

SCENARIO = parse(MINIMAL_SCENARIO.read_text(encoding="utf-8")).scenario
FIRST, SECOND = SCENARIO.meta.roles[0], SCENARIO.meta.roles[1]


def _labels(role_id: str) -> list[str]:
    """The labels of the choices ``role_id`` makes on the expert path."""
    picks = [
        scene.choice(role, pick) for scene in SCENARIO.scenes for role, pick in EXPERT_PATH if role == role_id
    ]
    return [choice.label for choice in picks if choice is not None]


def _private(role_id: str) -> list[str]:
    """What only ``role_id`` chose or was told: its choice labels and feedback, and its own scene text."""
    texts = list(_labels(role_id))
    for scene in SCENARIO.scenes:
        section = scene.section(role_id)
        if section is not None:
            texts += [section.text, *(choice.feedback for choice in section.choices)]
    return [" ".join(text.split()) for text in texts if text.strip()]


def _pdf_text(response) -> str:
    """The words of a PDF response, with whitespace made single."""
    reader = PdfReader(io.BytesIO(response.get_data()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _join(client, drill, name: str) -> None:
    data = {"code": drill.join_code, "display_name": name, "csrf_token": csrf_token(client, "/drills/join")}
    assert client.post("/drills/join", data=data).status_code == 303


@pytest.fixture
def facilitator(auth):
    return auth.login(as_role="facilitator")


@pytest.fixture
def member(make_user, facilitator):
    """A participant account of the facilitator's municipality."""
    return make_user(role="participant", org=SimpleNamespace(id=facilitator.organisation_id), name="Mona")


@pytest.fixture
def played(app, client, facilitator, member, client_for, make_drill, join_as):
    """An ended drill on the expert path: Mona (an account) plays the first role, guest Nils the second."""
    drill = make_drill(facilitator=facilitator, team_name="Lag Nord")
    mona = client_for(member)
    _join(mona, drill, "Mona")
    nils = join_as(drill, "Nils")
    assert assign(app, client, drill, {FIRST.id: "Mona", SECOND.id: "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    seats = {FIRST.id: mona, SECOND.id: nils}
    for role, pick in EXPERT_PATH:
        assert choose(seats[role], drill, role, pick).status_code == 303
    assert control(client, drill, "end").status_code == 303
    return drill_state(app, drill.public_id), mona, nils


def _set_start(app, drill, days_ago: int) -> None:
    """Move a drill's start into the past, so the order of the list is the test's to decide."""
    with app.app_context():
        stored = db.session.scalar(select(Drill).where(Drill.id == drill.id))
        stored.started_at = stored.created_at - timedelta(days=days_ago)
        db.session.commit()


def test_an_account_sees_every_drill_it_took_part_in_newest_first(
    app, client, played, make_drill, facilitator
):
    ended, mona, _ = played
    running = make_drill(facilitator=facilitator, team_name="Lag Sør")
    _join(mona, running, "Mona")
    assert assign(app, client, running, {FIRST.id: "Mona", SECOND.id: "self"}).status_code == 303
    assert control(client, running, "start").status_code == 303
    stopped = make_drill(facilitator=facilitator, team_name="Lag Vest")
    _join(mona, stopped, "Mona")
    assert control(client, stopped, "start").status_code == 303
    assert control(client, stopped, "end").status_code == 303
    unjoined = make_drill(facilitator=facilitator, team_name="Lag Øst")
    _set_start(app, ended, 3)
    _set_start(app, stopped, 2)
    _set_start(app, running, 1)

    html = mona.get("/my-drills/").get_data(as_text=True)
    assert html.index("Lag Sør") < html.index("Lag Vest") < html.index("Lag Nord")
    assert unjoined.team_name not in html
    assert html.count(SCENARIO.meta.title) >= 3
    running_part = html[html.index("Lag Sør") : html.index("Lag Vest")]
    assert "Pågår" in running_part and FIRST.name in running_part
    assert f"/drills/{running.public_id}/play" in running_part and "/mine" not in running_part
    stopped_part = html[html.index("Lag Vest") : html.index("Lag Nord")]
    assert "Avsluttet" in stopped_part and "Ufullstendig" in stopped_part and "Ingen rolle" in stopped_part
    ended_part = html[html.index("Lag Nord") :]
    assert "Avsluttet" in ended_part and "Ufullstendig" not in ended_part and FIRST.name in ended_part
    assert SECOND.name not in ended_part
    assert f'href="/debrief/{ended.public_id}/mine"' in ended_part
    assert f'href="/debrief/{ended.public_id}/mine.pdf"' in ended_part


def test_own_debrief_shows_own_choices_and_team_results_only(played):
    drill, mona, _ = played
    html = mona.get(f"/debrief/{drill.public_id}/mine").get_data(as_text=True)
    assert all(label in html for label in _labels(FIRST.id))
    assert not [text for text in _private(SECOND.id) if text in html]
    assert "Totalt:" in html and "Teamets forbedringspunkter" in html
    assert f'href="/debrief/{drill.public_id}/mine.pdf"' in html


def test_the_pdf_has_the_participants_own_choices_and_never_another_roles_text(played):
    drill, mona, nils = played
    response = mona.get(f"/debrief/{drill.public_id}/mine.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response)
    assert _labels(FIRST.id) and all(label in text for label in _labels(FIRST.id))
    assert _private(SECOND.id) and not [t for t in _private(SECOND.id) if t in text]
    assert "Totalt:" in text and "Nils" not in text

    theirs = _pdf_text(nils.get(f"/debrief/{drill.public_id}/mine.pdf"))
    assert all(label in theirs for label in _labels(SECOND.id))
    assert not [t for t in _private(FIRST.id) if t in theirs]
    assert "Mona" not in theirs


def test_strangers_get_404_for_the_debrief_and_pdf_and_see_none_of_the_drills(
    app, played, make_user, client_for, facilitator, join_as
):
    drill, _, _ = played
    colleague = client_for(make_user(role="participant", org=SimpleNamespace(id=facilitator.organisation_id)))
    outsider = client_for(make_user(role="participant"))
    anonymous = app.test_client()
    for stranger in (colleague, outsider, anonymous):
        for path in ("mine", "mine.pdf"):
            assert stranger.get(f"/debrief/{drill.public_id}/{path}").status_code == 404
        page = stranger.get("/my-drills/")
        assert page.status_code == 200 and drill.team_name not in page.get_data(as_text=True)


def test_a_forged_seat_in_the_session_opens_nothing(app, played):
    drill, _, nils = played
    with nils.session_transaction() as seats:
        participant_id = seats["drills"][drill.public_id][0]
    forger = app.test_client()
    with forger.session_transaction() as session:
        session["drills"] = {drill.public_id: [participant_id, "not-the-token", None]}
    assert drill.team_name not in forger.get("/my-drills/").get_data(as_text=True)
    assert forger.get(f"/debrief/{drill.public_id}/mine.pdf").status_code == 404


def test_a_guest_finds_the_drills_of_this_browser_and_can_forget_them(app, played):
    drill, _, nils = played
    html = nils.get("/my-drills/").get_data(as_text=True)
    assert drill.team_name in html and SECOND.name in html
    assert f'href="/debrief/{drill.public_id}/mine.pdf"' in html
    assert "Glem øvelsene på denne enheten" in html
    assert "Personvernerklæring" in html  # of the drill's municipality, as on the drill's own pages

    # The device cookie outlives the session, but alone it shows nobody's drills to the next person.
    later = app.test_client()
    later.set_cookie("laget_device", nils.get_cookie("laget_device").value)
    assert drill.team_name not in later.get("/my-drills/").get_data(as_text=True)

    token = csrf_token(nils, "/my-drills/")
    response = nils.post("/my-drills/forget", data={"csrf_token": token})
    assert response.status_code == 303
    assert nils.get_cookie("laget_device") is None
    html = nils.get("/my-drills/").get_data(as_text=True)
    assert "Øvelsene er glemt på denne enheten." in html and drill.team_name not in html
    assert nils.get(f"/debrief/{drill.public_id}/mine").status_code == 404


def test_forgetting_needs_the_csrf_token(played):
    drill, _, nils = played
    assert nils.post("/my-drills/forget").status_code == 400
    assert drill.team_name in nils.get("/my-drills/").get_data(as_text=True)


def test_no_drills_yet_gets_a_calm_word_and_a_way_to_join(app, auth):
    auth.login()
    for visitor in (auth._client, app.test_client()):
        html = visitor.get("/my-drills/").get_data(as_text=True)
        assert "Du har ikke vært med på noen øvelser ennå." in html
        assert 'href="/drills/join"' in html
        assert "Glem øvelsene" not in html


def test_the_page_is_reachable_from_the_menu_the_home_page_and_the_ended_drill(played, app):
    drill, mona, nils = played
    assert mona.get("/").get_data(as_text=True).count('href="/my-drills/"') >= 2
    assert 'href="/my-drills/"' in app.test_client().get("/drills/join").get_data(as_text=True)
    ended = nils.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert f'href="/debrief/{drill.public_id}/mine.pdf"' in ended and 'href="/my-drills/"' in ended


def test_the_page_and_pdf_speak_the_chosen_language(played):
    drill, mona, _ = played
    mona.post("/language", data={"locale": "en", "csrf_token": csrf_token(mona, "/my-drills/")})
    html = mona.get("/my-drills/").get_data(as_text=True)
    assert "My drills" in html and "Your debrief" in html
    assert "Your debrief" in _pdf_text(mona.get(f"/debrief/{drill.public_id}/mine.pdf"))
