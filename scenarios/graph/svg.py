"""The graph as a standalone, accessible SVG: escaped texts, no script or styles, nodes linked to lines."""

from __future__ import annotations

import re
from collections.abc import Callable

from scenarios.graph.layering import MARGIN
from scenarios.graph.model import BROKEN
from scenarios.graph.model import ENDING
from scenarios.graph.model import MISSING
from scenarios.graph.model import NEVER
from scenarios.graph.model import NEXT
from scenarios.graph.model import SCENE
from scenarios.graph.model import Edge
from scenarios.graph.model import Graph
from scenarios.graph.model import Node
from scenarios.graph.placement import Box
from scenarios.graph.placement import Layout
from scenarios.graph.placement import Route
from scenarios.graph.words import describe
from scenarios.graph.words import edge_label
from scenarios.graph.words import message
from scenarios.graph.words import node_name
from scenarios.graph.words import node_words

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_FILL = {SCENE: "#ffffff", MISSING: "#ffffff", "unreachable": "#ececec"}
_RATING_FILL = {"good": "#e2f2e5", "mixed": "#fbefd5", "poor": "#f9e1e1"}
_INK = "#1b1b1b"
_STROKE = "#2f4a63"
_WARN = "#9b1c1c"
_MUTED = "#595959"
_BACK = "#6b2f8f"
_TITLE_CHARS = 23
_ENDING_TITLE_CHARS = 20
LEGEND_COLUMN = 270.0
_LABEL_CHARS = 28


def _escape(text: object) -> str:
    """Text safe inside an SVG element or a double-quoted attribute, also for characters XML forbids."""
    value = _INVALID_XML.sub("\ufffd", str(text))
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title_lines(title: str, limit: int) -> list[str]:
    """Up to two lines of a title, broken at spaces, the rest cut off with an ellipsis."""
    words = " ".join(title.split()).split(" ")
    first = ""
    while words and len((first + " " + words[0]).strip()) <= limit:
        first = (first + " " + words.pop(0)).strip()
    if not first:
        return [_shorten(" ".join(words), limit)]
    rest = " ".join(words)
    return [first, _shorten(rest, limit)] if rest else [first]


def render_svg(
    graph: Graph,
    layout: Layout,
    href: Callable[[int], str] | None = None,
    lang: str = "nb",
    id_prefix: str = "scenegraf",
) -> str:
    """A standalone SVG of the graph: every text escaped, no script or styles, nodes linked to their lines.

    With `href`, the picture is a group of links (role="group"), since an `img` would hide its links
    from screen readers; without, it is one image (role="img"). Presentation attributes give the
    colours and CSS classes let a page restyle them, as the app's CSP allows no inline styles.
    """
    p = _escape(id_prefix)
    legend, legend_height = _legend(graph, layout, lang, p)
    width = max(layout.width, 2 * LEGEND_COLUMN + 2 * MARGIN if legend else 0.0)
    offset = (width - layout.width) / 2  # a narrow graph stands in the middle, under the legend
    height = layout.height + legend_height
    role = "group" if href else "img"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="scenario-graph" role="{role}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'preserveAspectRatio="xMidYMin meet" aria-labelledby="{p}-title {p}-desc" '
        f"font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\">",
        f'<title id="{p}-title">{_escape(message("graph_title", lang, title=graph.title))}</title>',
        f'<desc id="{p}-desc">{_escape(describe(graph, lang))}</desc>',
        _defs(p),
        legend,
        f'<g transform="translate({offset:.0f} {legend_height:.0f})">',
        '<g class="graph-edges">',
    ]
    for route in layout.routes:
        out.append(_edge_svg(graph, graph.edges[route.edge], route, lang, p, (-offset, width - offset)))
    out.append("</g>")
    out.append('<g class="graph-nodes">')
    for node in graph.nodes:
        out.append(_node_svg(node, layout.box(node.id), href, lang, p))
    out.append("</g></g></svg>")
    return "\n".join(out)


def _defs(p: str) -> str:
    arrow = "M0,0 L10,5 L0,10 z"
    return (
        "<defs>"
        f'<marker id="{p}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="{arrow}" fill="{_STROKE}" class="graph-arrowhead"/></marker>'
        f'<marker id="{p}-arrow-back" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="{arrow}" fill="{_BACK}" class="graph-arrowhead '
        'graph-arrowhead--back"/></marker>'
        f'<marker id="{p}-arrow-muted" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="{arrow}" fill="{_MUTED}" '
        'class="graph-arrowhead graph-arrowhead--muted"/></marker>'
        f'<pattern id="{p}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{_MUTED}" stroke-width="3"/></pattern>'
        f'<pattern id="{p}-cross" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<path d="M0,0 L6,6 M6,0 L0,6" stroke="{_WARN}" stroke-width="1.5"/></pattern>'
        "</defs>"
    )


