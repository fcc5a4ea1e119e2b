"""Translations: bokmål is the source, and the nynorsk and English catalogues are complete and current."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale

from app.install import compile_translations

REPO = Path(__file__).resolve().parents[2]
TRANSLATIONS = REPO / "app" / "translations"


def _catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


def test_template_is_current(tmp_path):
    """Fails when UI or debrief text changed without re-running extraction (see babel.cfg)."""
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(REPO / "babel.cfg"), "-k", "lazy_gettext", "-k", "_l"]
        + ["-o", str(fresh), str(REPO)]
    )
    with fresh.open("rb") as source:
        extracted = {message.id for message in read_po(source) if message.id}
    with (TRANSLATIONS / "messages.pot").open("rb") as source:
        committed = {message.id for message in read_po(source) if message.id}
    assert extracted == committed


@pytest.mark.parametrize("locale", ["nn", "en"])
def test_catalogue_is_complete_and_keeps_placeholders(locale):
    for message in _catalogue(locale):
        if not message.id:
            continue
        assert message.string, f"{locale}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{locale}: fuzzy {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        placeholders = {part.split(")")[0] for text in ids for part in text.split("%(")[1:]}
        for text in strings:
            assert {part.split(")")[0] for part in text.split("%(")[1:]} <= placeholders, text


@pytest.fixture
def app_config(tmp_path):
    compiled = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, compiled)
    compile_translations(compiled)
    return {"BABEL_TRANSLATION_DIRECTORIES": str(compiled)}


@pytest.mark.parametrize(
    ("locale", "heading"),
    [("nb", "Logg inn"), ("nn", "Logg inn"), ("en", "Log in")],
)
def test_login_page_in_each_language(client, locale, heading):
    html = client.get("/auth/login", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html
    assert f'<html lang="{locale}">' in html


def test_templates_follow_a_language_switched_within_a_request(app):
    """Templates keep the request's catalogue between strings, yet follow ``force_locale`` at once."""
    heading = "{{ _('Logg inn') }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        before = render_template_string(heading)
        with force_locale("nb"):
            forced = render_template_string(heading)
        after = render_template_string(heading)
    assert (before, forced, after) == ("Log in", "Logg inn", "Log in")


@pytest.mark.parametrize(("locale", "title"), [("en", "Page not found"), ("nn", "Fann ikkje sida")])
def test_error_pages_are_translated(client, locale, title):
    html = client.get("/no-such-page", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert title in html


def test_chosen_language_translates_the_dashboard_and_role_labels(client, auth, csrf):
    auth.login(as_role="facilitator")
    client.post("/language", data={"locale": "en", "next": "/", "csrf_token": csrf("/")})
    html = client.get("/").get_data(as_text=True)
    assert "Your account" in html
    assert "<dd>Facilitator</dd>" in html


@pytest.mark.parametrize(
    ("locale", "heading"), [("nb", "Bli med i øvelse"), ("nn", "Bli med i øving"), ("en", "Join a drill")]
)
def test_the_join_page_in_each_language(client, locale, heading):
    html = client.get("/drills/join", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html


def test_the_team_log_reads_as_sentences_in_english(app, make_drill):
    from app.drills.wording import describe_entry
    from app.extensions import db
    from app.models import Drill

    drill = make_drill()
    entry = {
        "kind": "shared",
        "role": "kontaktlaerer",
        "info": "fravaer",
        "to": ["helsesykepleier"],
        "basis": "consent",
    }
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        scenario = db.session.get(Drill, drill.id).scenario
        assert (
            describe_entry(scenario, entry) == "Kontaktlærer shared “Fravær” with Helsesykepleier (consent)."
        )


@pytest.mark.parametrize(
    ("locale", "heading"), [("nb", "Samlet resultat"), ("nn", "Samla resultat"), ("en", "Overall result")]
)
def test_the_debrief_in_each_language(client, auth, csrf, make_drill, locale, heading):
    from tests.conftest import control

    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    control(client, drill, "end")
    client.post("/language", data={"locale": locale, "next": "/", "csrf_token": csrf("/")})
    html = client.get(f"/debrief/{drill.public_id}").get_data(as_text=True)
    assert f'<h2 id="total-heading">{heading}</h2>' in html
