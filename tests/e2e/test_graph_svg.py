"""The scene graph SVG in a real browser: axe finds nothing, and every node is a named, focusable link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.graph import layout
from scenarios.graph import node_name
from scenarios.graph import render_svg
from scenarios.graph import scenario_graph
from tests.e2e.test_accessibility import AXE
from tests.e2e.test_accessibility import audit
from tests.scenarios.test_graph import BROKEN_SOURCE

LIBRARY = sorted((Path(__file__).resolve().parents[2] / "scenarios" / "library").glob("*.md"))


def page_with(browser, svg: str):
    """A page like the authoring workspace's graph view: a heading, then the SVG inline."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/test, which installs it from npm.")
    page = browser.new_context(locale="nb-NO").new_page()
    page.set_content(
        '<!doctype html><html lang="nb"><head><title>Scenegraf</title></head>'
        f"<body><main><h1>Scenegraf</h1>{svg}</main></body></html>"
    )
    return page


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_library_graph_has_no_axe_violations(browser, path: Path) -> None:
    graph = scenario_graph(check_file(path).scenario)
    page = page_with(browser, render_svg(graph, layout(graph), href=lambda line: f"#L{line}"))
    assert audit(page) == []
    assert page.get_by_role("link").count() == len(graph.nodes)


def test_marked_graph_is_accessible_and_its_links_are_named(browser) -> None:
    graph = scenario_graph(check_source(BROKEN_SOURCE).scenario)
    page = page_with(browser, render_svg(graph, layout(graph), href=lambda line: f"#L{line}"))
    assert audit(page) == []
    glemt = graph.node("glemt")
    link = page.get_by_role("link", name=node_name(glemt), exact=True)
    assert link.count() == 1
    page.keyboard.press("Tab")
    first = graph.nodes[0]
    assert page.evaluate("() => document.activeElement.querySelector('title').textContent") == node_name(
        first
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"#L{first.line}$"))


def test_picture_without_links_is_an_image_named_by_its_title(browser) -> None:
    graph = scenario_graph(check_source(BROKEN_SOURCE).scenario)
    page = page_with(browser, render_svg(graph, layout(graph), lang="en"))
    assert audit(page) == []
    assert page.get_by_role("img", name="Scene graph: Feil").count() == 1
    assert page.get_by_role("link").count() == 0
