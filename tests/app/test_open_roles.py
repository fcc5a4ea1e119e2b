"""Participants may take an open role themselves when the facilitator allows it (issue 12, seats)."""

from __future__ import annotations

from tests.conftest import assign
from tests.conftest import control
from tests.conftest import csrf_token


def _take(guest, drill, role: str):
    data = {"role": role, "csrf_token": csrf_token(guest, f"/drills/{drill.public_id}/play")}
    return guest.post(f"/drills/{drill.public_id}/take-role", data=data)


def _page(guest, drill) -> str:
    return guest.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)


def test_roles_are_the_facilitators_to_give_until_opened(client, auth, make_drill, join_as):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    ola = join_as(drill, "Ola")
    assert "Ledige roller" not in _page(ola, drill)
    assert _take(ola, drill, "kontaktlaerer").status_code == 303
    html = _page(ola, drill)
    assert "Rollen kunne ikke tas" in html and "Rollen din er" not in html


def test_a_participant_takes_an_open_role_and_the_facilitator_can_still_recast(
    app, client, auth, make_drill, join_as
):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    ola, kari = join_as(drill, "Ola"), join_as(drill, "Kari")
    console = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "La deltakerne ta en ledig rolle selv" in console
    assert control(client, drill, "roles-open", open="1").status_code == 303
    html = _page(ola, drill)
    assert "Ta rollen Kontaktlærer" in html and "Ta rollen Helsesykepleier" in html

    assert _take(ola, drill, "kontaktlaerer").status_code == 303
    assert "Rollen din er Kontaktlærer." in _page(ola, drill)
    html = _page(kari, drill)
    assert "Ta rollen Kontaktlærer" not in html and "Ta rollen Helsesykepleier" in html
    assert _take(kari, drill, "kontaktlaerer").status_code == 303  # already taken
    assert "Rollen kunne ikke tas" in _page(kari, drill)

    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Ola"}).status_code == 303
    assert "Rollen din er Helsesykepleier." in _page(ola, drill)


def test_no_one_takes_a_role_once_the_drill_has_started(app, client, auth, make_drill, join_as):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    ola, kari = join_as(drill, "Ola"), join_as(drill, "Kari")
    assert control(client, drill, "roles-open", open="1").status_code == 303
    assert _take(ola, drill, "kontaktlaerer").status_code == 303
    assert _take(kari, drill, "helsesykepleier").status_code == 303
    assert control(client, drill, "start").status_code == 303
    assert "Ledige roller" not in _page(kari, drill)
