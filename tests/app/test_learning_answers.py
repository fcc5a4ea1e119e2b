"""A learner's answers to lesson questions are kept for them: a reopened lesson shows answer and feedback."""

from __future__ import annotations

from tests.app.test_learning_lessons import COURSE
from tests.app.test_learning_lessons import app_config  # noqa: F401 (a fixture)
from tests.app.test_learning_lessons import post


def test_a_reopened_lesson_shows_the_answer_and_its_feedback(client, auth):
    auth.login()
    assert post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start", option="a").status_code == 200
    html = client.get(f"{COURSE}/start").get_data(as_text=True)
    assert "Ikke riktig." in html
    assert "Å vente hjelper ikke." in html  # the feedback on the chosen option
    assert "Barnets stemme kommer først." in html  # the explanation
    assert 'name="option"' not in html
    # A stored answer on a page load does not steal the focus.
    assert "autofocus" not in html


def test_answering_again_replaces_the_stored_answer(client, auth):
    auth.login()
    post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start", option="a")
    again = client.get(f"{COURSE}/start?again=q-start").get_data(as_text=True)
    assert 'name="option"' in again and "Sjekk svaret" in again
    assert "Svar på nytt" in client.get(f"{COURSE}/start").get_data(as_text=True)
    post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start", option="b")
    html = client.get(f"{COURSE}/start").get_data(as_text=True)
    assert "Riktig!" in html and "Ikke riktig." not in html


def test_stored_answers_are_private_to_the_learner(app, client, auth, make_user, client_for):
    from app.extensions import db
    from app.models import User

    learner = auth.login()
    post(client, f"{COURSE}/start/questions/q-start", f"{COURSE}/start", option="a")
    with app.app_context():
        organisation = db.session.get(User, learner.id).organisation
        colleague = make_user(org=organisation)
    html = client_for(colleague).get(f"{COURSE}/start").get_data(as_text=True)
    assert "Å vente hjelper ikke." not in html
    assert 'name="option"' in html


def test_a_multiple_answer_question_without_a_pick_asks_for_at_least_one(client, auth):
    auth.login()
    response = post(client, f"{COURSE}/midt/questions/q-flere", f"{COURSE}/midt")
    assert response.status_code == 422
    assert "Velg minst ett svar før du sjekker." in response.get_data(as_text=True)
