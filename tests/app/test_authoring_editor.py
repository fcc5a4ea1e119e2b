"""The authoring workspace and editor: creating drafts, diagnostics with lines, preview, autosave, safety."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.library import sync_library
from app.models.authoring import AuthoredScenario
from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import csrf_token

MINIMAL = MINIMAL_SCENARIO.read_text(encoding="utf-8")


@pytest.fixture
def app_config(minimal_library):
    return {"SCENARIO_LIBRARY": str(minimal_library)}


@pytest.fixture
def author(auth, make_org):
    return auth.login(as_role="author", org=make_org("Fjordvik kommune"))


def new_draft(client, how: str = "template", **data) -> str:
    """Create a draft through the workspace and return its public id."""
    token = csrf_token(client, "/authoring/")
    if how == "import":
        name, content = data.pop("file")
        data["file"] = (io.BytesIO(content), name)
    response = client.post(
        f"/authoring/{'import' if how == 'import' else 'new/' + how}", data={"csrf_token": token, **data}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.fullmatch(r"/authoring/([\w-]+)/edit", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def stored(app, public_id: str) -> AuthoredScenario:
    """Load a scenario fresh from the database, detached."""
    with app.app_context():
        scenario = db.session.scalar(select(AuthoredScenario).where(AuthoredScenario.public_id == public_id))
        db.session.refresh(scenario)
        db.session.expunge(scenario)
    return scenario


def autosave(client, public_id: str, text: str, revision: int):
    """Post the editor's text as the autosave does (htmx, CSRF in the header)."""
    token = csrf_token(client, f"/authoring/{public_id}/edit")
    return client.post(
        f"/authoring/{public_id}/autosave",
        data={"text": text, "revision": str(revision)},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )


def preview(client, public_id: str, text: str, **fields: str):
    token = csrf_token(client, f"/authoring/{public_id}/edit")
    return client.post(
        f"/authoring/{public_id}/preview",
        data={"text": text, **fields},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )


# --- Who gets in ---------------------------------------------------------------------------------


def test_facilitators_and_participants_cannot_open_the_workspace(client, auth):
    auth.login(as_role="facilitator")
    assert client.get("/authoring/").status_code == 403


def test_the_workspace_offers_three_ways_to_start(client, author):
    html = client.get("/authoring/").get_data(as_text=True)
    assert "Du har ingen scenarier ennå." in html
    assert "Start fra malen" in html and "Lag en kopi" in html and "Last inn fila" in html
    assert 'enctype="multipart/form-data"' in html


# --- Creating drafts -----------------------------------------------------------------------------


def test_the_template_is_a_valid_starter_with_two_roles_three_scenes_and_two_endings(app, client, author):
    public_id = new_draft(client)
    scenario = stored(app, public_id)
    assert scenario.owner_id == author.id and scenario.state == "draft" and scenario.revision == 1
    html = client.get(f"/authoring/{public_id}/edit").get_data(as_text=True)
    assert "0 feil, 0 advarsler." in html
    from scenarios.check import check_source

    result = check_source(scenario.working_text)
    assert result.ok and result.diagnostics == []
    model = result.scenario
    assert (len(model.meta.roles), len(model.scenes), len(model.endings)) == (2, 3, 2)
    assert model.meta.language == "nb"
    workspace = client.get("/authoring/").get_data(as_text=True)
    assert "Jonas står alene i friminuttene" in workspace and "Utkast" in workspace


def test_a_library_scenario_can_be_copied(app, client, author):
    with app.app_context():
        version = sync_library().added[0]
        db.session.commit()
        version_id = version.id
    html = client.get("/authoring/").get_data(as_text=True)
    assert f'value="v{version_id}"' in html
    public_id = new_draft(client, "copy", source=f"v{version_id}")
    # The copy starts with its own id and title, so it never poses as the built-in scenario.
    copied = stored(app, public_id)
    assert copied.working_text == MINIMAL.replace("id: minimal", "id: minimal-kopi", 1).replace(
        "title: Et lite scenario", "title: Et lite scenario (kopi)", 1
    )
    assert copied.title == "Et lite scenario (kopi)"


def test_my_own_scenario_can_be_copied_but_not_someone_elses(app, client, author, make_user, client_for):
    mine = new_draft(client)
    copy = new_draft(client, "copy", source=f"s{mine}")
    assert stored(app, copy).title == f"{stored(app, mine).title} (kopi)"
    other = client_for(make_user(role="author", org=None))
    response = other.post(
        "/authoring/new/copy", data={"source": f"s{mine}", "csrf_token": csrf_token(other, "/authoring/")}
    )
    assert response.status_code == 400