def _legend(graph: Graph, layout: Layout, lang: str, p: str) -> tuple[str, float]:
    """A key to the marks that occur in this graph, so the drawing explains itself."""
    items = []
    if any(n.unreachable for n in graph.nodes):
        items.append(("unreachable", message("unreachable", lang)))
    if any(n.dead_end for n in graph.nodes):
        items.append(("dead_end", message("dead_end", lang)))
    if any(r.back for r in layout.routes):
        items.append(("back", message("legend.back", lang)))
    if any(e.kind in (NEVER, BROKEN) for e in graph.edges):
        items.append(("never", message("legend.never", lang)))
    if not items:
        return "", 0.0
    parts = ['<g class="graph-legend">']
    for number, (kind, text) in enumerate(items):
        x = MARGIN + (number % 2) * LEGEND_COLUMN
        y = MARGIN + (number // 2) * 26.0
        if kind == "unreachable":
            parts.append(
                f'<rect x="{x}" y="{y}" width="28" height="16" fill="url(#{p}-hatch)" stroke="{_MUTED}" '
                'stroke-dasharray="5 3" stroke-width="1.5"/>'
            )
        elif kind == "dead_end":
            parts.append(
                f'<rect x="{x}" y="{y}" width="28" height="16" fill="url(#{p}-cross)" stroke="{_WARN}" '
                'stroke-dasharray="2 2" stroke-width="2"/>'
            )
        elif kind == "back":
            parts.append(
                f'<path d="M{x},{y + 8} h26" stroke="{_BACK}" stroke-width="2" stroke-dasharray="7 4" '
                f'marker-end="url(#{p}-arrow-back)" fill="none"/>'
            )
        else:
            parts.append(
                f'<path d="M{x},{y + 8} h26" stroke="{_MUTED}" stroke-width="2" stroke-dasharray="2 4" '
                f'marker-end="url(#{p}-arrow-muted)" fill="none"/>'
            )
        parts.append(
            f'<text x="{x + 36}" y="{y + 12.5}" font-size="13" fill="{_INK}" class="graph-legend-text">'
            f"{_escape(text)}</text>"
        )
    parts.append("</g>")
    rows = (len(items) + 1) // 2
    return "".join(parts), MARGIN + rows * 26.0


def _path(points: tuple[tuple[float, float], ...], loop: bool) -> str:
    """A smooth path through the points: vertical S-curves between layers, a plain loop for a self-edge."""
    (x0, y0) = points[0]
    if loop:
        return "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts = [f"M{x0:.1f},{y0:.1f}"]
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        middle = (ay + by) / 2
        parts.append(f"C{ax:.1f},{middle:.1f} {bx:.1f},{middle:.1f} {bx:.1f},{by:.1f}")
    return " ".join(parts)


def _edge_svg(graph: Graph, edge: Edge, route: Route, lang: str, p: str, bounds: tuple[float, float]) -> str:
    loop = edge.source == edge.target
    classes = ["graph-edge", f"graph-edge--{edge.kind}"]
    stroke, marker, dash = _STROKE, f"{p}-arrow", ""
    if route.back:
        classes.append("graph-edge--back")
        stroke, marker, dash = _BACK, f"{p}-arrow-back", ' stroke-dasharray="7 4"'
    if edge.kind in (NEVER, BROKEN):
        stroke, marker, dash = _MUTED, f"{p}-arrow-muted", ' stroke-dasharray="2 4"'
    label = edge_label(edge, lang)
    source = graph.node(edge.source)
    target = graph.node(edge.target)
    words = f"{source.title if source else edge.source} → {target.title if target else edge.target}"
    if route.back:
        words += f" ({message('back', lang)})"
    words += f": {label} ({message('line', lang, line=edge.line)})"
    shown = edge.kind != NEXT or len(graph.outgoing(edge.source)) > 1
    text = ""
    if shown:
        short = _shorten(label, _LABEL_CHARS)
        lx, ly = route.label_at
        anchor = "start" if loop else "middle"
        if not loop:  # keep the whole label inside the picture
            half = len(short) * 3.3 + 2
            lx = min(max(lx, bounds[0] + half), bounds[1] - half)
        text = (
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="11" fill="{_INK}" stroke="#ffffff" '
            f'stroke-width="4" paint-order="stroke" stroke-linejoin="round" text-anchor="{anchor}" '
            f'class="graph-edge-label">{_escape(short)}</text>'
        )
    return (
        f'<g class="{" ".join(classes)}"><title>{_escape(words)}</title>'
        f'<path d="{_path(route.points, loop)}" fill="none" stroke="{stroke}" stroke-width="1.6"{dash} '
        f'marker-end="url(#{marker})" class="graph-edge-line"/>{text}</g>'
    )


def _node_svg(node: Node, box: Box, href: Callable[[int], str] | None, lang: str, p: str) -> str:
    classes = ["graph-node", f"graph-node--{node.kind}"]
    if node.rating:
        classes.append(f"graph-node--{node.rating}")
    if node.start:
        classes.append("graph-node--start")
    if node.unreachable:
        classes.append("graph-node--unreachable")
    if node.dead_end:
        classes.append("graph-node--dead-end")
    fill = _RATING_FILL.get(node.rating or "", _FILL.get(node.kind, "#ffffff"))
    if node.unreachable:
        fill = _FILL["unreachable"]
    stroke, width, dash = _STROKE, 1.5, ""
    if node.start:
        width = 3.0
    if node.kind == MISSING:
        stroke, dash = _WARN, ' stroke-dasharray="4 3"'
    if node.unreachable:
        stroke, dash = _MUTED, ' stroke-dasharray="6 4"'
    if node.dead_end:
        stroke, width, dash = _WARN, 2.5, ' stroke-dasharray="2 2"'
    x, y, w, h = box.x, box.y, box.width, box.height
    radius = h / 2 if node.kind == ENDING else 6.0
    hatched = node.unreachable and node.kind == ENDING  # an ending's rim shows the hatch
    parts = [
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.0f}" height="{h:.0f}" rx="{radius:.0f}" '
        f'fill="{f"url(#{p}-hatch)" if hatched else fill}" stroke="{stroke}" stroke-width="{width}"{dash} '
        'class="graph-shape"/>'
    ]
    if node.kind == ENDING:  # a second outline: endings read as "stop" without colour too
        parts.append(
            f'<rect x="{x + 4:.1f}" y="{y + 4:.1f}" width="{w - 8:.0f}" height="{h - 8:.0f}" '
            f'rx="{radius - 4:.0f}" fill="{fill}" stroke="{stroke}" stroke-width="1" '
            'class="graph-shape-inner"/>'
        )
    inset = 12.0
    if node.unreachable and not hatched:
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="10" height="{h - 2:.0f}" '
            f'fill="url(#{p}-hatch)" class="graph-mark graph-mark--unreachable"/>'
        )
    if node.dead_end:
        parts.append(
            f'<rect x="{x + w - 11:.1f}" y="{y + 1:.1f}" width="10" height="{h - 2:.0f}" '
            f'fill="url(#{p}-cross)" class="graph-mark graph-mark--dead-end"/>'
        )
    if node.kind == ENDING:
        inset = 26.0
    text_x = x + (w / 2 if node.kind == ENDING else inset + 4)
    anchor = ' text-anchor="middle"' if node.kind == ENDING else ""
    limit = _ENDING_TITLE_CHARS if node.kind == ENDING else _TITLE_CHARS
    title, meta, flags = node_words(node, lang)
    for number, line in enumerate(_title_lines(title, limit)):
        parts.append(
            f'<text x="{text_x:.1f}" y="{y + 22 + 16 * number:.1f}" font-size="13" font-weight="600" '
            f'fill="{_INK}"{anchor} class="graph-node-title">{_escape(line)}</text>'
        )
    parts.append(
        f'<text x="{text_x:.1f}" y="{y + 57:.1f}" font-size="11" fill="{_INK}"{anchor} '
        f'class="graph-node-meta">{_escape(" · ".join(meta))}</text>'
    )
    if flags:
        parts.append(
            f'<text x="{text_x:.1f}" y="{y + 72:.1f}" font-size="11" font-weight="700" '
            f'fill="{_WARN}"{anchor} class="graph-node-flag">{_escape(" · ".join(flags))}</text>'
        )
    body = "".join(parts)
    name = _escape(node_name(node, lang))
    group = f'<g class="{" ".join(classes)}" data-node="{_escape(node.id)}">'
    if href is None:
        return f"{group}<title>{name}</title>{body}</g>"
    # The link is named by its <title>, which says what the node shows in the same order (WCAG 2.5.3).
    return (
        f'<a href="{_escape(href(node.line))}" class="graph-link"><title>{name}</title>{group}{body}</g></a>'
    )


# --- Text outline ---------------------------------------------------------------------------
