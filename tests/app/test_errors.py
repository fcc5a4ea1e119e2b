"""Errors are calm pages in Norwegian, never a traceback."""

from __future__ import annotations

import pytest


def test_404_is_friendly_norwegian(client):
    response = client.get("/finnes-ikke")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Fant ikke siden" in html
    assert '<html lang="nb">' in html
    assert 'href="/"' in html


def test_404_follows_the_chosen_language_tag(client):
    html = client.get("/finnes-ikke", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in html


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
def test_500_hides_the_traceback(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in html
    assert "secret internal detail" not in html
    assert "Traceback" not in html


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Noe var galt med forespørselen"),
        (403, "Du har ikke tilgang"),
        (405, "Handlingen er ikke tillatt her"),
        (413, "Innholdet er for stort"),
        (429, "For mange forsøk"),
    ],
)
def test_each_error_code_has_a_page(app, code, title):
    from flask import abort

    @app.get("/fail")
    def fail():
        abort(code)

    response = app.test_client().get("/fail")
    assert response.status_code == code
    assert title in response.get_data(as_text=True)


def test_a_number_too_large_for_the_database_is_not_found(client, auth):
    """A hand-edited URL with a huge id must give the friendly 404, not an overflow in the database."""
    auth.login(as_role="admin")
    huge = "9" * 30
    response = client.get(f"/admin/users/{huge}")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.get_data(as_text=True)
    assert client.get("/admin/users/2147483647").status_code == 404
