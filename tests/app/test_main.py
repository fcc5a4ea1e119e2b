"""The start page, the health check and the language switcher."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User


def test_anonymous_start_page_goes_to_login_without_nagging(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "Logg inn for å se denne siden" not in client.get("/auth/login").get_data(as_text=True)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.mimetype == "text/plain"


@pytest.mark.parametrize(
    ("role", "sees_admin_link"),
    [("participant", False), ("facilitator", False), ("author", False), ("admin", True)],
)
def test_dashboard_links_follow_the_role(client, auth, role, sees_admin_link):
    auth.login(as_role=role)
    html = client.get("/").get_data(as_text=True)
    assert ('href="/admin/"' in html) is sees_admin_link
    assert "Kontoen din" in html


def test_page_has_landmarks_skip_link_and_live_region(client, auth):
    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html
    assert 'aria-live="polite"' in html
    assert 'aria-current="page"' in html


def _switch(client, csrf, locale, next_url="/"):
    return client.post("/language", data={"locale": locale, "next": next_url, "csrf_token": csrf()})


def test_language_switch_sets_html_lang_and_returns(client, csrf):
    response = _switch(client, csrf, "nn", "/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login")
    assert '<html lang="nn">' in page.get_data(as_text=True)
    assert page.headers["Content-Language"] == "nn"


def test_language_switch_refuses_offsite_next(client, csrf):
    assert _switch(client, csrf, "en", "//evil.example/").headers["Location"] == "/"


def test_language_switch_ignores_unknown_locales(client, csrf):
    _switch(client, csrf, "xx")
    assert '<html lang="nb">' in client.get("/auth/login").get_data(as_text=True)


def test_language_choice_is_stored_on_the_account_and_survives_logout(app, client, csrf, auth):
    user = auth.login()
    _switch(client, csrf, "en")
    with app.app_context():
        assert db.session.get(User, user.id).preferred_locale == "en"
    auth.logout()
    assert '<html lang="en">' in client.get("/auth/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("no", "nb"),
        ("no-NO,no;q=0.9", "nb"),
        ("nb-NO", "nb"),
        ("nn-NO,nn;q=0.9,nb;q=0.8", "nn"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE", "nb"),
        ("", "nb"),
    ],
)
def test_language_from_browser(client, accept_language, expected):
    html = client.get("/auth/login", headers={"Accept-Language": accept_language}).get_data(as_text=True)
    assert f'<html lang="{expected}">' in html


@pytest.mark.parametrize(
    ("role", "facilitates"), [("participant", False), ("facilitator", True), ("admin", True)]
)
def test_dashboard_and_menu_lead_to_drills(client, auth, role, facilitates):
    auth.login(as_role=role)
    html = client.get("/").get_data(as_text=True)
    assert html.count('href="/drills/join"') == 2  # the menu and the dashboard
    assert ('href="/facilitate/"' in html) is facilitates
    assert ('href="/facilitate/library"' in html) is facilitates


def test_visitors_without_an_account_find_the_way_into_a_drill(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/drills/join"' in html
    assert '<a href="/auth/login" aria-current="page">' in html