def test_an_imported_file_with_errors_becomes_a_draft_with_every_error_at_its_line(app, client, author):
    broken = MINIMAL.replace("[God slutt](#slutt-god)", "[God slutt](#finnes-ikke)").replace(
        "## Helsesykepleier {.passiv}", "## Rektor"
    )
    public_id = new_draft(client, "import", file=("case.md", broken.encode()))
    assert stored(app, public_id).working_text == broken
    html = client.get(f"/authoring/{public_id}/edit", follow_redirects=True).get_data(as_text=True)
    lines = broken.split("\n")
    target_line = next(i for i, line in enumerate(lines, 1) if "#finnes-ikke" in line)
    role_line = next(i for i, line in enumerate(lines, 1) if line == "## Rektor")
    assert re.search(rf'data-line="{target_line}">Linje {target_line}</a>.*?SC001', html, re.S)
    assert re.search(rf'data-line="{role_line}">Linje {role_line}</a>.*?SC007', html, re.S)
    assert f"/authoring/{public_id}/edit?line={target_line}" in html


def test_the_import_flash_counts_the_errors(client, author):
    token = csrf_token(client, "/authoring/")
    response = client.post(
        "/authoring/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"---\nid: x\n---\n"), "x.md")},
        follow_redirects=True,
    )
    assert "Fila er lastet inn, men har" in response.get_data(as_text=True)


def test_a_file_in_another_encoding_is_refused_with_a_clear_message(app, client, author):
    token = csrf_token(client, "/authoring/")
    latin1 = MINIMAL.replace("Et lite", "Et lite æøå").encode("latin-1")
    response = client.post(
        "/authoring/import", data={"csrf_token": token, "file": (io.BytesIO(latin1), "case.md")}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Lagre den som UTF-8-tekst" in html and 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(select(AuthoredScenario)) is None


def test_a_file_that_is_too_large_is_refused(app, client, author, monkeypatch):
    from app.authoring import services

    # A small limit keeps the upload in memory; the check is the same at 5 MB.
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 1000)
    token = csrf_token(client, "/authoring/")
    response = client.post(
        "/authoring/import", data={"csrf_token": token, "file": (io.BytesIO(b"a" * 1001), "big.md")}
    )
    assert response.status_code == 400
    assert "Fila er for stor" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuthoredScenario)) is None


def test_import_without_a_file_marks_the_field(client, author):
    response = client.post("/authoring/import", data={"csrf_token": csrf_token(client, "/authoring/")})
    assert response.status_code == 400
    assert "Velg en fil å laste opp." in response.get_data(as_text=True)


# --- Preview -------------------------------------------------------------------------------------


