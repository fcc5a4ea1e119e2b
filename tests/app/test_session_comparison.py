"""The session's teams side by side: stored scores per team, incomplete drills marked, the session average."""

from __future__ import annotations

from html.parser import HTMLParser
from statistics import fmean

import pytest
from babel.numbers import format_decimal
from sqlalchemy import func
from sqlalchemy import select

from app.debrief import services as debrief_services
from app.extensions import db
from app.models import DebriefReport
from scoring.composite import RATING_LABELS
from scoring.storage import report_from_data
from tests.conftest import EXPERT_PATH
from tests.conftest import WAITING_PATH
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import drill_state


def score_text(value: float) -> str:
    """A score as the bokmål page writes it: one decimal at most, with a decimal comma."""
    return format_decimal(round(value, 1), format="#,##0.#", locale="nb")


class _Table(HTMLParser):
    """The comparison table's rows as lists of cell texts: header, body rows and the average row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _table(html: str) -> dict[str, list[str]]:
    """The table by its first cell: "Lag" for the header, a team's name, or "Snitt for økten"."""
    start = html.index('<table class="comparison-table">')
    parser = _Table()
    parser.feed(html[start : html.index("</table>", start)])
    return {row[0]: row for row in parser.rows}


def _play(app, client, join_as, drill, path):
    """Two guests play the drill's roles along ``path`` from the start."""
    seats = {"kontaktlaerer": join_as(drill, f"Kari {drill.team_number}")}
    seats["helsesykepleier"] = join_as(drill, f"Nils {drill.team_number}")
    cast = {"kontaktlaerer": f"Kari {drill.team_number}", "helsesykepleier": f"Nils {drill.team_number}"}
    assert assign(app, client, drill, cast).status_code == 303
    assert control(client, drill, "start").status_code == 303
    for role, choice in path:
        assert choose(seats[role], drill, role, choice).status_code == 303


@pytest.fixture
def played(app, client, auth, make_session, join_as):
    """Four teams: 1 plays the expert path, 2 waits (weak ending), 3 ends early, 4 is still in the lobby."""
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=4)
    first, second, third, _fourth = day.drills
    _play(app, client, join_as, first, EXPERT_PATH)
    _play(app, client, join_as, second, WAITING_PATH)
    _play(app, client, join_as, third, EXPERT_PATH[:1])
    for drill in (first, second, third):
        assert control(client, drill, "end").status_code == 303
    assert drill_state(app, third.public_id).incomplete
    return day


def _stored(app, drill) -> DebriefReport:
    with app.app_context():
        stored = db.session.scalar(select(DebriefReport).where(DebriefReport.drill_id == drill.id))
        db.session.expunge(stored)
        return stored


def test_each_ended_team_shows_its_stored_total_rating_dimensions_and_critical_flags(app, client, played):
    html = client.get(f"/facilitate/sessions/{played.public_id}/comparison").get_data(as_text=True)
    table = _table(html)
    header = table["Lag"]
    assert header[:4] == ["Lag", "Status", "Totalt", "Vurdering"] and header[-2:] == [
        "Kritiske feil",
        "Tid brukt",
    ]
    assert "Lovlig informasjonsdeling" in header
    for drill in played.drills[:2]:
        stored = _stored(app, drill)
        report = report_from_data(stored.data)
        row = table[drill.team_name]
        assert row[1] == "Avsluttet"
        assert row[2] == score_text(stored.total)
        assert row[3] == f"{stored.rating} {RATING_LABELS[stored.rating]}"
        column = header.index("Lovlig informasjonsdeling")
        assert row[column] == score_text(report.dimension("information").score)
        assert row[header.index("Kritiske feil")] == str(len(report.critical_flags))
        assert row[-1] != "–"
    assert _stored(app, played.drills[0]).total != _stored(app, played.drills[1]).total


