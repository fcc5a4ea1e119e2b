"""Defects a tester found walking through the workspace: bad input comes back marked on its field, copies
never pose as library scenarios, sharing with all is an administrator's decision, and nothing gives a 500."""

# The fixtures come from the versions tests by import, and pytest passes them in by name.
# ruff: noqa: F811

from __future__ import annotations

import io
import re

import pytest

from app.extensions import db
from app.library import sync_library
from tests.app.test_authoring_editor import MINIMAL
from tests.app.test_authoring_editor import new_draft
from tests.app.test_authoring_editor import stored
from tests.app.test_authoring_versions import V2
from tests.app.test_authoring_versions import author  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import checker  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import draft  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import org  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import post
from tests.app.test_authoring_versions import published  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import reviewer  # noqa: F401 (fixture)
from tests.app.test_authoring_versions import save_version
from tests.app.test_authoring_versions import submit
from tests.app.test_authoring_versions import writer  # noqa: F401 (fixture)
from tests.conftest import csrf_token

HUGE = "9" * 40


@pytest.fixture
def in_review(writer, reviewer, draft):
    """The draft's version 1, sent to the reviewer."""
    assert submit(writer, draft, 1, reviewer).status_code == 303
    return draft


def marked(html: str, field_id: str) -> bool:
    """Whether the field is marked invalid and points at its error message, as the form macros do."""
    control = re.search(rf'<[^>]*\bid="{field_id}"[^>]*>', html)
    return (
        bool(control)
        and 'aria-invalid="true"' in control.group(0)
        and f"{field_id}-error" in control.group(0)
    )