def test_the_preview_is_a_fragment_with_the_diagnostics_of_the_posted_text(client, author):
    public_id = new_draft(client)
    response = preview(client, public_id, MINIMAL.replace("#slutt-god)", "#borte)"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "HX-Request" in response.headers["Vary"]
    assert "SC001" in html and "2 feil, 1 advarsel." in html


def test_the_preview_shows_the_chosen_roles_view_of_the_chosen_scene(client, author):
    public_id = new_draft(client)
    html = preview(client, public_id, MINIMAL, role="kontaktlaerer", scene="uke1").get_data(as_text=True)
    assert "Du ser at Mia er sliten." in html  # the teacher's private text
    assert "Del fraværet med helsesykepleier" in html and "Det er mandag." in html
    nurse = preview(client, public_id, MINIMAL, role="helsesykepleier", scene="uke1").get_data(as_text=True)
    assert "Du ser at Mia er sliten." not in nurse and "Tilby samtale" in nurse
    assert "Det er mandag." in nurse
    passive = preview(client, public_id, MINIMAL, role="helsesykepleier", scene="uke2").get_data(as_text=True)
    assert "Du venter." in passive and "Rollen skal bare lese i denne scenen." in passive


def test_the_preview_without_script_renders_the_whole_editor(client, author):
    public_id = new_draft(client)
    token = csrf_token(client, f"/authoring/{public_id}/edit")
    response = client.post(
        f"/authoring/{public_id}/preview", data={"text": MINIMAL, "csrf_token": token, "revision": "1"}
    )
    html = response.get_data(as_text=True)
    assert "<html" in html and "Et lite scenario" in html and 'id="text"' in html


def test_the_preview_does_not_save(app, client, author):
    public_id = new_draft(client)
    before = stored(app, public_id).working_text
    preview(client, public_id, "noe helt annet")
    assert stored(app, public_id).working_text == before


# --- Autosave ------------------------------------------------------------------------------------


def test_autosave_stores_the_text_and_says_when(app, client, author):
    public_id = new_draft(client)
    response = autosave(client, public_id, MINIMAL, 1)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"Lagret kl\. \d\d:\d\d", html)
    assert 'id="revision" name="revision" value="2" hx-swap-oob="true"' in html
    scenario = stored(app, public_id)
    assert (scenario.working_text, scenario.revision, scenario.title) == (MINIMAL, 2, "Et lite scenario")


def test_a_stale_tab_cannot_overwrite_newer_text(app, client, author):
    public_id = new_draft(client)
    assert autosave(client, public_id, MINIMAL, 1).status_code == 200  # tab A, now at revision 2
    response = autosave(client, public_id, "gammel tekst fra fane B", 1)  # tab B still thinks 1
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Ikke lagret:" in html and "endret i en annen fane" in html and "hx-swap-oob" not in html
    assert stored(app, public_id).working_text == MINIMAL
    assert stored(app, public_id).revision == 2


def test_saving_a_version_from_a_stale_tab_is_refused_and_keeps_the_typed_text(app, client, author):
    public_id = new_draft(client)
    autosave(client, public_id, MINIMAL, 1)
    token = csrf_token(client, f"/authoring/{public_id}/edit")
    response = client.post(
        f"/authoring/{public_id}/versions",
        data={"text": "min tekst fra fane B", "revision": "1", "note": "", "csrf_token": token},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "min tekst fra fane B" in html and "Ikke lagret:" in html
    with app.app_context():
        scenario = db.session.scalar(select(AuthoredScenario).where(AuthoredScenario.public_id == public_id))
        assert scenario.latest_number == 0 and scenario.working_text == MINIMAL


def test_a_bad_revision_is_a_bad_request_not_an_error(client, author):
    public_id = new_draft(client)
    assert autosave(client, public_id, MINIMAL, "x").status_code == 400  # type: ignore[arg-type]


# --- Safety --------------------------------------------------------------------------------------

HOSTILE = MINIMAL.replace(
    "Det er mandag.", "Det er mandag. <script>alert('x')</script> [klikk](javascript:alert(1))"
).replace("Mia (12) har vært mye borte.", "Mia (12) har vært mye borte. <img src=x onerror=alert(2)>")


def assert_harmless(html: str) -> None:
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<img src=x" not in html


def test_script_tags_and_javascript_links_never_reach_the_preview(client, author):
    public_id = new_draft(client)
    html = preview(client, public_id, HOSTILE, role="kontaktlaerer", scene="uke1").get_data(as_text=True)
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert_harmless(html)


def test_the_personal_data_warning_shows_in_the_editor(client, author):
    public_id = new_draft(client)
    cases = {
        "fødselsnummer": "Mias fødselsnummer er 15051050069.",
        "telefon": "Ring mor på 91 23 45 67.",
        "e-post": "Skriv til mor@eksempel.no.",
    }
    for text in cases.values():
        html = preview(client, public_id, MINIMAL.replace("Det er mandag.", text)).get_data(as_text=True)
        assert "ekte personopplysninger" in html and "SC035" in html, text
        line = next(i for i, row in enumerate(MINIMAL.split("\n"), 1) if row == "Det er mandag.")
        assert f"linje {line}" in html
    clean = preview(client, public_id, MINIMAL.replace("Det er mandag.", "Mia er 12 år.")).get_data(
        as_text=True
    )
    assert "ekte personopplysninger" not in clean


def test_a_fake_national_id_with_wrong_check_digits_is_not_flagged(client, author):
    public_id = new_draft(client)
    html = preview(client, public_id, MINIMAL.replace("Det er mandag.", "Nummer 15051050068.")).get_data(
        as_text=True
    )
    assert "fødselsnummer" not in html


def test_the_same_text_from_an_older_revision_is_no_conflict(app, client, author):
    public_id = new_draft(client)
    assert autosave(client, public_id, MINIMAL, 1).status_code == 200  # the tab's own autosave won the race
    token = csrf_token(client, f"/authoring/{public_id}/edit")
    response = client.post(
        f"/authoring/{public_id}/versions",
        data={"text": MINIMAL, "revision": "1", "note": "", "csrf_token": token},
    )
    assert response.status_code == 303
    with app.app_context():
        scenario = db.session.scalar(select(AuthoredScenario).where(AuthoredScenario.public_id == public_id))
        assert scenario.latest_number == 1 and scenario.version(1).source == MINIMAL
