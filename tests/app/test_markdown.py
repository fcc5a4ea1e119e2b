"""Author Markdown renders to safe HTML through the one configured parser."""

from __future__ import annotations

import pytest

from app.markdown import render_markdown


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Mia er **sliten**.", "<p>Mia er <strong>sliten</strong>.</p>\n"),
        ("- en\n- to", "<ul>\n<li>en</li>\n<li>to</li>\n</ul>\n"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ('<img src=x onerror="alert(1)">', "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>\n"),
        ("[lenke](javascript:alert(1))", "<p>[lenke](javascript:alert(1))</p>\n"),
        ("[lenke](data:text/html,x)", "<p>[lenke](data:text/html,x)</p>\n"),
        ("[lenke](/admin/)", "<p>[lenke](/admin/)</p>\n"),
        (
            "[Bufdir](https://www.bufdir.no/)",
            '<p><a href="https://www.bufdir.no/" rel="noopener noreferrer nofollow">Bufdir</a></p>\n',
        ),
        (
            "[skriv](mailto:post@kommune.no)",
            '<p><a href="mailto:post@kommune.no" rel="noopener noreferrer nofollow">skriv</a></p>\n',
        ),
        # The same block rules as the scenario parser are off: no setext headings, no indented code.
        ("Tekst\n---", "<p>Tekst</p>\n<hr>\n"),
        ("    innrykket", "<p>innrykket</p>\n"),
    ],
)
def test_render_markdown(source, expected):
    assert render_markdown(source) == expected


def test_rendering_is_cached_per_text():
    text = "Samme tekst, samme HTML."
    assert render_markdown(text) is render_markdown(text)


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


def test_remote_images_are_dropped_and_own_or_embedded_ones_shown():
    png = "data:image/png;base64,iVBORw0KGgo="
    html = str(
        render_markdown(
            f"![Kart](https://eksempel.no/kart.png) ![Logo](/static/img/logo.png) ![Bilde]({png})"
        )
    )
    assert "eksempel.no" not in html and "Kart" in html
    assert '<img src="/static/img/logo.png" alt="Logo">' in html
    assert f'<img src="{png}" alt="Bilde">' in html


def test_an_embedded_image_address_is_no_link_target():
    html = str(render_markdown("[se her](data:image/png;base64,iVBORw0KGgo=)"))
    assert "href" not in html and "se her" in html
