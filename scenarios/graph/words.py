"""The graph's words in bokmål or English, so the app, the SVG and the command line say the same."""

from __future__ import annotations

from scenarios.graph.model import BROKEN
from scenarios.graph.model import ENDING
from scenarios.graph.model import MISSING
from scenarios.graph.model import NEVER
from scenarios.graph.model import SCENE
from scenarios.graph.model import Edge
from scenarios.graph.model import Graph
from scenarios.graph.model import Node

_TEXTS: dict[str, tuple[str, str]] = {
    "scene": ("Scene", "Scene"),
    "ending": ("Slutt", "Ending"),
    "missing": ("Finnes ikke", "Does not exist"),
    "start": ("Start", "Start"),
    "line": ("linje {line}", "line {line}"),
    "day": ("dag {day}", "day {day}"),
    "unreachable": ("Kan ikke nås", "Unreachable"),
    "dead_end": ("Blindvei", "Dead end"),
    "otherwise": ("ellers", "otherwise"),
    "never": ("tas aldri", "never taken"),
    "back": ("tilbake", "back"),
    "broken": ("finnes ikke", "does not exist"),
    "rating.good": ("god", "good"),
    "rating.mixed": ("middels", "mixed"),
    "rating.poor": ("svak", "poor"),
    "graph_title": ("Scenegraf: {title}", "Scene graph: {title}"),
    "summary": ("{scenes} og {endings}. Start: {start}.", "{scenes} and {endings}. Start: {start}."),
    "scenes": ("{n} scener", "{n} scenes"),
    "scenes.1": ("1 scene", "1 scene"),
    "endings": ("{n} slutter", "{n} endings"),
    "endings.1": ("1 slutt", "1 ending"),
    "summary_unreachable": ("Kan ikke nås: {ids}.", "Unreachable: {ids}."),
    "summary_dead_end": ("Blindveier: {ids}.", "Dead ends: {ids}."),
    "summary_missing": ("Mål som ikke finnes: {ids}.", "Targets that do not exist: {ids}."),
    "summary_ok": (
        "Alle scener kan nås, og fra alle scener finnes en vei til en slutt.",
        "Every scene can be reached, and every scene has a way to an ending.",
    ),
    "legend.back": ("Tilbake til en tidligere scene", "Back to an earlier scene"),
    "legend.never": ("Overgang som aldri tas", "Transition never taken"),
    "none": ("ingen", "none"),
}


def message(key: str, lang: str = "nb", **params: object) -> str:
    """One of the graph's texts in bokmål or English, so the app and the command line say the same."""
    nb, en = _TEXTS[key]
    return (en if lang == "en" else nb).format(**params)


def node_words(node: Node, lang: str) -> tuple[str, list[str], list[str]]:
    """The three things a node shows: its title, a line of facts, and its marks."""
    title = node.title if node.kind != MISSING else f"«{node.id}»"
    meta = [message("line", lang, line=node.line)]
    if node.kind == ENDING and node.rating:
        meta[:0] = [message("ending", lang), message(f"rating.{node.rating}", lang)]
    elif node.kind == SCENE:
        if node.start:
            meta.insert(0, message("start", lang))
        if node.day is not None:
            meta.append(message("day", lang, day=node.day))
    else:
        meta.insert(0, message("missing", lang))
    flags = [message(k, lang) for k in ("unreachable", "dead_end") if getattr(node, k)]
    return title, meta, flags


def node_name(node: Node, lang: str = "nb") -> str:
    """What a screen reader says for a node: what it shows, in the same order, so speech matches sight."""
    title, meta, flags = node_words(node, lang)
    return ", ".join([title, *meta, *flags])


def edge_label(edge: Edge, lang: str = "nb") -> str:
    """The words on an edge: its condition, or that it is the default, never taken or broken."""
    if edge.kind == NEVER:
        return f"{message('never', lang)}: {edge.label}" if edge.label else message("never", lang)
    if edge.kind == BROKEN:
        return edge.label or message("otherwise", lang)
    return edge.label or message("otherwise", lang)


def describe(graph: Graph, lang: str = "nb") -> str:
    """A one-paragraph summary of the graph for the SVG's description and the page."""
    first = graph.node(graph.start) if graph.start else None
    start = first.title if first else message("none", lang)
    scenes = sum(1 for n in graph.nodes if n.kind == SCENE)
    endings = sum(1 for n in graph.nodes if n.kind == ENDING)
    parts = [
        message(
            "summary",
            lang,
            scenes=_count("scenes", scenes, lang),
            endings=_count("endings", endings, lang),
            start=start,
        )
    ]
    unreachable = [n.id for n in graph.nodes if n.unreachable]
    dead = [n.id for n in graph.nodes if n.dead_end]
    missing = [n.id for n in graph.nodes if n.kind == MISSING]
    if unreachable:
        parts.append(message("summary_unreachable", lang, ids=", ".join(unreachable)))
    if dead:
        parts.append(message("summary_dead_end", lang, ids=", ".join(dead)))
    if missing:
        parts.append(message("summary_missing", lang, ids=", ".join(missing)))
    if scenes and not (unreachable or dead or missing):
        parts.append(message("summary_ok", lang))
    return " ".join(parts)


def _count(key: str, n: int, lang: str) -> str:
    return message(f"{key}.1", lang) if n == 1 else message(key, lang, n=n)
