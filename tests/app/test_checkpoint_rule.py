"""A checkpoint is never lost: one left unanswered when its round closes stays open until the role answers.

The last to choose closes the scene; before this rule, their checkpoint (and that of anyone who chose
without answering) closed with it and the answer could no longer be given.
"""

from __future__ import annotations

import uuid

from tests.conftest import EXPERT_PATH
from tests.conftest import WAITING_PATH
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import drill_state


def _running(app, client, auth, make_drill, join_as):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    seats = {"kontaktlaerer": join_as(drill, "Kari"), "helsesykepleier": join_as(drill, "Nils")}
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, seats


def _answer(seat, drill, role: str, checkpoint: str, option: str, scene: str):
    data = {
        "csrf_token": csrf_token(seat, f"/drills/{drill.public_id}/play"),
        "role": role,
        "checkpoint": checkpoint,
        "option": option,
        "scene": scene,
        "key": uuid.uuid4().hex,  # a fresh page: not a repeat of the same press
    }
    return seat.post(f"/drills/{drill.public_id}/answer", data=data)


def test_the_last_choosers_checkpoint_stays_open_in_the_next_scene_and_counts(
    app, client, auth, make_drill, join_as
):
    drill, seats = _running(app, client, auth, make_drill, join_as)
    nurse = seats["helsesykepleier"]
    for role, choice in EXPERT_PATH[:2]:  # nobody answers; the nurse's choice closes «Uke 1»
        assert choose(seats[role], drill, role, choice).status_code == 303
    assert drill_state(app, drill.public_id).state["scene"] == "uke2"

    html = nurse.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Sjekkpunkt fra «Uke 1»" in html
    assert "Hvilket BTI-nivå er vi på?" in html

    response = _answer(nurse, drill, "helsesykepleier", "cp-niva", "n0", "uke1")
    assert response.status_code == 303
    page = nurse.get(response.headers["Location"]).get_data(as_text=True)
    assert "Svaret ditt er registrert." in page
    assert "Sjekkpunkt fra «Uke 1»" not in page  # answered: no longer open
    answers = drill_state(app, drill.public_id).state["answers"]
    assert answers["cp-niva"]["helsesykepleier"]["option"] == "n0"


def test_a_late_answer_is_taken_once_and_only_for_a_scene_the_team_has_left(
    app, client, auth, make_drill, join_as
):
    drill, seats = _running(app, client, auth, make_drill, join_as)
    teacher = seats["kontaktlaerer"]
    # A scene the team has not reached is not open for answers.
    response = _answer(teacher, drill, "kontaktlaerer", "cp-niva", "n0", "uke2")
    assert "Scenen har gått videre" in teacher.get(response.headers["Location"]).get_data(as_text=True)
    for role, choice in EXPERT_PATH[:2]:
        assert choose(seats[role], drill, role, choice).status_code == 303
    assert _answer(teacher, drill, "kontaktlaerer", "cp-niva", "n1", "uke1").status_code == 303
    again = _answer(teacher, drill, "kontaktlaerer", "cp-niva", "n0", "uke1")
    assert "allerede svart" in teacher.get(again.headers["Location"]).get_data(as_text=True)
    state = drill_state(app, drill.public_id).state
    assert state["answers"]["cp-niva"]["kontaktlaerer"]["option"] == "n1"  # the first answer stands
    assert state["answers"]["cp-niva"].keys() == {"kontaktlaerer"}  # the nurse's is still open to her


def test_checkpoints_left_open_at_the_ending_can_be_answered_until_the_debrief_is_made(
    app, client, auth, make_drill, join_as
):
    drill, seats = _running(app, client, auth, make_drill, join_as)
    code = drill.join_code
    for role, choice in WAITING_PATH:  # the nurse's choice ends the drill; nobody has answered
        assert choose(seats[role], drill, role, choice).status_code == 303
    nurse, teacher = seats["helsesykepleier"], seats["kontaktlaerer"]
    html = nurse.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert 'id="ending-heading"' in html and "Sjekkpunkt fra «Uke 1»" in html

    response = _answer(nurse, drill, "helsesykepleier", "cp-niva", "n0", "uke1")
    assert "Svaret ditt er registrert." in nurse.get(response.headers["Location"]).get_data(as_text=True)
    ended = drill_state(app, drill.public_id)
    assert ended.state["answers"]["cp-niva"].keys() == {"helsesykepleier"}
    assert ended.status == "ended" and ended.ended_join_code == code  # the late answer ended nothing again

    assert client.get(f"/debrief/{drill.public_id}").status_code == 200  # the debrief is made now
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    assert "Sjekkpunkt fra «Uke 1»" not in html
    response = _answer(teacher, drill, "kontaktlaerer", "cp-niva", "n0", "uke1")
    assert "Øvelsen er avsluttet" in teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert drill_state(app, drill.public_id).state["answers"]["cp-niva"].keys() == {"helsesykepleier"}


def test_an_open_screen_loses_the_late_checkpoint_on_its_next_poll_once_the_debrief_is_made(
    app, client, auth, make_drill, join_as
):
    drill, seats = _running(app, client, auth, make_drill, join_as)
    for role, choice in WAITING_PATH:
        assert choose(seats[role], drill, role, choice).status_code == 303
    teacher = seats["kontaktlaerer"]
    poll = f"/drills/{drill.public_id}/play/state?role=kontaktlaerer"
    shown = teacher.get(poll, headers={"HX-Request": "true"})
    assert "Sjekkpunkt fra «Uke 1»" in shown.get_data(as_text=True)
    unchanged = {"HX-Request": "true", "If-None-Match": shown.headers["ETag"]}
    assert teacher.get(poll, headers=unchanged).status_code == 304

    assert client.get(f"/debrief/{drill.public_id}").status_code == 200  # the debrief is made now
    after = teacher.get(poll, headers=unchanged)
    assert after.status_code == 200 and "Sjekkpunkt fra «Uke 1»" not in after.get_data(as_text=True)
    again = {"HX-Request": "true", "If-None-Match": after.headers["ETag"]}
    assert teacher.get(poll, headers=again).status_code == 304


def test_a_drill_the_facilitator_stops_closes_its_checkpoints(app, client, auth, make_drill, join_as):
    drill, seats = _running(app, client, auth, make_drill, join_as)
    for role, choice in EXPERT_PATH[:2]:
        assert choose(seats[role], drill, role, choice).status_code == 303
    assert control(client, drill, "end").status_code == 303
    teacher = seats["kontaktlaerer"]
    assert "Sjekkpunkt fra «Uke 1»" not in teacher.get(f"/drills/{drill.public_id}/play").get_data(
        as_text=True
    )
    response = _answer(teacher, drill, "kontaktlaerer", "cp-niva", "n0", "uke1")
    assert "Øvelsen er avsluttet" in teacher.get(response.headers["Location"]).get_data(as_text=True)
