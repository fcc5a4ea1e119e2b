"""The learner's side of a course: catalogue status, lessons, progress, resume, feedback and reflections."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import csrf_token

MINI = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "mini-kurs"
COURSE = "/courses/mini-kurs"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """A course library holding only the small fixture course (four lessons, ten quiz questions)."""
    library = tmp_path / "courses"
    library.mkdir()
    shutil.copytree(MINI, library / "mini-kurs")
    (library / "mini-kurs" / "bilder").mkdir()
    (library / "mini-kurs" / "bilder" / "diagram.svg").write_text(SVG, encoding="utf-8")
    (library / "mini-kurs" / "bilder" / "notater.md").write_text("hemmelig", encoding="utf-8")
    return {"COURSE_LIBRARY": str(library)}


def post(client, url: str, page: str | None = None, **data):
    """Post a form with a CSRF token read from ``page`` (default: the same URL's lesson page)."""
    token = csrf_token(client, page or "/courses/")
    return client.post(url, data={"csrf_token": token, **data})


def test_catalogue_needs_a_login(client):
    response = client.get("/courses/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_catalogue_shows_each_course_with_the_learners_status(client, auth):
    auth.login()
    html = client.get("/courses/").get_data(as_text=True)
    assert "Minikurs" in html
    assert "Et lite testkurs." in html
    assert "ca. 30 minutter" in html
    assert "Ikke startet" in html
    assert "Start kurset" in html


def test_the_real_library_offers_the_three_required_courses(client, auth, app):
    app.config["COURSE_LIBRARY"] = str(Path(__file__).resolve().parents[2] / "courses" / "library")
    auth.login()
    html = client.get("/courses/").get_data(as_text=True)
    for title in ("Grunnleggende BTI", "Bekymringssamtalen", "Taushetsplikt"):
        assert title in html


def test_opening_a_lesson_puts_the_course_in_progress_and_resume_returns_there(client, auth):
    auth.login()
    assert client.get(f"{COURSE}/midt").status_code == 200
    html = client.get("/courses/").get_data(as_text=True)
    assert "Påbegynt – 0 av 4 leksjoner" in html
    assert f'href="{COURSE}/midt"' in html
    assert "Fortsett der du slapp" in html


def answer_lesson_questions(client) -> None:
    """Answer the fixture's two lesson questions, so their lessons can be marked as done."""
    post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start", option="b")
    post(client, f"{COURSE}/midt/questions/q-flere", f"{COURSE}/midt", option="a")


def test_marking_lessons_done_moves_on_and_counts(client, auth):
    auth.login()
    client.get(f"{COURSE}/start")
    answer_lesson_questions(client)
    response = post(client, f"{COURSE}/start/done", f"{COURSE}/start")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{COURSE}/midt")
    html = client.get(COURSE).get_data(as_text=True)
    assert "1 av 4 leksjoner fullført" in html
    # Resume goes to the next lesson, the one the learner was sent to.
    assert f'href="{COURSE}/midt">Fortsett der du slapp' in html.replace("\n", "")
    for lesson in ("midt", "ov"):
        post(client, f"{COURSE}/{lesson}/done", f"{COURSE}/{lesson}")
    response = post(client, f"{COURSE}/slutt/done", f"{COURSE}/slutt")
    assert response.headers["Location"].endswith(f"{COURSE}/quiz")
    html = client.get(COURSE).get_data(as_text=True)
    assert "4 av 4 leksjoner fullført" in html
    assert "Ta prøven" in html


def test_the_last_lesson_leads_to_the_course_while_earlier_ones_are_not_done(client, auth):
    auth.login()
    response = post(client, f"{COURSE}/slutt/done", f"{COURSE}/slutt")
    assert response.headers["Location"].endswith(COURSE)
    html = client.get(COURSE).get_data(as_text=True)
    assert "Noen leksjoner er ikke markert som fullført ennå." in html
    assert "1 av 4 leksjoner fullført" in html
    assert "Prøven åpner når du har fullført alle leksjonene." in html


def test_a_lesson_is_not_done_until_its_questions_are_answered(client, auth):
    auth.login()
    html = client.get(f"{COURSE}/start").get_data(as_text=True)
    assert "Svar på spørsmålet i leksjonen før du markerer den som fullført." in html
    response = post(client, f"{COURSE}/start/done", f"{COURSE}/start")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{COURSE}/start#question-q-start")
    html = client.get(f"{COURSE}/start").get_data(as_text=True)
    assert "Svar på spørsmålene i leksjonen før du markerer den som fullført." in html
    assert "0 av 4 leksjoner fullført" in client.get(COURSE).get_data(as_text=True)
    # A wrong answer is still an answer: the learner has worked through the question and seen why.
    post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start", option="a")
    assert "før du markerer den som fullført" not in client.get(f"{COURSE}/start").get_data(as_text=True)
    response = post(client, f"{COURSE}/start/done", f"{COURSE}/start")
    assert response.headers["Location"].endswith(f"{COURSE}/midt")
    # A lesson without questions can be marked at once.
    response = post(client, f"{COURSE}/ov/done", f"{COURSE}/ov")
    assert response.headers["Location"].endswith(f"{COURSE}/slutt")
    assert "2 av 4 leksjoner fullført" in client.get(COURSE).get_data(as_text=True)


def _option_order(html: str, question: str) -> list[str]:
    block = html.split(f'id="question-{question}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'name="option" value="([a-z])"', block)


def test_lesson_options_are_shuffled_per_learner_and_stable(client, auth, make_user, client_for):
    auth.login()
    first = _option_order(client.get(f"{COURSE}/midt").get_data(as_text=True), "q-flere")
    assert sorted(first) == ["a", "b", "c", "d"]
    assert _option_order(client.get(f"{COURSE}/midt").get_data(as_text=True), "q-flere") == first
    orders = {tuple(first)}
    for number in range(6):
        other = client_for(make_user(email=f"laerer{number}@fjordvik.test"))
        orders.add(tuple(_option_order(other.get(f"{COURSE}/midt").get_data(as_text=True), "q-flere")))
    assert len(orders) > 1  # seven learners with one shared order would mean no shuffling


def test_lesson_shows_its_markdown_rendered_safely(client, auth, app):
    lesson = Path(app.config["COURSE_LIBRARY"]) / "mini-kurs" / "04-slutt.md"
    lesson.write_text(lesson.read_text() + "\n<script>alert(1)</script> **viktig**\n", encoding="utf-8")
    auth.login()
    html = client.get(f"{COURSE}/slutt").get_data(as_text=True)
    assert "<strong>viktig</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_an_edited_course_is_not_served_stale(client, auth, app):
    auth.login()
    assert "Oppsummering." in client.get(f"{COURSE}/slutt").get_data(as_text=True)
    lesson = Path(app.config["COURSE_LIBRARY"]) / "mini-kurs" / "04-slutt.md"
    lesson.write_text(lesson.read_text().replace("Oppsummering.", "Ny oppsummering."), encoding="utf-8")
    assert "Ny oppsummering." in client.get(f"{COURSE}/slutt").get_data(as_text=True)


def test_a_course_with_errors_is_left_out(client, auth, app):
    course = Path(app.config["COURSE_LIBRARY"]) / "mini-kurs" / "course.md"
    course.write_text(course.read_text().replace("license: CC BY 4.0\n", ""), encoding="utf-8")
    auth.login()
    assert "Minikurs" not in client.get("/courses/").get_data(as_text=True)
    assert client.get(COURSE).status_code == 404


def test_unknown_course_and_lesson_are_404(client, auth):
    auth.login()
    assert client.get("/courses/finnes-ikke").status_code == 404
    assert client.get(f"{COURSE}/finnes-ikke").status_code == 404


def test_question_feedback_without_javascript_shows_the_whole_lesson(client, auth):
    auth.login()
    response = post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start", option="a")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html
    assert "Ikke riktig." in html
    assert "Å vente hjelper ikke." in html  # feedback on the chosen option
    assert "Riktig, start med barnet." in html  # and on the right one
    assert "Barnets stemme kommer først." in html  # the explanation


def test_question_feedback_for_htmx_is_the_block_only(client, auth):
    auth.login()
    token = csrf_token(client, f"{COURSE}/midt")
    response = client.post(
        f"{COURSE}/midt/questions/q-flere",
        data={"csrf_token": token, "option": ["a", "c"]},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert "Ikke riktig." in html  # one right, one wrong: (1 - 1) / 2 = 0
    token = csrf_token(client, f"{COURSE}/midt")
    response = client.post(
        f"{COURSE}/midt/questions/q-flere",
        data={"csrf_token": token, "option": ["a"]},
        headers={"HX-Request": "true"},
    )
    assert "Delvis riktig." in response.get_data(as_text=True)


def test_question_without_an_answer_is_marked_on_the_field(client, auth):
    auth.login()
    response = post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Velg et svar før du sjekker." in html
    assert 'aria-invalid="true"' in html
    assert "question-q-start-error" in html


def test_unknown_question_is_404_and_a_missing_token_400(client, auth):
    auth.login()
    assert post(client, f"{COURSE}/start/questions/nope", option="a").status_code == 404
    assert client.post(f"{COURSE}/start/questions/q-start", data={"option": "a"}).status_code == 400


def _save_reflection(client, text: str):
    return post(client, f"{COURSE}/start/reflections/r-start", f"{COURSE}/start", **{"r-start-text": text})


def test_reflection_is_saved_and_shown_to_its_author(client, auth):
    auth.login()
    response = _save_reflection(client, "Jeg ventet for lenge med å si fra om Emma.")
    assert response.status_code == 303
    html = client.get(f"{COURSE}/start").get_data(as_text=True)
    assert "Jeg ventet for lenge med å si fra om Emma." in html


def test_empty_reflection_comes_back_with_the_error_on_the_field(client, auth):
    auth.login()
    response = _save_reflection(client, "   ")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv noen ord før du lagrer." in html
    assert re.search(r'<textarea[^>]*aria-invalid="true"', html)


def test_a_saved_reflection_can_be_deleted_even_with_the_box_emptied(app, client, auth):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent
    from app.models.learning import ReflectionNote

    auth.login()
    _save_reflection(client, "Noe jeg ikke vil ha liggende.")
    page = client.get(f"{COURSE}/start").get_data(as_text=True)
    assert 'value="Slett refleksjonen"' in page
    response = post(
        client,
        f"{COURSE}/start/reflections/r-start",
        f"{COURSE}/start",
        **{"r-start-text": "", "r-start-delete": "Slett refleksjonen"},
    )
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Refleksjonen er slettet." in html and "Noe jeg ikke vil ha liggende." not in html
    assert 'value="Slett refleksjonen"' not in html
    with app.app_context():
        assert db.session.scalar(select(ReflectionNote)) is None
        assert db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "reflections_cleared")
        ) == {"count": 1}


class _Org:
    """Stands in for an organisation where ``make_user`` only needs its id."""

    def __init__(self, id: int) -> None:
        self.id = id


def test_too_long_reflection_is_refused_on_the_field(client, auth):
    auth.login()
    response = _save_reflection(client, "x" * 5001)
    assert response.status_code == 422
    assert "Teksten kan ha høyst 5000 tegn." in response.get_data(as_text=True)


def test_reflections_are_private_even_from_admins_and_leaders(app, client, auth, make_user, client_for):
    from app.extensions import db
    from app.models import User

    learner = auth.login()
    secret = "Privat: jeg er usikker på om jeg tør å ringe barnevernet."
    _save_reflection(client, secret)
    with app.app_context():
        organisation_id = db.session.get(User, learner.id).organisation_id
    admin = make_user(role="admin", org=_Org(organisation_id))
    colleague = make_user(org=_Org(organisation_id))
    for other in (admin, colleague):
        other_client = client_for(other)
        for path in (
            f"{COURSE}/start",
            "/courses/",
            COURSE,
            "/",
            "/courses/overview",
            "/courses/overview.csv",
        ):
            body = other_client.get(path).get_data(as_text=True)
            assert "Privat: jeg er usikker" not in body, path
        assert other_client.get(f"/admin/users/{learner.id}").get_data(as_text=True).count("Privat:") == 0


def test_practice_block_posts_to_solo_with_the_origin(client, auth):
    auth.login()
    html = client.get(f"{COURSE}/ov").get_data(as_text=True)
    assert "Øv: Fravær og hodepine" in html
    assert 'name="scenario" value="fravaer-og-hodepine"' in html
    assert 'name="role" value="helsesykepleier"' in html
    assert 'name="profile" value="expert"' in html
    assert 'name="origin" value="course:mini-kurs:ov-helse"' in html
    assert f'name="next" value="{COURSE}/ov"' in html


def test_lesson_images_come_from_the_course_folder(client, auth):
    auth.login()
    html = client.get(f"{COURSE}/start").get_data(as_text=True)
    assert f'<img src="{COURSE}/bilder/diagram.svg" alt="Et enkelt diagram">' in html
    response = client.get(f"{COURSE}/bilder/diagram.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data.decode() == SVG
    for path in ("bilder/notater.md", "bilder/finnes-ikke.svg", "bilder/..%2Fcourse.md", "bilder/%2E%2E"):
        assert client.get(f"{COURSE}/{path}").status_code == 404, path


def test_a_finished_solo_run_marks_the_practice_block_done(client, auth, monkeypatch):
    from types import SimpleNamespace

    from app.solo import services as solo_services

    asked = []

    def latest_finished_run(user, origin):
        asked.append((user.id, origin))
        return SimpleNamespace(total=72.5) if origin == "course:mini-kurs:ov-helse" else None

    monkeypatch.setattr(solo_services, "latest_finished_run", latest_finished_run)
    learner = auth.login()
    html = client.get(f"{COURSE}/ov").get_data(as_text=True)
    assert asked == [(learner.id, "course:mini-kurs:ov-helse")]
    assert "Gjennomført" in html
    assert "poengsum 72,5" in html
    assert "Øv igjen" in html


def test_htmx_answer_without_a_choice_swaps_in_the_error(client, auth):
    auth.login()
    token = csrf_token(client, f"{COURSE}/start")
    response = client.post(
        f"{COURSE}/start/questions/q-start", data={"csrf_token": token}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    # htmx swaps only 2xx answers, so the error travels in a 200 fragment.
    assert response.status_code == 200
    assert "<html" not in html
    assert "Velg et svar før du sjekker." in html
    assert 'aria-invalid="true" autofocus' in html
