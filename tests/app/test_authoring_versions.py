"""Authored versions, review and publishing: immutable numbered versions, diff, export, the review
workflow, the facilitators' library, sharing, retiring, version pinning and access control."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.facilitate.services import create_drills
from app.library import library_versions
from app.models import Drill
from app.models import ScenarioVersion
from app.models import User
from app.models.authoring import AuthoredScenario
from scenarios.parse import parse
from tests.app.test_authoring_editor import MINIMAL
from tests.app.test_authoring_editor import autosave
from tests.app.test_authoring_editor import new_draft
from tests.app.test_authoring_editor import stored
from tests.conftest import assign
from tests.conftest import control
from tests.conftest import csrf_token

V2 = MINIMAL.replace("title: Et lite scenario", "title: Et lite scenario, utgave 2").replace(
    "Det er mandag.", "Det er mandag morgen."
)


@pytest.fixture
def org(make_org):
    return make_org("Fjordvik kommune")


@pytest.fixture
def author(make_user, org):
    return make_user(role="author", org=org, name="Anna Forfatter")


@pytest.fixture
def reviewer(make_user, org):
    return make_user(role="author", org=org, name="Rita Vurderer")


@pytest.fixture
def writer(client_for, author):
    return client_for(author)


@pytest.fixture
def checker(client_for, reviewer):
    return client_for(reviewer)


def save_version(client, public_id: str, text: str, note: str = ""):
    """Type ``text`` into the editor and press «Lagre versjon»."""
    html = client.get(f"/authoring/{public_id}/edit").get_data(as_text=True)
    revision = re.search(r'id="revision" name="revision" type="hidden" value="(\d+)"', html).group(1)
    token = csrf_token(client, f"/authoring/{public_id}/edit")
    return client.post(
        f"/authoring/{public_id}/versions",
        data={"text": text, "revision": revision, "note": note, "csrf_token": token},
    )


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/authoring/"), **data})


def submit(client, public_id: str, number: int, reviewer):
    return post(client, f"/authoring/{public_id}/submit", version=str(number), reviewer=str(reviewer.id))


@pytest.fixture
def draft(writer):
    """A scenario with version 1 (the minimal scenario) saved."""
    public_id = new_draft(writer)
    assert save_version(writer, public_id, MINIMAL, "Første utkast").status_code == 303
    return public_id


@pytest.fixture
def published(writer, checker, reviewer, draft):
    """The draft's version 1, reviewed and published."""
    assert submit(writer, draft, 1, reviewer).status_code == 303
    assert post(checker, f"/authoring/{draft}/approve", body="Fint.").status_code == 303
    return draft


def version_row(app, public_id: str, number: int) -> ScenarioVersion:
    with app.app_context():
        scenario = db.session.scalar(select(AuthoredScenario).where(AuthoredScenario.public_id == public_id))
        version = scenario.version(number)
        assert version.source is not None  # the text is deferred; load it before detaching
        db.session.expunge(version)
    return version


# --- Versions ----------------------------------------------------------------------------------


def test_saved_versions_are_numbered_and_kept(app, writer, draft, author):
    assert save_version(writer, draft, V2, "Ny tittel").status_code == 303
    html = writer.get(f"/authoring/{draft}/versions").get_data(as_text=True)
    assert "Versjon 1" in html and "Versjon 2" in html and "Første utkast" in html and "Ny tittel" in html
    one, two = version_row(app, draft, 1), version_row(app, draft, 2)
    assert (one.source, two.source) == (MINIMAL, V2)
    assert (one.origin, one.created_by_id, one.scenario_key) == ("authored", author.id, f"authored-{draft}")
    assert one.sha256 != two.sha256


def test_saving_the_same_text_again_makes_no_new_version(app, writer, draft):
    response = save_version(writer, draft, MINIMAL)
    assert response.status_code == 303
    assert "lik den siste versjonen" in writer.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        scenario = db.session.scalar(select(AuthoredScenario).where(AuthoredScenario.public_id == draft))
        assert scenario.latest_number == 1


