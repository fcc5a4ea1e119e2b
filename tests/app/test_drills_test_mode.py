"""Test drills (øvingsrunder): marked and unmarked at any time, compared with nothing, and deletable.

Deleting needs the test mark and an explicit confirmation, removes the drill with everything that
hangs on it in one transaction, and a refused request (no confirmation, no test mark, no CSRF token,
the wrong person) changes nothing.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.debrief import services
from app.extensions import db
from app.models import ActionPoint
from app.models import DebriefReport
from app.models import Drill
from app.models import DrillEvent
from app.models import Participant
from app.models import RoleAssignment
from tests.conftest import EXPERT_PATH
from tests.conftest import WAITING_PATH
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import drill_state

HANGING = (DrillEvent, DebriefReport, ActionPoint, RoleAssignment, Participant)


@pytest.fixture
def facilitator(auth):
    return auth.login(as_role="facilitator")


def _load(public_id: str) -> Drill:
    return db.session.scalar(select(Drill).where(Drill.public_id == public_id))


def mark(client, drill, test: bool = True):
    """Press "Merk som test" (or its undo) in the console."""
    return control(client, drill, "test", test="1" if test else "0")


def delete(client, drill, confirm: bool = True, token: str | None = None):
    """Submit the delete confirmation page, ticked or not."""
    path = f"/facilitate/drills/{drill.public_id}/delete"
    data = {"csrf_token": token if token is not None else csrf_token(client, path)}
    if confirm:
        data["confirm"] = "y"
    return client.post(path, data=data)


def counts(app, drill) -> dict[str, int]:
    """How many rows of the drill and of everything hanging on it exist."""
    with app.app_context():
        result = {"drill": db.session.scalar(select(func.count()).where(Drill.id == drill.id))}
        for model in HANGING:
            result[model.__name__] = db.session.scalar(
                select(func.count()).select_from(model).where(model.drill_id == drill.id)
            )
    return result


@pytest.fixture
def debriefed(app, client, facilitator, play_drill):
    """A complete drill with its stored report and an action point: everything that hangs on a drill."""
    drill = play_drill(facilitator, EXPERT_PATH)
    token = csrf_token(client, f"/debrief/{drill.public_id}")
    data = {"csrf_token": token, "what": "Avtal hvem som melder", "who": "Rektor"}
    assert client.post(f"/debrief/{drill.public_id}/actions", data=data).status_code == 303
    assert all(counts(app, drill).values())
    return drill


# --- Marking --------------------------------------------------------------------------------------


def test_a_drill_is_marked_and_unmarked_before_during_and_after(app, client, facilitator, play_drill):
    lobby = play_drill(facilitator, ())  # started, nobody has chosen
    assert mark(client, lobby).status_code == 303
    assert drill_state(app, lobby.public_id).is_test
    control(client, lobby, "pause")
    assert mark(client, lobby, test=False).status_code == 303
    assert not drill_state(app, lobby.public_id).is_test
    ended = play_drill(facilitator, EXPERT_PATH)
    response = mark(client, ended)
    assert response.status_code == 303 and response.headers["Location"].endswith(ended.public_id)
    assert drill_state(app, ended.public_id).is_test


def test_marking_says_what_it_means_and_the_list_shows_a_test_label(client, facilitator, play_drill):
    drill = play_drill(facilitator, EXPERT_PATH)
    console = client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Merk som test" in console and "Slett testøvelsen" not in console
    console = client.get(mark(client, drill).headers["Location"]).get_data(as_text=True)
    assert "Øvelsen er merket som test. Den teller ikke med i sammenligninger." in console
    assert "Tell med i sammenligninger igjen" in console
    assert f'href="/facilitate/drills/{drill.public_id}/delete"' in console
    row = client.get("/facilitate/").get_data(as_text=True).split(drill.public_id, 1)[1].split("</tr>", 1)[0]
    assert '<span class="tag">Test</span>' in row


def test_the_debrief_of_a_test_drill_says_so_first(client, facilitator, play_drill):
    drill = play_drill(facilitator, EXPERT_PATH)
    mark(client, drill)
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    notice = "Øvelsen er merket som test (øvingsrunde), og den teller ikke med i sammenligninger."
    assert notice in html and html.index(notice) < html.index("Samlet resultat")


def test_a_bad_mark_value_is_refused_and_changes_nothing(app, client, facilitator, play_drill):
    drill = play_drill(facilitator, EXPERT_PATH)
    assert control(client, drill, "test", test="ja").status_code == 400
    assert not drill_state(app, drill.public_id).is_test


# --- Left out of comparisons ----------------------------------------------------------------------


def test_test_drills_are_left_out_of_percentiles_cohorts_and_progress(app, client, facilitator, play_drill):
    trial = play_drill(facilitator, EXPERT_PATH)
    mark(client, trial)
    client.get(f"/debrief/{trial.public_id}")
    first = play_drill(facilitator, WAITING_PATH)
    html = client.get(f"/debrief/{first.public_id}").get_data(as_text=True)
    assert "Persentil" not in html and "Lagets utvikling" not in html  # the test drill is nobody's history
    second = play_drill(facilitator, EXPERT_PATH)
    html = client.get(f"/debrief/{second.public_id}").get_data(as_text=True)
    assert "Persentil" in html and "har 2 øvelser med debrief" in html
    with app.app_context():
        assert len(services.earlier_reports(_load(second.public_id))) == 1
        cohort, _ = services.organisation_cohort(_load(second.public_id).organisation)
        assert [row.n for row in cohort.for_scenario("minimal")] == [2]
        assert services.team_progress(_load(trial.public_id)) is None


def test_unmarking_lets_the_drill_count_again(app, client, facilitator, play_drill):
    drill = play_drill(facilitator, EXPERT_PATH)
    client.get(f"/debrief/{drill.public_id}")
    mark(client, drill)
    assert "Et lite scenario" not in client.get("/debrief/cohort").get_data(as_text=True)
    mark(client, drill, test=False)
    assert "Et lite scenario" in client.get("/debrief/cohort").get_data(as_text=True)


# --- Deleting -------------------------------------------------------------------------------------


def test_the_confirm_page_lists_what_goes_and_asks_for_a_tick(client, debriefed):
    mark(client, debriefed)
    html = client.get(f"/facilitate/drills/{debriefed.public_id}/delete").get_data(as_text=True)
    assert "Dette sletter øvelsen for godt." in html and "forbedringspunktene fra debriefen" in html
    assert 'type="checkbox"' in html and '<label for="confirm">' in html
    assert html.count('method="post"') == html.count('name="csrf_token"')


def test_deleting_a_test_drill_removes_everything_hanging_on_it(
    app, client, debriefed, play_drill, facilitator
):
    other = play_drill(facilitator, EXPERT_PATH, team_name="Lag Sør")
    before_other = counts(app, other)
    mark(client, debriefed)
    response = delete(client, debriefed)
    assert response.status_code == 303 and response.headers["Location"] == "/facilitate/"
    assert set(counts(app, debriefed).values()) == {0}
    assert counts(app, other) == before_other
    page = client.get("/facilitate/").get_data(as_text=True)
    assert "Testøvelsen for Lag Nord er slettet." in page and debriefed.public_id not in page
    assert client.get(f"/facilitate/drills/{debriefed.public_id}").status_code == 404
    assert client.get(f"/debrief/{debriefed.public_id}").status_code == 404


def test_deleting_without_the_tick_is_refused_and_changes_nothing(app, client, debriefed):
    mark(client, debriefed)
    before = counts(app, debriefed)
    response = delete(client, debriefed, confirm=False)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kryss av for at du forstår hva som slettes, så slettes øvelsen." in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert counts(app, debriefed) == before


def test_a_drill_not_marked_as_a_test_cannot_be_deleted(app, client, debriefed):
    before = counts(app, debriefed)
    page = client.get(f"/facilitate/drills/{debriefed.public_id}/delete")
    assert page.status_code == 200
    assert "Bare øvelser som er merket som test, kan slettes." in page.get_data(as_text=True)
    assert 'name="confirm"' not in page.get_data(as_text=True)
    response = delete(client, debriefed)
    assert response.status_code == 409
    assert "Øvelsen kan ikke slettes." in response.get_data(as_text=True)
    assert counts(app, debriefed) == before


def test_deleting_and_marking_without_a_csrf_token_change_nothing(app, client, debriefed):
    mark(client, debriefed)
    before = counts(app, debriefed)
    assert delete(client, debriefed, token="").status_code == 400
    path = f"/facilitate/drills/{debriefed.public_id}/test"
    assert client.post(path, data={"test": "0"}).status_code == 400
    assert counts(app, debriefed) == before and drill_state(app, debriefed.public_id).is_test


@pytest.mark.parametrize(
    ("who", "expected"),
    [("other_org_facilitator", 404), ("colleague", 403), ("member", 403), ("guest", 403)],
)
def test_only_the_drills_facilitator_or_an_admin_marks_and_deletes(
    app, client, client_for, make_user, make_drill, join_as, facilitator, debriefed, who, expected
):
    mark(client, debriefed)
    ours = SimpleNamespace(id=facilitator.organisation_id)
    visitors = {
        "other_org_facilitator": lambda: client_for(make_user(role="facilitator")),
        "colleague": lambda: client_for(make_user(role="facilitator", org=ours)),
        "member": lambda: client_for(make_user(role="participant", org=ours)),
        "guest": lambda: join_as(make_drill(facilitator=facilitator, team_name="Lag Vest"), "Gjest"),
    }
    visitor = visitors[who]()
    before = counts(app, debriefed)
    token = csrf_token(visitor, "/drills/join")
    path = f"/facilitate/drills/{debriefed.public_id}"
    assert visitor.get(f"{path}/delete").status_code == expected
    assert visitor.post(f"{path}/delete", data={"csrf_token": token, "confirm": "y"}).status_code == expected
    assert visitor.post(f"{path}/test", data={"csrf_token": token, "test": "0"}).status_code == expected
    assert counts(app, debriefed) == before and drill_state(app, debriefed.public_id).is_test


def test_an_admin_deletes_a_colleagues_test_drill(app, client, client_for, make_user, facilitator, debriefed):
    mark(client, debriefed)
    admin = client_for(make_user(role="admin", org=SimpleNamespace(id=facilitator.organisation_id)))
    assert delete(admin, debriefed).status_code == 303
    assert counts(app, debriefed)["drill"] == 0