def test_incomplete_and_unfinished_teams_are_marked_and_left_out_of_the_average(app, client, played):
    table = _table(client.get(f"/facilitate/sessions/{played.public_id}/comparison").get_data(as_text=True))
    first, second, third, fourth = played.drills
    assert table[third.team_name][1] == "Ufullstendig – ikke med i snittet"
    assert table[third.team_name][3] == "Ufullstendig"
    assert table[fourth.team_name][1] == "Venter på start – ikke ferdig"
    assert set(table[fourth.team_name][2:]) == {"–"}
    average = table["Snitt for økten"]
    assert average[1] == "2 lag med i snittet"
    assert average[2] == score_text(fmean([_stored(app, first).total, _stored(app, second).total]))
    critical = [len(report_from_data(_stored(app, d).data).critical_flags) for d in (first, second)]
    assert average[table["Lag"].index("Kritiske feil")] == score_text(fmean(critical))


def test_the_table_is_in_team_order_or_best_total_first(app, client, played):
    html = client.get(f"/facilitate/sessions/{played.public_id}/comparison").get_data(as_text=True)
    names = [drill.team_name for drill in played.drills]
    assert [name for name in _table(html) if name in names] == names
    html = client.get(f"/facilitate/sessions/{played.public_id}/comparison?sort=total").get_data(as_text=True)
    ranked = sorted(played.drills[:3], key=lambda d: -_stored(app, d).total)
    assert [name for name in _table(html) if name in names] == [d.team_name for d in ranked] + [names[3]]


def test_a_team_is_scored_once_and_then_read_from_its_stored_report(app, client, played, monkeypatch):
    with app.app_context():
        ids = [drill.id for drill in played.drills]
        db.session.execute(db.delete(DebriefReport).where(DebriefReport.drill_id.in_(ids)))
        db.session.commit()
    assert client.get(f"/facilitate/sessions/{played.public_id}/comparison").status_code == 200
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(DebriefReport).where(DebriefReport.drill_id.in_(ids))
        )
    assert stored == 3  # the three ended teams; the lobby team has nothing to score

    def no_rescoring(*args, **kwargs):
        raise AssertionError("a stored report was scored again")

    monkeypatch.setattr(debrief_services, "score_drill", no_rescoring)
    html = client.get(f"/facilitate/sessions/{played.public_id}/comparison").get_data(as_text=True)
    assert _table(html)["Snitt for økten"][1] == "2 lag med i snittet"


def test_a_session_with_no_team_finished_says_so(app, client, auth, make_session):
    day = make_session(facilitator=auth.login(as_role="facilitator"), teams=2)
    html = client.get(f"/facilitate/sessions/{day.public_id}/comparison").get_data(as_text=True)
    assert "Ingen lag er ferdige ennå." in html
    assert _table(html)["Snitt for økten"][1] == "0 lag med i snittet"


def test_only_the_sessions_facilitators_see_the_comparison(
    app, client, auth, make_session, make_user, make_org, client_for
):
    owner = auth.login(as_role="facilitator")
    day = make_session(facilitator=owner, teams=2)
    with app.app_context():
        from app.facilitate.sessions import add_co_facilitator
        from app.models import TrainingSession
        from app.models import User

        co = make_user(role="facilitator", org=db.session.get(User, owner.id).organisation)
        add_co_facilitator(db.session.get(TrainingSession, day.id), db.session.get(User, co.id))
        db.session.commit()
    path = f"/facilitate/sessions/{day.public_id}/comparison"
    colleague = make_user(role="facilitator", org=_org_of(app, owner))
    assert client.get(path).status_code == 200
    assert client_for(co).get(path).status_code == 200
    assert client_for(colleague).get(path).status_code == 403
    assert client_for(make_user(role="facilitator")).get(path).status_code == 404  # another municipality
    assert client_for(make_user(role="participant", org=_org_of(app, owner))).get(path).status_code == 403
    overview = client_for(colleague).get(f"/facilitate/sessions/{day.public_id}").get_data(as_text=True)
    assert path not in overview  # a colleague who only watches is not offered the link
    assert path in client.get(f"/facilitate/sessions/{day.public_id}").get_data(as_text=True)


def _org_of(app, user):
    from app.models import User

    with app.app_context():
        organisation = db.session.get(User, user.id).organisation
        db.session.expunge(organisation)
        return organisation


def test_the_comparison_reads_in_english(app, client, played):
    with client.session_transaction() as session:
        session["locale"] = "en"
    html = client.get(f"/facilitate/sessions/{played.public_id}/comparison").get_data(as_text=True)
    table = _table(html)
    assert "Lawful information sharing" in table["Team"]
    assert table[played.drills[3].team_name][1] == "Waiting to start – not finished"
