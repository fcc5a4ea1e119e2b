"""The test-play page's scores: the expert path and a cautious team of a saved version, for those who
may test-play it, and the same numbers as `laget scenarios score`."""

# The fixtures come from the versions tests by import, and pytest passes them in by name.
# ruff: noqa: F811

from __future__ import annotations

import re

from markupsafe import escape

from app.extensions import db
from app.models import ScenarioVersion
from scoring.scorecard import score_path
from tests.app.test_authoring_editor import MINIMAL
from tests.app.test_authoring_editor import new_draft
from tests.app.test_authoring_versions import author  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import checker  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import draft  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import org  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import reviewer  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import save_version
from tests.app.test_authoring_versions import submit
from tests.app.test_authoring_versions import version_row
from tests.app.test_authoring_versions import writer  # noqa: F401 (fixture)
from tests.conftest import csrf_token

HEADING = "Skår ekspertstien / forsiktig team"


def _section(html: str) -> str:
    start = html.index(HEADING)
    return html[start : html.index("</section>", start)]


def test_the_version_page_shows_the_expert_and_cautious_scores(app, writer, draft):
    html = writer.get(f"/authoring/{draft}/versions/1").get_data(as_text=True)
    section = _section(html)
    with app.app_context():
        scenario = db.session.get(ScenarioVersion, version_row(app, draft, 1).id).scenario
        expert, cautious = score_path(scenario, "expert"), score_path(scenario, "cautious")
    assert "Ekspertstien" in section and "Forsiktig team" in section
    for card in (expert, cautious):
        assert f"{card.total:.1f}" in section
        assert f"<dd>{card.rating}</dd>" in section
    assert "Fullført" in section and "Slutt" in section
    assert "Lovlig informasjonsdeling" in section  # a dimension row
    totals = re.findall(r"<dt>Totalt</dt>\s*<dd>([\d.]+)", section)
    assert totals == [f"{expert.total:.1f}", f"{cautious.total:.1f}"]


def test_flags_are_listed_with_severity_code_role_and_message(app, writer, draft):
    # In this version nobody can report in week 2, so the expert path misses the expected report.
    silent = MINIMAL.replace("  - Handling: melding-bvt\n", "  - Handling: vente\n")
    assert save_version(writer, draft, silent).status_code == 303
    with app.app_context():
        scenario = db.session.get(ScenarioVersion, version_row(app, draft, 2).id).scenario
        cards = [score_path(scenario, "expert"), score_path(scenario, "cautious")]
    section = _section(writer.get(f"/authoring/{draft}/versions/2").get_data(as_text=True))
    assert [f.code for f in cards[0].flags] == ["missed_report"]
    for flag in (f for card in cards for f in card.flags):
        assert f"<code>{flag.code}</code>" in section
        assert escape(flag.message) in section
    assert "kritisk" in section


def test_a_path_without_flags_says_so(writer, draft):
    section = _section(writer.get(f"/authoring/{draft}/versions/1").get_data(as_text=True))
    assert "Ingen flagg." in section


def test_the_scores_follow_the_page_language(writer, draft):
    writer.post("/language", data={"locale": "en", "next": "/", "csrf_token": csrf_token(writer, "/")})
    html = writer.get(f"/authoring/{draft}/versions/1").get_data(as_text=True)
    assert "Score the expert path / cautious team" in html
    assert "Cautious team" in html and "The expert path" in html


def test_a_version_with_errors_has_no_scores(writer):
    public_id = new_draft(writer)
    broken = MINIMAL.replace("## Videre", "## Videre\n\n- Ellers: [Finnes ikke](#borte)", 1)
    assert save_version(writer, public_id, broken).status_code == 303
    html = writer.get(f"/authoring/{public_id}/versions/1").get_data(as_text=True)
    assert HEADING not in html


def test_a_reviewer_sees_the_scores_only_of_the_version_in_review(writer, checker, reviewer, draft):
    assert HEADING not in checker.get(f"/authoring/{draft}/versions/1").get_data(as_text=True)
    submit(writer, draft, 1, reviewer)
    assert HEADING in checker.get(f"/authoring/{draft}/versions/1").get_data(as_text=True)


def test_strangers_cannot_see_the_version_or_its_scores(writer, draft, client_for, make_user, org):
    colleague = client_for(make_user(role="author", org=org))
    stranger = client_for(make_user(role="admin"))
    facilitator = client_for(make_user(role="facilitator", org=org))
    assert colleague.get(f"/authoring/{draft}/versions/1").status_code == 404
    assert stranger.get(f"/authoring/{draft}/versions/1").status_code == 404
    assert facilitator.get(f"/authoring/{draft}/versions/1").status_code in (403, 404)
