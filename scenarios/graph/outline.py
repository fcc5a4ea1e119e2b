"""The graph as a list in file order, for readers who cannot see the drawing and for the command line."""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.graph.model import MISSING
from scenarios.graph.model import Graph
from scenarios.graph.words import edge_label
from scenarios.graph.words import message


@dataclass(frozen=True)
class OutlineLink:
    target: str
    title: str
    label: str  # the condition, or "ellers"/"tas aldri" in the chosen language
    kind: str
    line: int  # the line of the transition


@dataclass(frozen=True)
class OutlineItem:
    id: str
    title: str
    kind: str
    line: int
    day: int | None
    rating: str | None
    start: bool
    unreachable: bool
    dead_end: bool
    marks: tuple[str, ...]  # the marks in words: start, unreachable, dead end
    leads_to: tuple[OutlineLink, ...]
    reached_from: tuple[str, ...]  # ids of the scenes that lead here


def text_outline(graph: Graph, lang: str = "nb") -> list[OutlineItem]:
    """The graph as a list in file order, for readers who cannot see the drawing (and everyone else)."""
    sources: dict[str, list[str]] = {}
    for edge in graph.edges:
        if edge.source not in sources.setdefault(edge.target, []):
            sources[edge.target].append(edge.source)
    items = []
    for node in graph.nodes:
        marks = []
        if node.start:
            marks.append(message("start", lang))
        if node.kind == MISSING:
            marks.append(message("missing", lang))
        if node.unreachable:
            marks.append(message("unreachable", lang))
        if node.dead_end:
            marks.append(message("dead_end", lang))
        links = []
        for edge in graph.outgoing(node.id):
            target = graph.node(edge.target)
            links.append(
                OutlineLink(
                    edge.target,
                    target.title if target else edge.target,
                    edge_label(edge, lang),
                    edge.kind,
                    edge.line,
                )
            )
        items.append(
            OutlineItem(
                node.id,
                node.title,
                node.kind,
                node.line,
                node.day,
                node.rating,
                node.start,
                node.unreachable,
                node.dead_end,
                tuple(marks),
                tuple(links),
                tuple(sources.get(node.id, ())),
            )
        )
    return items


def outline_text(items: list[OutlineItem], lang: str = "nb") -> str:
    """The outline as plain text, one node per paragraph, for the command line."""
    lines = []
    for item in items:
        kind = message(item.kind, lang)
        head = f"{kind} {item.id} ({message('line', lang, line=item.line)}): {item.title}"
        if item.rating:
            head += f" [{message('rating.' + item.rating, lang)}]"
        if item.marks:
            head += " – " + ", ".join(item.marks)
        lines.append(head)
        for link in item.leads_to:
            lines.append(f"  -> {link.target} ({message('line', lang, line=link.line)}): {link.label}")
    return "\n".join(lines)
