"""The scene graph authors see: marks, links to lines, safe SVG, a stable layout and a matching outline."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest

from bench.scenarios import generated_scenario
from scenarios.analysis import Facts
from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.graph import BRANCH
from scenarios.graph import BROKEN
from scenarios.graph import ENDING
from scenarios.graph import MISSING
from scenarios.graph import NEVER
from scenarios.graph import NEXT
from scenarios.graph import SCENE
from scenarios.graph import Graph
from scenarios.graph import Node
from scenarios.graph import describe
from scenarios.graph import layering
from scenarios.graph import layout
from scenarios.graph import render_svg
from scenarios.graph import scenario_graph
from scenarios.graph import text_outline
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import line_of

LIBRARY = sorted((Path(__file__).resolve().parents[2] / "scenarios" / "library").glob("*.md"))
SVG = "{http://www.w3.org/2000/svg}"

# s1 leads to s2 or a dead end (s3); s2 loops back to s1 or ends; "glemt" is never reached; the
# transition after the default and the one with a never-true condition can never be taken.
BROKEN_SOURCE = """\
---
id: feil
title: Feil
language: nb
summary: Et scenario med feil i grafen.
roles:
  - id: laerer
    name: Kontaktlærer
    service: skole
  - id: helse
    name: Helsesykepleier
    service: helse
---

# Innledning

Mia er mye borte.

# Scene: Første {#s1 dag=0}

## Kontaktlærer