# --- 1, 8: review comments ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [{}, {"line": "3"}, {"line": "3", "body": "   "}])
def test_an_empty_comment_comes_back_marked_not_as_an_error_page(checker, in_review, data):
    response = post(checker, f"/authoring/{in_review}/comments", **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Skriv kommentaren." in html and marked(html, "body")


def test_a_comment_on_a_line_the_version_does_not_have_is_refused(app, checker, in_review):
    for line in ("99999", HUGE):
        response = post(checker, f"/authoring/{in_review}/comments", line=line, body="Her?")
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Linja finnes ikke i denne versjonen." in html and marked(html, "line")
        assert "Her?" in html  # what was typed is kept
    review = checker.get(f"/authoring/{in_review}/review").get_data(as_text=True)
    assert "Her?" not in review


# --- 2: huge numbers in query strings -------------------------------------------------------------


@pytest.mark.parametrize(
    "query", [f"diff?a=1&b={HUGE}", f"diff?a={HUGE}&b=1", f"explore?version={HUGE}", f"graph?version={HUGE}"]
)
def test_a_huge_version_number_is_not_found(writer, draft, query):
    assert writer.get(f"/authoring/{draft}/{query}").status_code == 404


def test_a_huge_line_in_the_review_link_is_no_error(checker, in_review):
    assert checker.get(f"/authoring/{in_review}/review?line={HUGE}").status_code == 404


# --- 3: copies, names and sharing -----------------------------------------------------------------


def test_a_copy_of_a_library_scenario_gets_its_own_id_and_title(app, writer, minimal_library):
    with app.app_context():
        version = sync_library(minimal_library).added[0]
        db.session.commit()
        version_id = version.id
    copy = stored(app, new_draft(writer, "copy", source=f"v{version_id}"))
    assert "\nid: minimal-kopi\n" in copy.working_text and copy.title == "Et lite scenario (kopi)"


def test_submitting_with_a_built_in_scenarios_id_or_title_is_refused(
    app, writer, reviewer, draft, minimal_library
):
    with app.app_context():
        sync_library(minimal_library)
        db.session.commit()
    response = submit(writer, draft, 1, reviewer)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Gi scenariet en egen id og tittel" in html and marked(html, "version")
    assert stored(app, draft).state == "draft"
    # A new id alone is not enough while the title is the built-in's.
    save_version(writer, draft, MINIMAL.replace("id: minimal", "id: min-egen"))
    assert submit(writer, draft, 2, reviewer).status_code == 422
    renamed = MINIMAL.replace("id: minimal", "id: min-egen").replace("title: Et lite", "title: Vårt lille")
    save_version(writer, draft, renamed)
    assert submit(writer, draft, 3, reviewer).status_code == 303
    assert stored(app, draft).state == "review"


def test_submitting_with_another_published_scenarios_title_is_refused(
    app, published, client_for, make_user, org
):
    reviewer = make_user(role="author", org=org)
    other = client_for(make_user(role="author", org=org))
    public_id = new_draft(other)
    save_version(other, public_id, MINIMAL.replace("id: minimal", "id: annen"))
    response = submit(other, public_id, 1, reviewer)
    assert response.status_code == 422 and "«Et lite scenario»" in response.get_data(as_text=True)
    # The published scenario itself may send its next version under its own name.
    assert stored(app, published).state == "published"


def test_the_published_scenario_may_keep_its_own_name(app, writer, reviewer, published):
    save_version(
        writer,
        published,
        V2.replace("utgave 2", "utgave 2").replace("Et lite scenario, utgave 2", "Et lite scenario"),
    )
    assert submit(writer, published, 2, reviewer).status_code == 303


def test_only_an_administrator_shares_with_all_organisations(
    app, writer, published, client_for, make_user, org
):
    page = writer.get(f"/authoring/{published}").get_data(as_text=True)
    assert re.search(r'<input[^>]*disabled[^>]*value="all"|<input[^>]*value="all"[^>]*disabled', page)
    assert "Bare en administrator i organisasjonen kan dele" in page
    response = post(writer, f"/authoring/{published}/sharing", sharing="all")
    assert response.status_code == 403
    assert "Bare en administrator" in response.get_data(as_text=True)
    assert stored(app, published).sharing == "organisation"
    assert post(writer, f"/authoring/{published}/sharing", sharing="organisation").status_code == 303
    outsider = client_for(make_user(role="admin", org=None))
    assert post(outsider, f"/authoring/{published}/sharing", sharing="all").status_code == 404
    admin = client_for(make_user(role="admin", org=org))
    assert post(admin, f"/authoring/{published}/sharing", sharing="all").status_code == 303
    assert stored(app, published).sharing == "all"


def test_library_cards_say_where_each_scenario_comes_from(
    app, client_for, make_user, org, published, minimal_library
):
    with app.app_context():
        sync_library(minimal_library)
        db.session.commit()
    facilitator = client_for(make_user(role="facilitator", org=org))
    html = facilitator.get("/facilitate/library").get_data(as_text=True)
    cards = re.findall(r'<li class="card">.*?</li>\s*(?=<li class="card">|</ul>)', html, re.S)
    assert len(cards) == 2
    origins = sorted(
        re.search(r"<dt>Fra</dt>\s*<dd>(.*?)</dd>", card, re.S).group(1).strip() for card in cards
    )
    assert origins[0].startswith("Fjordvik kommune") and origins[1].startswith("Laget")


# --- 5, 9: the overview's forms -------------------------------------------------------------------


def test_submitting_without_a_reviewer_marks_the_reviewer_field(app, writer, reviewer, draft):
    response = post(writer, f"/authoring/{draft}/submit", version="1", reviewer="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Velg hvem som skal vurdere." in html and marked(html, "reviewer")
    assert stored(app, draft).state == "draft"


def test_the_submit_form_offers_only_error_free_versions(writer, reviewer, draft):
    save_version(writer, draft, MINIMAL.replace("#slutt-god)", "#borte)"))
    html = writer.get(f"/authoring/{draft}").get_data(as_text=True)
    options = re.search(r'<select[^>]*id="version".*?</select>', html, re.S).group(0)
    assert 'value="1"' in options and 'value="2"' not in options


def test_sending_back_needs_a_reason_which_the_author_sees(app, writer, checker, in_review):
    response = post(checker, f"/authoring/{in_review}/send-back", body="  ")
    assert response.status_code == 422
    assert marked(response.get_data(as_text=True), "decision-body")
    assert stored(app, in_review).state == "review"
    assert post(checker, f"/authoring/{in_review}/send-back", body="Gi Mia en yngre bror.").status_code == 303
    assert "Gi Mia en yngre bror." in writer.get(f"/authoring/{in_review}/review").get_data(as_text=True)


def test_retiring_needs_the_confirmation_ticked(app, writer, published):
    response = post(writer, f"/authoring/{published}/retire")
    assert response.status_code == 422
    assert marked(response.get_data(as_text=True), "confirm")
    assert stored(app, published).state == "published"
    assert post(writer, f"/authoring/{published}/retire", confirm="y").status_code == 303
    assert stored(app, published).state == "retired"


# --- 6, 10, 11: importing files -------------------------------------------------------------------


def import_file(client, name: str, content: bytes, mimetype: str = "text/markdown"):
    token = csrf_token(client, "/authoring/")
    return client.post(
        "/authoring/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), name, mimetype)},
    )


def test_an_upload_over_the_request_limit_gets_the_import_form_back(app, writer):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = import_file(writer, "stor.md", b"a" * 3000)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Fila er for stor (høyst 5 MB)." in html and marked(html, "file")
    assert "Skriveverkstedet" in html


@pytest.mark.parametrize(
    ("name", "mimetype"), [("x.txt", "text/plain"), ("bilde.png", "image/png"), ("case.md", "image/png")]
)
def test_only_markdown_files_are_imported(app, writer, name, mimetype):
    response = import_file(writer, name, b"hi", mimetype)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Velg en Markdown-fil" in html and marked(html, "file")


def test_a_markdown_file_sent_as_plain_text_is_imported(writer):
    assert import_file(writer, "case.markdown", MINIMAL.encode(), "text/plain").status_code == 303


def test_the_import_notice_counts_one_error_in_the_singular(writer):
    one_error = MINIMAL.replace("## Helsesykepleier {.passiv}", "## Rektor {.passiv}")
    response = import_file(writer, "case.md", one_error.encode())
    html = writer.get(response.headers["Location"]).get_data(as_text=True)
    assert "har 1 feil. Rett den i editoren" in html
    response = import_file(writer, "x.md", b"---\nid: x\n---\n")
    assert "Rett dem i editoren" in writer.get(response.headers["Location"]).get_data(as_text=True)
