"""Solo step forms: choices in a run's own order, a choice confirmed in two steps, an unpicked form marked."""

from __future__ import annotations

import re

from app.drills.screens import shuffled_choices
from scenarios.parse import parse
from tests.app.test_solo_runs import _CHOICES
from tests.app.test_solo_runs import MINIMAL
from tests.app.test_solo_runs import forms
from tests.app.test_solo_runs import library  # noqa: F401 (a fixture)
from tests.app.test_solo_runs import run_row
from tests.app.test_solo_runs import started
from tests.app.test_solo_runs import step
from tests.conftest import csrf_token

_FIELDSET = re.compile(r'<fieldset[^>]*aria-describedby="([^"]+)"[^>]*>(.*?)</fieldset>', re.S)


def _marked(html: str, message: str) -> str:
    """The fieldset that carries ``message`` as its described error, with radios marked invalid."""
    fieldset = _FIELDSET.search(html)
    assert fieldset, "no fieldset is tied to an error"
    error_id, inner = fieldset.groups()
    assert re.search(rf'id="{error_id}"[^>]*>.*{re.escape(message)}', inner, re.S)
    assert 'aria-invalid="true"' in inner
    return inner


def test_an_answer_sent_without_a_pick_is_marked_on_its_fieldset(client, auth, app, library):  # noqa: F811
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'<form[^>]*/answer"[^>]*novalidate', html)
    assert " required" not in html
    _choices, hidden, _options = forms(html)
    data = {"csrf_token": csrf_token(client, url), **hidden}
    response = client.post(f"{url}/answer", data=data)
    assert response.status_code == 422
    inner = _marked(response.text, "Velg et svar før du sender.")
    assert "Nivå 0" in inner
    feedback = re.search(r'<section id="solo-feedback"[^>]*>(.*?)</section>', response.text, re.S).group(1)
    assert "Velg et svar" not in feedback
    # With htmx the fragment carries the same marked fieldset (htmx swaps only 2xx answers).
    htmx = client.post(f"{url}/answer", data=data, headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    _marked(htmx.text, "Velg et svar før du sender.")
    assert "kontaktlaerer" not in run_row(app, url).state["answers"].get("cp-niva", {})


def test_a_choice_is_selected_then_confirmed_and_an_unconfirmed_one_is_marked(client, auth, app, library):  # noqa: F811
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url).status_code == 303  # the checkpoint comes first
    html = client.get(url).get_data(as_text=True)
    form = re.search(r'<form[^>]*class="choices".*?</form>', html, re.S).group(0)
    assert "novalidate" in form and 'type="radio" name="choice"' in form
    assert "Bekreft valget" in form and '<button type="submit" name="choice"' not in form
    _choices, hidden, _options = forms(html)
    data = {"csrf_token": csrf_token(client, url), "scene": hidden["scene"], "key": hidden["key"]}
    response = client.post(f"{url}/choose", data=data)
    assert response.status_code == 422
    _marked(response.text, "Velg hva du vil gjøre før du bekrefter.")
    assert "kontaktlaerer" not in run_row(app, url).state["chosen"]
    assert client.post(f"{url}/choose", data=data | {"choice": "del"}).status_code == 303


def test_a_run_shows_its_choices_in_its_own_stable_order(client, auth, app, library):  # noqa: F811
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url).status_code == 303
    first = _CHOICES.findall(client.get(url).get_data(as_text=True))
    assert first == _CHOICES.findall(client.get(url).get_data(as_text=True))
    scenario = parse(MINIMAL.read_text(encoding="utf-8")).scenario
    file_order = scenario.scene("uke1").section("kontaktlaerer").choices
    public_id = url.rsplit("/", 1)[-1]
    assert first == [c.id for c in shuffled_choices(file_order, public_id, "uke1", "kontaktlaerer")]
