"""The last to choose still sees the outcome of their choice, with the next scene or the ending (defect 2)."""

from __future__ import annotations

from tests.conftest import EXPERT_PATH
from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import WAITING_PATH
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token

FEEDBACK = "Mia sier ja til en samtale neste uke."


def _drill(app, client, auth, make_drill, join_as, tmp_path):
    library = tmp_path / "feedback"
    library.mkdir()
    source = MINIMAL_SCENARIO.read_text(encoding="utf-8")
    old = "  - Handling: samtale-barn (åpne spørsmål, støttende)\n"
    assert old in source
    (library / "minimal.md").write_text(
        source.replace(old, f"{old}  - Tilbakemelding: {FEEDBACK}\n", 1), encoding="utf-8"
    )
    drill = make_drill(facilitator=auth.login(as_role="facilitator"), library=library)
    seats = {"kontaktlaerer": join_as(drill, "Kari"), "helsesykepleier": join_as(drill, "Nils")}
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, seats


def test_the_last_chooser_sees_their_outcome_with_the_next_scene(
    app, client, auth, make_drill, join_as, tmp_path
):
    drill, seats = _drill(app, client, auth, make_drill, join_as, tmp_path)
    for role, choice in EXPERT_PATH[:2]:  # the nurse chooses last and takes the team on to «Uke 2»
        assert choose(seats[role], drill, role, choice).status_code == 303
    html = seats["helsesykepleier"].get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Uke 2" in html
    assert "Utfallet av valget ditt i «Uke 1»" in html
    assert "Du valgte:</strong> Tilby samtale" in html and FEEDBACK in html
    teacher = seats["kontaktlaerer"].get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Utfallet av valget ditt i «Uke 1»" in teacher and FEEDBACK not in teacher  # their own, only


def test_the_outcome_comes_with_the_ending_too(app, client, auth, make_drill, join_as, tmp_path):
    drill, seats = _drill(app, client, auth, make_drill, join_as, tmp_path)
    for role, choice in WAITING_PATH:  # the nurse's choice ends the drill
        assert choose(seats[role], drill, role, choice).status_code == 303
    html = seats["helsesykepleier"].get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert 'id="ending-heading"' in html
    assert "Utfallet av valget ditt i «Uke 1»" in html and FEEDBACK in html


def test_the_checkpoint_comes_before_the_choice_and_is_asked_for_first(
    app, client, auth, make_drill, join_as, tmp_path
):
    drill, seats = _drill(app, client, auth, make_drill, join_as, tmp_path)
    nurse = seats["helsesykepleier"]
    html = nurse.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert html.index('action="/drills/' + drill.public_id + '/answer"') < html.index(
        'action="/drills/' + drill.public_id + '/choose"'
    )
    assert "Svar på sjekkpunktet over før du bekrefter." in html
    data = {
        "csrf_token": csrf_token(nurse, f"/drills/{drill.public_id}/play"),
        "role": "helsesykepleier",
        "checkpoint": "cp-niva",
        "option": "n0",
        "scene": "uke1",
        "key": "a" * 32,
    }
    assert nurse.post(f"/drills/{drill.public_id}/answer", data=data).status_code == 303
    html = nurse.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Ditt svar:" in html and "Svar på sjekkpunktet over før du bekrefter." not in html


def test_confirming_brings_the_person_back_to_where_they_acted(
    app, client, auth, make_drill, join_as, tmp_path
):
    drill, seats = _drill(app, client, auth, make_drill, join_as, tmp_path)
    response = choose(seats["kontaktlaerer"], drill, "kontaktlaerer", "del")
    assert response.headers["Location"].endswith("#decision-heading")
    html = seats["kontaktlaerer"].get(response.headers["Location"]).get_data(as_text=True)
    assert '<h3 id="decision-heading" tabindex="-1">' in html  # a target that can take focus