def test_a_saved_version_cannot_be_changed_or_deleted(app, draft):
    with app.app_context():
        version = db.session.scalar(select(ScenarioVersion).where(ScenarioVersion.origin == "authored"))
        version.source = "overskrevet"
        with pytest.raises(ValueError, match="cannot change"):
            db.session.flush()
        db.session.rollback()
        version = db.session.scalar(select(ScenarioVersion).where(ScenarioVersion.origin == "authored"))
        db.session.delete(version)
        with pytest.raises(ValueError, match="cannot change"):
            db.session.flush()
        db.session.rollback()
    assert version_row(app, draft, 1).source == MINIMAL


def test_two_authors_may_save_the_same_text(app, writer, draft, client_for, make_user, org):
    other = client_for(make_user(role="author", org=org))
    theirs = new_draft(other)
    assert save_version(other, theirs, MINIMAL).status_code == 303
    assert version_row(app, theirs, 1).source == version_row(app, draft, 1).source


def test_the_diff_shows_changed_lines_and_structure_in_tables(writer, draft):
    save_version(writer, draft, V2.replace("# Slutt: Ingen gjør noe", "# Slutt: Ingen griper inn"))
    response = writer.get(f"/authoring/{draft}/diff?a=1&b=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<caption>" in html and '<th scope="col">' in html
    assert "Det er mandag morgen." in html and "lagt til" in html and "fjernet" in html
    assert "Ingen griper inn" in html and "Scenariet heter nå «Et lite scenario, utgave 2»" in html


def test_the_diff_of_unknown_versions_is_not_found(writer, draft):
    assert writer.get(f"/authoring/{draft}/diff?a=1&b=9").status_code == 404


def test_export_downloads_the_exact_text_which_parses_back_to_the_same_scenario(app, writer, draft):
    response = writer.get(f"/authoring/{draft}/versions/1/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="minimal-v1.md"'
    assert response.mimetype == "text/markdown"
    exported = response.get_data(as_text=True)
    assert exported == MINIMAL
    assert parse(exported).scenario == parse(MINIMAL).scenario
    assert parse(exported).scenario is not None


def test_the_graph_links_each_scene_to_its_line_in_the_editor(writer, draft):
    html = writer.get(f"/authoring/{draft}/graph?version=1").get_data(as_text=True)
    assert "<svg" in html and f"/authoring/{draft}/versions/1#line-" in html
    working = writer.get(f"/authoring/{draft}/graph").get_data(as_text=True)
    line = next(i for i, row in enumerate(MINIMAL.split("\n"), 1) if row.startswith("# Scene: Uke 2"))
    assert f"/authoring/{draft}/edit?line={line}" in working
    assert "Oversikt i tekst" in working and "Uke 2" in working


def test_the_graph_marks_unreachable_scenes_and_dead_ends(writer, draft):
    broken = MINIMAL.replace(
        "# Hendelse: Mor ringer", "# Scene: Glemt {#glemt}\n\nIngen vei.\n\n# Hendelse: Mor ringer"
    )
    save_version(writer, draft, broken)
    html = writer.get(f"/authoring/{draft}/graph?version=2").get_data(as_text=True)
    assert "Kan ikke nås" in html and "Blindvei" in html


def test_the_explorer_says_its_method_and_what_is_reachable(writer, draft):
    html = writer.get(f"/authoring/{draft}/explore?version=1").get_data(as_text=True)
    assert "Metode: alle kombinasjoner av valg er prøvd" in html
    assert "Mia får hjelp" in html and "Ingen gjør noe" in html and "Ingen: alle slutter kan nås." in html


def test_the_explorer_says_so_when_it_only_sampled(writer, draft, monkeypatch):
    from app.authoring import screens

    monkeypatch.setattr(screens, "EXPLORE_MAX_COMBINATIONS", 1)
    html = writer.get(f"/authoring/{draft}/explore?version=1").get_data(as_text=True)
    assert "Metode: utvalg." in html and "alle kombinasjoner" not in html
    assert "Mia får hjelp" in html


def test_the_explorer_names_an_ending_nobody_reaches(writer, draft):
    save_version(
        writer,
        draft,
        MINIMAL.replace("- Ellers: [God slutt](#slutt-god)", "- Ellers: [Dårlig slutt](#slutt-svak)"),
    )
    html = writer.get(f"/authoring/{draft}/explore?version=2").get_data(as_text=True)
    unreached = html.split("Kan ikke nås</h3>")[1].split("</ul>")[0]
    assert "Mia får hjelp" in unreached and "nås ikke" in unreached


# --- Review and publishing ---------------------------------------------------------------------


def test_only_an_error_free_saved_version_can_be_submitted(app, writer, reviewer):
    public_id = new_draft(writer)
    save_version(writer, public_id, MINIMAL.replace("#slutt-god)", "#borte)"))
    overview = writer.get(f"/authoring/{public_id}").get_data(as_text=True)
    assert "Ingen av de lagrede versjonene er uten feil" in overview and 'id="submit-form"' not in overview
    response = submit(writer, public_id, 1, reviewer)
    assert response.status_code == 422
    assert "Ingen av de lagrede versjonene er uten feil" in response.get_data(as_text=True)
    assert stored(app, public_id).state == "draft"


def test_the_owner_cannot_review_their_own_scenario(app, writer, author, draft, make_user, org):
    assert submit(writer, draft, 1, author).status_code == 422
    assert stored(app, draft).state == "draft"  # the owner is no reviewer
    admin = make_user(role="admin", org=org)
    assert submit(writer, draft, 1, admin).status_code == 303
    assert stored(app, draft).state == "review"
    assert post(writer, f"/authoring/{draft}/approve").status_code == 403
    assert stored(app, draft).state == "review"


def test_the_reviewer_comments_on_lines_and_sends_back_with_the_comments_kept(
    app, writer, checker, reviewer, draft
):
    submit(writer, draft, 1, reviewer)
    assert draft in checker.get("/authoring/").get_data(as_text=True)
    page = checker.get(f"/authoring/{draft}/review").get_data(as_text=True)
    assert 'id="line-3"' in page and "Godkjenn og publiser" in page
    assert f'href="/authoring/{draft}/review?line=3#new-comment" aria-label="Kommenter linje 3"' in page
    form = checker.get(f"/authoring/{draft}/review?line=3").get_data(as_text=True)
    assert re.search(r'id="line"[^>]*value="3"', form)
    response = post(checker, f"/authoring/{draft}/comments", line="3", body="Gi scenariet en bedre tittel.")
    assert response.headers["Location"].endswith("#line-3")
    post(checker, f"/authoring/{draft}/comments", body="Ellers bra.")
    assert post(checker, f"/authoring/{draft}/send-back", body="Se kommentarene.").status_code == 303
    assert stored(app, draft).state == "draft"
    html = writer.get(f"/authoring/{draft}/review").get_data(as_text=True)
    row = re.search(r'<tr id="line-3".*?</tr>', html, re.S).group(0)
    assert "Gi scenariet en bedre tittel." in row and "Rita Vurderer" in row
    assert "Ellers bra." in html and "sendt tilbake" in html
    assert "Godkjenn og publiser" not in html


def test_a_reviewer_cannot_edit_the_text(writer, checker, reviewer, draft):
    submit(writer, draft, 1, reviewer)
    assert checker.get(f"/authoring/{draft}/edit").status_code == 403
    assert autosave(checker, draft, "endret av vurderer", 1).status_code == 403


def test_only_reviewers_and_the_owner_may_comment(writer, reviewer, draft, client_for, make_user, org):
    submit(writer, draft, 1, reviewer)
    bystander = client_for(make_user(role="author", org=org))
    assert post(bystander, f"/authoring/{draft}/comments", line="1", body="Hei").status_code == 404
    assert (
        post(writer, f"/authoring/{draft}/comments", line="1", body="Takk, jeg ser på det.").status_code
        == 303
    )


def test_approval_publishes_to_the_facilitators_library_with_license_and_authors(
    app, client_for, make_user, org, published
):
    facilitator = client_for(make_user(role="facilitator", org=org))
    html = facilitator.get("/facilitate/library").get_data(as_text=True)
    assert "Et lite scenario" in html and "Fjordvik kommune, vurdert og publisert i Laget" in html
    assert "Lisens" in html and "Forfattere" in html and "Anna Forfatter" in html
    assert stored(app, published).state == "published" and stored(app, published).published_number == 1


def test_license_and_authors_from_the_front_matter_are_shown(
    app, writer, checker, reviewer, client_for, make_user, org
):
    public_id = new_draft(writer)  # the starter has authors and license
    save_version(
        writer, public_id, stored(app, public_id).working_text.replace("[Navnet ditt]", "[Kari Nordmann]")
    )
    submit(writer, public_id, 1, reviewer)
    post(checker, f"/authoring/{public_id}/approve")
    html = (
        client_for(make_user(role="facilitator", org=org)).get("/facilitate/library").get_data(as_text=True)
    )
    assert "Kari Nordmann" in html and "CC BY 4.0" in html


def test_drafts_and_scenarios_in_review_stay_out_of_the_library(app, writer, reviewer, draft, org):
    submit(writer, draft, 1, reviewer)
    with app.app_context():
        assert [v.origin for v in library_versions(org.id)] == []


def test_sharing_with_own_organisation_or_with_all(app, client_for, make_user, published, org, make_org):
    other = make_org("Nabokommune")
    with app.app_context():
        assert [v.title for v in library_versions(org.id)] == ["Et lite scenario"]
        assert library_versions(other.id) == []
    admin = client_for(make_user(role="admin", org=org))
    page = admin.get(f"/authoring/{published}")
    assert page.status_code == 200 and 'id="sharing-form"' in page.get_data(as_text=True)
    assert post(admin, f"/authoring/{published}/sharing", sharing="all").status_code == 303
    with app.app_context():
        assert [v.title for v in library_versions(other.id)] == ["Et lite scenario"]
    post(admin, f"/authoring/{published}/sharing", sharing="organisation")
    with app.app_context():
        assert library_versions(other.id) == []


def drill_on_the_library_version(app, org, facilitator) -> int:
    """Start a drill on the organisation's first library version; return the drill's id."""
    with app.app_context():
        version = library_versions(org.id)[0]
        drill = create_drills(db.session.get(User, facilitator.id), version, "Lag Nord")[0]
        db.session.commit()
        return drill.id


def test_retiring_removes_it_from_the_library_but_drills_keep_their_version(
    app, writer, published, org, make_user
):
    drill_id = drill_on_the_library_version(app, org, make_user(role="facilitator", org=org))
    assert post(writer, f"/authoring/{published}/retire", confirm="y").status_code == 303
    assert stored(app, published).state == "retired"
    with app.app_context():
        assert library_versions(org.id) == []
        assert db.session.get(Drill, drill_id).scenario.meta.title == "Et lite scenario"


def test_a_facilitator_can_start_a_drill_on_a_published_scenario(app, client_for, make_user, org, published):
    facilitator = client_for(make_user(role="facilitator", org=org))
    with app.app_context():
        version_id = library_versions(org.id)[0].id
    form = facilitator.get(f"/facilitate/drills/new?scenario={version_id}").get_data(as_text=True)
    assert "Et lite scenario (Fjordvik kommune, versjon 1)" in form
    data = {
        "scenario": str(version_id),
        "team_name": "Nordbyen",
        "teams": "1",
        "csrf_token": csrf_token(facilitator, "/"),
    }
    assert facilitator.post("/facilitate/drills/new", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Drill.scenario_version_id)) == version_id


def test_a_drill_started_on_version_1_keeps_its_text_after_version_2_is_published(
    app, writer, checker, reviewer, client_for, make_user, org, published
):
    drill_id = drill_on_the_library_version(app, org, make_user(role="facilitator", org=org))
    save_version(writer, published, V2)
    assert stored(app, published).state == "draft"
    with app.app_context():  # the published version stays in the library while version 2 is a draft
        assert [v.number for v in library_versions(org.id)] == [1]
    submit(writer, published, 2, reviewer)
    post(checker, f"/authoring/{published}/approve")
    with app.app_context():
        assert [v.title for v in library_versions(org.id)] == ["Et lite scenario, utgave 2"]
        pinned = db.session.get(Drill, drill_id)
        assert pinned.scenario_version.number == 1
        assert pinned.scenario.meta.title == "Et lite scenario"
        assert pinned.scenario.scene("uke1").narrative == "Det er mandag."
    play = client_for(make_user(role="facilitator", org=org))
    library = play.get("/facilitate/library").get_data(as_text=True)
    assert library.count(">Et lite scenario, utgave 2</h2>") == 1 and ">Et lite scenario</h2>" not in library


def test_authored_text_is_sanitised_in_the_library_and_the_drill(
    app, writer, checker, reviewer, client_for, make_user, org
):
    from tests.app.test_authoring_editor import HOSTILE
    from tests.app.test_authoring_editor import assert_harmless

    public_id = new_draft(writer)
    save_version(
        writer,
        public_id,
        HOSTILE.replace("summary: Et minimalt scenario for tester.", "summary: <script>alert(3)</script>"),
    )
    submit(writer, public_id, 1, reviewer)
    post(checker, f"/authoring/{public_id}/approve")
    facilitator_user = make_user(role="facilitator", org=org)
    facilitator = client_for(facilitator_user)
    library = facilitator.get("/facilitate/library").get_data(as_text=True)
    assert "&lt;script&gt;alert(3)" in library
    assert_harmless(library)
    for page in ("versions/1", "review", "graph?version=1"):
        assert_harmless(writer.get(f"/authoring/{public_id}/{page}").get_data(as_text=True))
    with app.app_context():
        version = library_versions(org.id)[0]
        drill = create_drills(db.session.get(User, facilitator_user.id), version, "Lag Nord")[0]
        db.session.commit()
        public_drill = drill.public_id
    console = facilitator.get(f"/facilitate/drills/{public_drill}").get_data(as_text=True)
    assert_harmless(console)
    with app.app_context():
        drill = db.session.scalar(select(Drill).where(Drill.public_id == public_drill))
        db.session.expunge(drill)
    assign(app, facilitator, drill, {"kontaktlaerer": "self", "helsesykepleier": "self"})
    control(facilitator, drill, "start")
    play = facilitator.get(f"/drills/{public_drill}/play?role=kontaktlaerer").get_data(as_text=True)
    assert "Det er mandag. &lt;script&gt;alert(" in play  # the hostile scene, shown as text
    assert_harmless(play)


def test_the_personal_data_warning_comes_again_on_submit(writer, reviewer):
    public_id = new_draft(writer)
    save_version(writer, public_id, MINIMAL.replace("Det er mandag.", "Ring mor på 91 23 45 67."))
    overview = writer.get(f"/authoring/{public_id}").get_data(as_text=True)
    assert "ser ut til å inneholde ekte personopplysninger" in overview
    response = submit(writer, public_id, 1, reviewer)
    flashes = writer.get(response.headers["Location"]).get_data(as_text=True)
    assert "er sendt til Rita Vurderer" in flashes
    assert "Advarsel: teksten ser ut til å inneholde ekte personopplysninger." in flashes


# --- Access control ----------------------------------------------------------------------------


def test_another_organisations_drafts_are_not_found(writer, draft, client_for, make_user):
    stranger = client_for(make_user(role="admin"))
    for path in (
        "",
        "/edit",
        "/versions",
        "/versions/1",
        "/versions/1/export",
        "/graph",
        "/explore",
        "/review",
    ):
        assert stranger.get(f"/authoring/{draft}{path}").status_code == 404, path
    assert post(stranger, f"/authoring/{draft}/retire").status_code == 404


def test_another_author_in_the_organisation_does_not_see_my_draft(writer, draft, client_for, make_user, org):
    colleague = client_for(make_user(role="author", org=org))
    assert colleague.get(f"/authoring/{draft}").status_code == 404
    assert draft not in colleague.get("/authoring/").get_data(as_text=True)


def test_may_read_version_follows_the_scenarios_state(
    app, author, reviewer, draft, writer, checker, make_user, org, make_org
):
    from app.authoring.access import may_read_version

    facilitator = make_user(role="facilitator", org=org)
    outsider = make_user(role="facilitator", org=make_org())
    with app.app_context():
        version = db.session.get(ScenarioVersion, version_row(app, draft, 1).id)
        people = {
            name: db.session.get(User, user.id)
            for name, user in {
                "author": author,
                "reviewer": reviewer,
                "facilitator": facilitator,
                "outsider": outsider,
            }.items()
        }
        assert [may_read_version(people[n], version) for n in people] == [True, False, False, False]
    submit(writer, draft, 1, reviewer)
    with app.app_context():
        version = db.session.get(ScenarioVersion, version_row(app, draft, 1).id)
        people = {n: db.session.get(User, u.id) for n, u in people.items()}
        assert [may_read_version(people[n], version) for n in people] == [True, True, False, False]
    post(checker, f"/authoring/{draft}/approve")
    with app.app_context():
        version = db.session.get(ScenarioVersion, version_row(app, draft, 1).id)
        people = {n: db.session.get(User, u.id) for n, u in people.items()}
        assert [may_read_version(people[n], version) for n in people] == [True, True, True, False]


# --- Co-authors --------------------------------------------------------------------------------


def test_a_co_author_writes_and_saves_versions_but_only_the_owner_submits(
    app, writer, draft, client_for, make_user, org, reviewer
):
    colleague_user = make_user(role="author", org=org, name="Kari Medforfatter")
    colleague = client_for(colleague_user)
    assert colleague.get(f"/authoring/{draft}/edit").status_code == 404
    assert post(writer, f"/authoring/{draft}/co-authors", user=str(colleague_user.id)).status_code == 303
    assert draft in colleague.get("/authoring/").get_data(as_text=True)
    assert autosave(colleague, draft, V2, stored(app, draft).revision).status_code == 200
    assert save_version(colleague, draft, V2, "Fra Kari").status_code == 303
    assert version_row(app, draft, 2).created_by_id == colleague_user.id
    assert submit(colleague, draft, 2, reviewer).status_code == 403
    assert post(colleague, f"/authoring/{draft}/retire").status_code == 403
    overview = writer.get(f"/authoring/{draft}").get_data(as_text=True)
    assert "Kari Medforfatter" in overview
    # A writer of the scenario is never one of its reviewers.
    assert (
        f'<option value="{colleague_user.id}">'
        not in overview.split('id="reviewer"')[1].split("</select>")[0]
    )


def test_a_removed_co_author_loses_access(app, writer, draft, client_for, make_user, org):
    colleague_user = make_user(role="author", org=org)
    colleague = client_for(colleague_user)
    post(writer, f"/authoring/{draft}/co-authors", user=str(colleague_user.id))
    assert colleague.get(f"/authoring/{draft}/edit").status_code == 200
    post(writer, f"/authoring/{draft}/co-authors/{colleague_user.id}/remove")
    assert colleague.get(f"/authoring/{draft}/edit").status_code == 404


def test_an_author_of_another_organisation_cannot_be_a_co_author(app, writer, draft, make_user, make_org):
    stranger = make_user(role="author", org=make_org())
    response = post(writer, f"/authoring/{draft}/co-authors", user=str(stranger.id))
    assert response.status_code == 303
    with app.app_context():
        scenario = db.session.scalar(select(AuthoredScenario).where(AuthoredScenario.public_id == draft))
        assert scenario.co_authors == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---\nid: x\ntitle: y\n---\n",
        "---\nid: x\ntitle: Y\nlanguage: nb\nsummary: s\nroles:\n"
        "  - id: a\n    name: A\n    service: skole\n---\n"
        "# Innledning\n\nHei.\n",
        MINIMAL.replace("# Scene: Uke 2 {#uke2 dag=7}", "# Scene: Uke 2 {#uke1 dag=7}"),
    ],
)
def test_any_draft_text_gives_pages_not_errors(writer, text):
    public_id = new_draft(writer)
    save_version(writer, public_id, text or "tom")
    for page in ("", "/edit", "/graph", "/graph?version=1", "/explore", "/versions/1", "/versions"):
        assert writer.get(f"/authoring/{public_id}{page}").status_code == 200, page
    token = csrf_token(writer, f"/authoring/{public_id}/edit")
    for role, scene in (("", ""), ("nobody", "nowhere"), ("a", "uke1")):
        response = writer.post(
            f"/authoring/{public_id}/preview",
            data={"text": text, "role": role, "scene": scene},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        assert response.status_code == 200
