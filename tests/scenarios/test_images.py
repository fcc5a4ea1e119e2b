"""Images in scenario Markdown: only Laget's static files or embedded pictures; SC047 for others."""

from __future__ import annotations

import pytest

from scenarios.images import foreign_images
from scenarios.images import is_allowed_image
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import codes
from tests.scenarios.conftest import line_of

PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/static/img/kart.png", True),
        (PNG, True),
        ("data:image/jpeg;base64,/9j/4AAQ", True),
        ("https://eksempel.no/bilde.png", False),
        ("http://10.0.0.1/spor.gif", False),
        ("//eksempel.no/bilde.png", False),
        ("/static//eksempel.no/x.png", False),
        ("/static/../app/secret_key", False),
        ("data:image/svg+xml;base64,PHN2Zz4=", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("/auth/logout", False),
        ("/courses/bti/bilder/diagram.svg", True),
        ("/courses/bti/bilder/../../auth", False),
    ],
)
def test_which_images_are_allowed(url, allowed):
    assert is_allowed_image(url) is allowed


def test_the_checker_warns_about_a_remote_image_on_its_line():
    source = BASE.replace(
        "Mia er mye borte.", "Mia er mye borte.\n\n![Kart](https://eksempel.no/kart.png)", 1
    )
    assert ("SC047", line_of(source, "![Kart]")) in codes(source)


def test_own_and_embedded_images_give_no_warning():
    source = BASE.replace(
        "Mia er mye borte.", f"Mia er mye borte. ![Logo](/static/img/logo.png) ![Bilde]({PNG})", 1
    )
    assert not [code for code, _line in codes(source) if code == "SC047"]


def test_foreign_images_lists_every_one_with_its_line():
    assert foreign_images("![a](https://x.no/a.png)\ntekst\n![b](/static/b.png) ![c](http://y/c.gif)") == [
        (1, "https://x.no/a.png"),
        (3, "http://y/c.gif"),
    ]