- Del {#del .ekspert}
  - Setter: delt

  Med samtykke kan du dele.

- Vent {#vent}

  Å vente er risikabelt.

## Videre

- Hvis `delt`: [Andre](#s2)
- Hvis `aldri_satt`: [God](#god)
- Ellers: [Tredje](#s3)
- Hvis `delt`: [Svak](#svak)

# Scene: Andre {#s2 dag=7}

## Kontaktlærer

- Meld {#meld .ekspert}

  Riktig.

## Videre

- Hvis `delt`: [Første](#s1)
- Ellers: [God](#god)

# Scene: Tredje {#s3 dag=8}

Her stopper det.

# Scene: Glemt {#glemt dag=9}

## Videre

- Ellers: [Gdo](#gdo)

# Slutt: God {#god vurdering=god}

Bra.

# Slutt: Svak {#svak vurdering=svak}

Dårlig.
"""


def graph_of(source: str) -> Graph:
    scenario = check_source(source).scenario
    assert scenario is not None
    return scenario_graph(scenario)


def parse_svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def node_groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-node"): g for g in root.iter(f"{SVG}g") if g.get("data-node") is not None}


def name_of(root: ET.Element, node_id: str) -> str:
    """The accessible name of a node: the <title> of its link, or of its group without links."""
    for link in root.iter(f"{SVG}a"):
        if link.find(f"{SVG}g").get("data-node") == node_id:
            return link.find(f"{SVG}title").text
    return node_groups(root)[node_id].find(f"{SVG}title").text


def all_text(element: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in element.iter(f"{SVG}text"))


@pytest.fixture(scope="module")
def broken() -> Graph:
    return graph_of(BROKEN_SOURCE)


# --- The graph ------------------------------------------------------------------------------


def test_nodes_and_edges_of_a_valid_scenario(base: str) -> None:
    graph = graph_of(base)
    assert graph.start == "s1"
    assert [(n.id, n.kind, n.line) for n in graph.nodes] == [
        ("s1", SCENE, line_of(base, "# Scene: Første")),
        ("s2", SCENE, line_of(base, "# Scene: Andre")),
        ("god", ENDING, line_of(base, "# Slutt: God")),
        ("svak", ENDING, line_of(base, "# Slutt: Svak")),
    ]
    assert graph.node("s2").day == 7 and graph.node("god").rating == "good"
    assert not any(n.unreachable or n.dead_end for n in graph.nodes)
    assert [(e.source, e.target, e.line, e.label, e.kind) for e in graph.edges] == [
        ("s1", "s2", line_of(base, "- Hvis `delt`"), "delt", BRANCH),
        ("s1", "svak", line_of(base, "- Ellers: [Svak]"), "", NEXT),
        ("s2", "god", line_of(base, "- Ellers: [God]"), "", NEXT),
    ]


def test_unreachable_scenes_and_dead_ends_are_marked(broken: Graph) -> None:
    marks = {n.id: (n.unreachable, n.dead_end) for n in broken.nodes if n.kind == SCENE}
    assert marks == {
        "s1": (False, False),
        "s2": (False, False),
        "s3": (False, True),  # no way on
        "glemt": (True, True),  # never reached, and its only way leads nowhere
    }
    assert broken.node("svak").unreachable  # only reached by a transition that is never taken
    assert not broken.node("god").unreachable


def test_transitions_that_can_never_be_taken_and_broken_targets(broken: Graph) -> None:
    kinds = {(e.source, e.target): e.kind for e in broken.edges}
    assert kinds[("s1", "god")] == NEVER  # condition can never be true
    assert kinds[("s1", "svak")] == NEVER  # after the default
    assert kinds[("s1", "s3")] == NEXT and kinds[("s2", "s1")] == BRANCH
    assert kinds[("glemt", "gdo")] == BROKEN
    missing = broken.node("gdo")
    assert missing.kind == MISSING and missing.line == line_of(BROKEN_SOURCE, "[Gdo](#gdo)")


def test_marks_agree_with_the_checker(broken: Graph) -> None:
    diagnostics = check_source(BROKEN_SOURCE).diagnostics
    unreachable = {d.line for d in diagnostics if d.code == "SC002"}
    dead_ends = {d.line for d in diagnostics if d.code == "SC003"}
    assert unreachable == {n.line for n in broken.nodes if n.unreachable and n.kind == SCENE}
    assert dead_ends <= {n.line for n in broken.nodes if n.dead_end}


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_library_graphs_follow_the_analysis(path: Path) -> None:
    scenario = check_file(path).scenario
    graph = scenario_graph(scenario)
    facts = Facts(scenario)
    assert {n.id for n in graph.nodes} == {s.id for s in scenario.scenes} | {e.id for e in scenario.endings}
    taken = {(e.source, e.target, e.line) for e in graph.edges if e.kind in (BRANCH, NEXT)}
    assert taken == {(e.source, e.target, e.line) for out in facts.edges.values() for e in out}
    assert not any(n.unreachable or n.dead_end for n in graph.nodes)


# --- Layout ---------------------------------------------------------------------------------


def assert_no_overlap(graph: Graph) -> None:
    boxes = layout(graph).boxes
    assert len(boxes) == len(graph.nodes)
    for a, b in combinations(boxes, 2):
        apart = a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y
        assert apart, (a, b)


def curve(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    """Points along the S-curve the SVG draws from a to b (control points halfway down, see _path)."""
    (ax, ay), (bx, by) = a, b
    m = (ay + by) / 2
    samples = []
    for step in range(21):
        t = step / 20
        u = 1 - t
        samples.append(
            (ax * (u**3 + 3 * u * u * t) + bx * (3 * u * t * t + t**3), ay * u**3 + 3 * m * u * t + by * t**3)
        )
    return samples


def assert_edges_pass_beside_nodes(graph: Graph) -> None:
    drawn = layout(graph)
    for route in drawn.routes:
        edge = graph.edges[route.edge]
        if edge.source == edge.target:
            continue
        others = [b for b in drawn.boxes if b.id not in (edge.source, edge.target)]
        for a, b in zip(route.points, route.points[1:], strict=False):
            for x, y in curve(a, b):
                inside = [
                    o.id
                    for o in others
                    if o.x + 1 < x < o.x + o.width - 1 and o.y + 1 < y < o.y + o.height - 1
                ]
                assert not inside, (edge, inside)


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_library_layout_has_no_overlapping_nodes(path: Path) -> None:
    graph = scenario_graph(check_file(path).scenario)
    assert_no_overlap(graph)
    assert_edges_pass_beside_nodes(graph)


def test_large_and_broken_layouts_have_no_overlapping_nodes(broken: Graph) -> None:
    big = graph_of(generated_scenario(60))
    for graph in (broken, big):
        assert_no_overlap(graph)
        assert_edges_pass_beside_nodes(graph)


def test_layout_is_deterministic(broken: Graph) -> None:
    again = graph_of(BROKEN_SOURCE)
    assert layout(again) == layout(broken)
    assert render_svg(again, layout(again)) == render_svg(broken, layout(broken))


def test_layers_follow_the_story_and_loops_are_back_edges(broken: Graph) -> None:
    drawn = layout(broken)
    assert drawn.box("s1").layer == 0
    assert drawn.box("s2").layer > drawn.box("s1").layer
    assert drawn.box("god").layer > drawn.box("s2").layer
    routes = {(broken.edges[r.edge].source, broken.edges[r.edge].target): r for r in drawn.routes}
    assert routes[("s2", "s1")].back and not routes[("s1", "s2")].back
    forward = routes[("s1", "s2")].points
    assert forward[0][1] < forward[-1][1]  # drawn downwards, from the bottom of s1 to the top of s2
    assert all(0 <= x <= drawn.width and 0 <= y <= drawn.height for r in drawn.routes for x, y in r.points)


def test_a_long_transition_bends_around_the_layers_between(base: str) -> None:
    source = base.replace("- Ellers: [Svak](#svak)", "- Ellers: [God](#god)")
    graph = graph_of(source)
    drawn = layout(graph)
    [skip] = [
        r for r in drawn.routes if (graph.edges[r.edge].source, graph.edges[r.edge].target) == ("s1", "god")
    ]
    s2 = drawn.box("s2")
    beside = [(x, y) for x, y in skip.points if s2.y <= y <= s2.y + s2.height]
    assert len(beside) == 2 and beside[0][0] == beside[1][0]  # straight down through the layer of s2
    assert not s2.x <= beside[0][0] <= s2.x + s2.width  # beside s2, not through it


# --- SVG ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_node_links_to_its_line(path: Path) -> None:
    graph = scenario_graph(check_file(path).scenario)
    root = parse_svg(render_svg(graph, layout(graph), href=lambda line: f"/authoring/x#L{line}"))
    links = list(root.iter(f"{SVG}a"))
    assert sorted(a.get("href") for a in links) == sorted(f"/authoring/x#L{n.line}" for n in graph.nodes)
    for node, link in zip(graph.nodes, links, strict=True):
        name = link.find(f"{SVG}title").text  # a link's <title> child is its accessible name
        assert name.startswith(f"{node.title}, ") and f"linje {node.line}" in name
    assert root.get("role") == "group"  # an image would hide its links from screen readers


def test_a_picture_without_links_is_one_image_with_title_and_description(base: str) -> None:
    graph = graph_of(base)
    root = parse_svg(render_svg(graph, layout(graph), lang="en"))
    assert root.get("role") == "img"
    assert not list(root.iter(f"{SVG}a"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Scene graph: Test"
    assert "2 scenes and 2 endings" in desc.text and "Start: Første" in desc.text
    assert root.get("viewBox").startswith("0 0 ")


def test_unreachable_and_dead_end_are_marked_in_words_pattern_and_stroke(broken: Graph) -> None:
    root = parse_svg(render_svg(broken, layout(broken)))
    groups = node_groups(root)

    def fills(group: ET.Element) -> set[str]:
        return {r.get("fill") for r in group.iter(f"{SVG}rect")}

    glemt, s3, s1 = groups["glemt"], groups["s3"], groups["s1"]
    assert "Kan ikke nås" in all_text(glemt) and "Blindvei" in all_text(glemt)
    assert "url(#scenegraf-hatch)" in fills(glemt) and "url(#scenegraf-cross)" in fills(glemt)
    assert "Blindvei" in all_text(s3) and "Kan ikke nås" not in all_text(s3)
    assert "url(#scenegraf-cross)" in fills(s3) and "url(#scenegraf-hatch)" not in fills(s3)
    assert "Blindvei" not in all_text(s1)
    assert not fills(s1) & {"url(#scenegraf-cross)", "url(#scenegraf-hatch)"}
    shape = next(r for r in s3.iter(f"{SVG}rect") if r.get("class") == "graph-shape")
    assert shape.get("stroke-dasharray")  # not colour alone
    assert "graph-node--dead-end" in s3.get("class") and "graph-node--unreachable" in glemt.get("class")
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert {"scenegraf-hatch", "scenegraf-cross", "scenegraf-arrow"} <= ids
    assert "Kan ikke nås: glemt, svak." in root.find(f"{SVG}desc").text


def test_marks_in_english(broken: Graph) -> None:
    root = parse_svg(render_svg(broken, layout(broken), href=lambda line: f"#L{line}", lang="en"))
    glemt = node_groups(root)["glemt"]
    assert "Unreachable" in all_text(glemt) and "Dead end" in all_text(glemt)
    link = next(a for a in root.iter(f"{SVG}a") if a.get("href") == f"#L{broken.node('glemt').line}")
    line = broken.node("glemt").line
    assert link.find(f"{SVG}title").text == f"Glemt, line {line}, day 9, Unreachable, Dead end"


def test_endings_are_shaped_differently_and_edges_have_arrowheads(base: str) -> None:
    graph = graph_of(base)
    root = parse_svg(render_svg(graph, layout(graph)))
    groups = node_groups(root)

    def shapes(group: ET.Element) -> list[ET.Element]:
        return [r for r in group.iter(f"{SVG}rect") if r.get("class", "").startswith("graph-shape")]

    assert len(shapes(groups["god"])) == 2 and len(shapes(groups["s1"])) == 1
    assert float(shapes(groups["god"])[0].get("rx")) > float(shapes(groups["s1"])[0].get("rx"))
    paths = [p for p in root.iter(f"{SVG}path") if p.get("class") == "graph-edge-line"]
    assert len(paths) == len(graph.edges)
    assert all(p.get("marker-end", "").startswith("url(#scenegraf-arrow") for p in paths)
    assert len(list(root.iter(f"{SVG}marker"))) >= 1


def test_author_text_is_escaped_and_nothing_runs() -> None:
    evil = '<script>alert("x")</script> & \'sitat\' "dobbel"'
    source = (
        BASE.replace("title: Test", "title: 'Test <script>alert(1)</script> & co'")
        .replace("# Scene: Første {#s1 dag=0}", f"# Scene: {evil} {{#s1 dag=0}}")
        .replace("# Slutt: God {#god", '# Slutt: <img src=x onerror="alert(1)"> {#god')
        .replace("- Hvis `delt`: [Andre](#s2)", "- Hvis `delt og bti >= 2 eller bti < 1`: [Andre](#s2)")
    )
    graph = graph_of(source)
    assert graph.node("s1").title.startswith("<script>")
    svg = render_svg(graph, layout(graph), href=lambda line: f'#L{line}"><script>')
    root = parse_svg(svg)  # well-formed XML
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert not tags & {"script", "foreignObject", "img", "iframe", "style"}
    for element in root.iter():
        assert not any(name.lower().startswith("on") or name == "style" for name in element.attrib)
    assert "<script" not in svg and "<img" not in svg
    assert name_of(root, "s1").startswith(f"{evil}, Start, linje")
    assert root.find(f"{SVG}title").text == "Scenegraf: Test <script>alert(1)</script> & co"
    hrefs = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert f'#L{graph.node("s1").line}"><script>' in hrefs  # an attribute value, not markup
    assert "bti &lt; 1" in svg


def test_characters_xml_forbids_do_not_break_the_picture() -> None:
    node = Node("a", "Tittel\x00med\x0bkontroll\ufffe", SCENE, 3, day=0, start=True)
    graph = Graph("T\x01", "a", (node,), ())
    root = parse_svg(render_svg(graph, layout(graph)))
    assert "Tittel" in all_text(root)


def test_two_graphs_on_one_page_get_their_own_ids(base: str) -> None:
    graph = graph_of(base)
    svg = render_svg(graph, layout(graph), id_prefix="v2")
    ids = {element.get("id") for element in parse_svg(svg).iter() if element.get("id")}
    assert ids and all(i.startswith("v2-") for i in ids)
    assert "url(#v2-arrow)" in svg and "scenegraf" not in svg


def test_long_titles_are_shortened_but_named_in_full(base: str) -> None:
    long_title = "Et svært langt scenenavn som aldri i verden får plass på én eller to linjer i boksen"
    graph = graph_of(base.replace("# Scene: Andre {#s2", f"# Scene: {long_title} {{#s2"))
    root = parse_svg(render_svg(graph, layout(graph), href=lambda line: f"#L{line}"))
    group = node_groups(root)["s2"]
    titles = [t.text for t in group.iter(f"{SVG}text") if t.get("class") == "graph-node-title"]
    assert len(titles) == 2 and titles[-1].endswith("…")
    assert all(len(t) <= 23 for t in titles)
    assert name_of(root, "s2").startswith(f"{long_title}, linje")


# --- Text outline ---------------------------------------------------------------------------


def test_outline_matches_the_graph(broken: Graph) -> None:
    items = text_outline(broken)
    assert [(i.id, i.kind, i.line) for i in items] == [(n.id, n.kind, n.line) for n in broken.nodes]
    for item in items:
        assert [(link.target, link.line, link.kind) for link in item.leads_to] == [
            (e.target, e.line, e.kind) for e in broken.outgoing(item.id)
        ]
    by_id = {i.id: i for i in items}
    assert by_id["s1"].marks == ("Start",)
    assert by_id["glemt"].marks == ("Kan ikke nås", "Blindvei")
    assert by_id["s3"].marks == ("Blindvei",) and by_id["s3"].leads_to == ()
    s1_links = {link.target: link.label for link in by_id["s1"].leads_to}
    assert s1_links == {
        "s2": "delt",
        "god": "tas aldri: aldri_satt",
        "s3": "ellers",
        "svak": "tas aldri: delt",
    }
    assert by_id["s2"].leads_to[0].title == "Første"
    assert set(by_id["s1"].reached_from) == {"s2"} and by_id["gdo"].reached_from == ("glemt",)


def test_outline_in_english(broken: Graph) -> None:
    by_id = {i.id: i for i in text_outline(broken, lang="en")}
    assert by_id["glemt"].marks == ("Unreachable", "Dead end")
    assert {link.label for link in by_id["s1"].leads_to} == {
        "delt",
        "never taken: aldri_satt",
        "otherwise",
        "never taken: delt",
    }


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_labels_of_one_scene_stand_on_separate_lines(path: Path) -> None:
    graph = scenario_graph(check_file(path).scenario)
    heights: dict[str, list[float]] = {}
    for route in layout(graph).routes:
        heights.setdefault(graph.edges[route.edge].source, []).append(route.label_at[1])
    branching = [sorted(ys) for ys in heights.values() if len(ys) > 1]
    assert branching
    for ys in branching:
        assert all(b - a >= 12 for a, b in zip(ys, ys[1:], strict=False)), ys


def test_summary_counts_in_words(base: str, broken: Graph) -> None:
    assert describe(graph_of(base)) == (
        "2 scener og 2 slutter. Start: Første. "
        "Alle scener kan nås, og fra alle scener finnes en vei til en slutt."
    )
    one = Graph("En", "a", (Node("a", "A", SCENE, 1, day=0, start=True), Node("z", "Z", ENDING, 9)), ())
    assert describe(one, lang="en").startswith("1 scene and 1 ending. Start: A.")
    assert describe(broken, lang="en") == (
        "4 scenes and 2 endings. Start: Første. Unreachable: glemt, svak. "
        "Dead ends: s3, glemt. Targets that do not exist: gdo."
    )
    assert describe(Graph("Tom", None, (), ())) == "0 scener og 0 slutter. Start: ingen."


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_has_enough_contrast_on_every_kind_of_node(broken: Graph) -> None:
    root = parse_svg(render_svg(broken, layout(broken)))
    checked = 0
    for group in node_groups(root).values():
        shapes = [r for r in group.iter(f"{SVG}rect") if r.get("class", "").startswith("graph-shape")]
        background = [r.get("fill") for r in shapes if r.get("fill", "").startswith("#")][-1]
        for text in group.iter(f"{SVG}text"):
            assert contrast(text.get("fill"), background) >= 4.5, (group.get("data-node"), text.text)
            checked += 1
    for label in root.iter(f"{SVG}text"):
        if label.get("class") == "graph-edge-label":
            assert label.get("stroke") == "#ffffff" and contrast(label.get("fill"), "#ffffff") >= 4.5
            checked += 1
    assert checked > 20


def crossings(graph: Graph) -> int:
    """Pairs of edge pieces that cross in the gap between two layers, as the reader sees them."""
    pieces = []
    for route in layout(graph).routes:
        edge = graph.edges[route.edge]
        if edge.source != edge.target:
            steps = zip(route.points, route.points[1:], strict=False)
            pieces += [tuple(sorted((a, b), key=lambda p: p[1])) for a, b in steps]
    return sum(
        1
        for (a1, b1), (a2, b2) in combinations(pieces, 2)
        if a1[1] == a2[1] and b1[1] == b2[1] and (a1[0] - a2[0]) * (b1[0] - b2[0]) < 0
    )


def test_ordering_untangles_the_file_order(monkeypatch: pytest.MonkeyPatch) -> None:
    graphs = [scenario_graph(check_file(path).scenario) for path in LIBRARY]
    ordered = [crossings(g) for g in graphs]
    monkeypatch.setattr(layering, "SWEEPS", 0)  # layers in the order the file gives
    as_written = [crossings(g) for g in graphs]
    assert all(o <= w for o, w in zip(ordered, as_written, strict=True)), (ordered, as_written)
    assert sum(ordered) < sum(as_written)
