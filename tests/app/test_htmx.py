"""One URL serves a whole page to browsers and a fragment to htmx, and says so with Vary."""

from __future__ import annotations

import pytest

from app.htmx import is_htmx
from app.htmx import render


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "false"}, False),
    ],
)
def test_is_htmx(app, headers, expected):
    with app.test_request_context("/", headers=headers):
        assert is_htmx() is expected


@pytest.mark.parametrize(
    ("headers", "is_fragment"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
    ],
)
def test_render_picks_page_or_partial_and_sets_vary(app, headers, is_fragment):
    with app.test_request_context("/", headers=headers):
        response = render("errors/error.html", "_flashes.html", code=404, title="Tittel", message="Melding")
    html = response.get_data(as_text=True)
    assert ("<html" not in html) is is_fragment
    assert "HX-Request" in response.vary
