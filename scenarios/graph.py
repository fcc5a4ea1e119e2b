"""The scene graph of a scenario for authors: nodes and transitions, a layered layout, SVG and a text outline.

Built from `scenarios.analysis.Facts`, so the graph marks exactly what the checker reports: scenes that
cannot be reached (SC002), scenes with no way to an ending (SC003, SC004) and transitions that can
never be taken (SC012, SC026). Pure Python: the authoring workspace and `laget scenarios graph` share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from functools import cached_property

from scenarios.analysis import Facts
from scenarios.model import Scenario

SCENE = "scene"
ENDING = "ending"
MISSING = "missing"  # a target that a transition names but no scene or ending has

BRANCH = "branch"  # a condition that can be true
NEXT = "next"  # the default ("Ellers"), taken when no condition before it is true
NEVER = "never"  # written, but can never be taken: after the default, or a condition never true
BROKEN = "broken"  # leads to a target that does not exist

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


# --- The graph ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    kind: str  # SCENE | ENDING | MISSING
    line: int
    day: int | None = None
    rating: str | None = None  # endings: good | mixed | poor
    start: bool = False
    unreachable: bool = False
    dead_end: bool = False  # a scene from which no ending can be reached


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    label: str  # the condition as written; empty for the default
    kind: str  # BRANCH | NEXT | NEVER | BROKEN


@dataclass(frozen=True)
class Graph:
    title: str
    start: str | None
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @cached_property
    def _index(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def node(self, node_id: str) -> Node | None:
        return self._index.get(node_id)

    @cached_property
    def _out(self) -> dict[str, tuple[Edge, ...]]:
        out: dict[str, list[Edge]] = {}
        for edge in self.edges:
            out.setdefault(edge.source, []).append(edge)
        return {source: tuple(edges) for source, edges in out.items()}

    def outgoing(self, node_id: str) -> tuple[Edge, ...]:
        """The transitions out of a node, in the order they are written."""
        return self._out.get(node_id, ())

    def as_dict(self) -> dict[str, object]:
        """JSON-ready data for the command line and for tests."""
        return {
            "title": self.title,
            "start": self.start,
            "nodes": [asdict(n) for n in self.nodes],
            "edges": [asdict(e) for e in self.edges],
        }


def scenario_graph(scenario: Scenario) -> Graph:
    """The scenes, endings and transitions of a scenario, marked with what the checker knows about them."""
    facts = Facts(scenario)
    start = scenario.start.id if scenario.start else None
    reachable = facts.reachable
    nodes: list[Node] = []
    seen: set[str] = set()
    for scene in scenario.scenes:
        if scene.id in seen:
            continue  # a duplicate id (SC010): the first one is the scene drills play
        seen.add(scene.id)
        nodes.append(
            Node(
                scene.id,
                scene.title,
                SCENE,
                scene.line,
                day=scene.day,
                start=scene.id == start,
                unreachable=scene.id not in reachable,
                dead_end=scene.id not in facts.reaches_ending,
            )
        )
    for ending in scenario.endings:
        if ending.id in seen:
            continue
        seen.add(ending.id)
        nodes.append(
            Node(
                ending.id,
                ending.title,
                ENDING,
                ending.line,
                rating=ending.rating,
                unreachable=ending.id not in reachable,
            )
        )
    edges: list[Edge] = []
    missing: dict[str, int] = {}
    for node in list(nodes):
        scene = scenario.scene(node.id) if node.kind == SCENE else None
        if scene is None:
            continue
        usable = {e.line for e in facts.edges.get(scene.id, [])}
        for transition in scene.transitions:
            label = transition.condition_text if transition.condition is not None else ""
            if transition.target not in seen:
                kind = BROKEN
                missing.setdefault(transition.target, transition.line)
            elif transition.line not in usable:
                kind = NEVER
            else:
                kind = NEXT if transition.condition is None else BRANCH
            edges.append(Edge(scene.id, transition.target, transition.line, label, kind))
    nodes.extend(Node(target, target, MISSING, line) for target, line in missing.items())
    return Graph(scenario.meta.title, start, tuple(nodes), tuple(edges))


# --- Layout ---------------------------------------------------------------------------------

NODE_WIDTH = 200.0
NODE_HEIGHT = 80.0
DUMMY_WIDTH = 14.0
GAP_X = 36.0
GAP_Y = 76.0
MARGIN = 24.0
LOOP = 26.0  # how far a scene's loop back to itself sticks out to the right
SWEEPS = 4


@dataclass(frozen=True)
class Box:
    """Where a node is drawn: top-left corner and size, with its layer and place in the layer."""

    id: str
    x: float
    y: float
    width: float
    height: float
    layer: int
    order: int


@dataclass(frozen=True)
class Route:
    """How one edge is drawn: the points it passes, in the edge's direction."""

    edge: int  # index into Graph.edges
    points: tuple[tuple[float, float], ...]
    back: bool  # leads to a scene above (or to itself): a loop in the story
    label_at: tuple[float, float]


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: tuple[Box, ...]
    routes: tuple[Route, ...]

    @cached_property
    def _index(self) -> dict[str, Box]:
        return {b.id: b for b in self.boxes}

    def box(self, node_id: str) -> Box:
        return self._index[node_id]


def layout(graph: Graph) -> Layout:
    """A layered drawing: longest-path layers from the start, barycentre ordering, straightened columns."""
    ids = [n.id for n in graph.nodes]
    index = {node_id: i for i, node_id in enumerate(ids)}
    count = len(ids)
    pairs: list[tuple[int, int]] = []  # distinct (source, target) pairs, first seen first
    pair_of: dict[tuple[int, int], int] = {}
    for edge in graph.edges:
        key = (index[edge.source], index[edge.target])
        if key[0] != key[1] and key not in pair_of:
            pair_of[key] = len(pairs)
            pairs.append(key)
    out: list[list[int]] = [[] for _ in ids]
    for source, target in pairs:
        out[source].append(target)

    first = index.get(graph.start or "")
    roots = ([first] if first is not None else []) + [i for i in range(count) if i != first]
    discovery, back = _depth_first(out, roots)
    dag = [(t, s) if (s, t) in back else (s, t) for s, t in pairs]
    layer = _layers(count, dag, discovery, protected=set(roots[:1]))

    width, up, down, chains = _split_long_edges(count, dag, layer, discovery)
    depth = max(layer, default=-1) + 1
    rows: list[list[int]] = [[] for _ in range(depth)]
    for vertex in sorted(range(len(layer)), key=lambda v: (discovery[v], v)):
        rows[layer[vertex]].append(vertex)
    rows = _order(rows, up, down)
    x = _place(rows, up, down, width)

    boxes: list[Box] = []
    left = min((x[v] - width[v] / 2 for row in rows for v in row), default=0.0)
    shift = MARGIN - left
    right = 0.0
    centre: dict[int, float] = {}
    for row_number, row in enumerate(rows):
        for order, vertex in enumerate(row):
            centre[vertex] = x[vertex] + shift
            right = max(right, centre[vertex] + width[vertex] / 2)
            if vertex < count:
                boxes.append(
                    Box(
                        ids[vertex],
                        centre[vertex] - NODE_WIDTH / 2,
                        _top(row_number),
                        NODE_WIDTH,
                        NODE_HEIGHT,
                        row_number,
                        order,
                    )
                )
    has_loop = any(e.source == e.target for e in graph.edges)
    routes = _routes(graph, index, pairs, pair_of, back, chains, layer, centre)
    return Layout(
        right + MARGIN + (LOOP if has_loop else 0.0),
        _top(depth) - GAP_Y + MARGIN if depth else 2 * MARGIN,
        tuple(sorted(boxes, key=lambda b: index[b.id])),
        routes,
    )


def _top(layer: int) -> float:
    return MARGIN + layer * (NODE_HEIGHT + GAP_Y)


def _split_long_edges(
    count: int, dag: list[tuple[int, int]], layer: list[int], discovery: list[int]
) -> tuple[list[float], list[list[int]], list[list[int]], list[list[int]]]:
    """Give a long edge one small dummy vertex per layer it crosses, so it is ordered and routed like a node.

    Appends the dummies' layers and discovery order in place; returns every vertex's width, its
    neighbours above and below, and each edge's chain of vertices from source to target.
    """
    width = [NODE_WIDTH] * count
    up: list[list[int]] = [[] for _ in range(count)]
    down: list[list[int]] = [[] for _ in range(count)]
    chains: list[list[int]] = []
    for source, target in dag:
        chain = [source]
        for lay in range(layer[source] + 1, layer[target]):
            chain.append(len(layer))
            layer.append(lay)
            discovery.append(discovery[source])
            width.append(DUMMY_WIDTH)
            up.append([])
            down.append([])
        chain.append(target)
        for a, b in zip(chain, chain[1:], strict=False):
            down[a].append(b)
            up[b].append(a)
        chains.append(chain)
    return width, up, down, chains


def _depth_first(out: list[list[int]], roots: list[int]) -> tuple[list[int], set[tuple[int, int]]]:
    """Discovery order of every vertex and the edges that close a cycle (to a vertex still on the path)."""
    discovery = [-1] * len(out)
    on_path = [False] * len(out)
    back: set[tuple[int, int]] = set()
    counter = 0
    for root in roots:
        if discovery[root] >= 0:
            continue
        discovery[root] = counter
        counter += 1
        on_path[root] = True
        stack = [(root, 0)]
        while stack:
            vertex, i = stack.pop()
            if i < len(out[vertex]):
                stack.append((vertex, i + 1))
                target = out[vertex][i]
                if discovery[target] < 0:
                    discovery[target] = counter
                    counter += 1
                    on_path[target] = True
                    stack.append((target, 0))
                elif on_path[target]:
                    back.add((vertex, target))
            else:
                on_path[vertex] = False
    return discovery, back


def _layers(count: int, dag: list[tuple[int, int]], discovery: list[int], protected: set[int]) -> list[int]:
    """Longest-path layers; a node nobody leads to sits just above the first node it leads to."""
    preds: list[list[int]] = [[] for _ in range(count)]
    succs: list[list[int]] = [[] for _ in range(count)]
    indegree = [0] * count
    for source, target in dag:
        preds[target].append(source)
        succs[source].append(target)
        indegree[target] += 1
    ready = sorted((v for v in range(count) if indegree[v] == 0), key=lambda v: discovery[v])
    order: list[int] = []
    while ready:
        vertex = ready.pop(0)
        order.append(vertex)
        for target in succs[vertex]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    layer = [0] * count
    for vertex in order:
        layer[vertex] = max((layer[p] + 1 for p in preds[vertex]), default=0)
    for vertex in reversed(order):
        if not preds[vertex] and succs[vertex] and vertex not in protected:
            layer[vertex] = max(0, min(layer[s] for s in succs[vertex]) - 1)
    return layer


def _order(rows: list[list[int]], up: list[list[int]], down: list[list[int]]) -> list[list[int]]:
    """Reorder each layer by the mean place of its neighbours, sweeping down and up; keep the best."""
    best = [row[:] for row in rows]
    best_crossings = _crossings(best, down)
    current = [row[:] for row in rows]
    for _ in range(SWEEPS):
        for number in range(1, len(current)):
            current[number] = _by_barycentre(current[number], current[number - 1], up)
        for number in range(len(current) - 2, -1, -1):
            current[number] = _by_barycentre(current[number], current[number + 1], down)
        _transpose(current, up, down)
        crossings = _crossings(current, down)
        if crossings < best_crossings:
            best, best_crossings = [row[:] for row in current], crossings
        if best_crossings == 0:
            break
    return best


def _by_barycentre(row: list[int], fixed: list[int], neighbours: list[list[int]]) -> list[int]:
    position = {v: i for i, v in enumerate(fixed)}

    def key(item: tuple[int, int]) -> float:
        place, vertex = item
        near = [position[n] for n in neighbours[vertex] if n in position]
        return sum(near) / len(near) if near else float(place)

    return [v for _, v in sorted(enumerate(row), key=key)]


def _transpose(rows: list[list[int]], up: list[list[int]], down: list[list[int]]) -> None:
    """Swap neighbours in a layer while that removes crossings with the layers above and below."""
    for _ in range(4):
        improved = False
        for number, row in enumerate(rows):
            above = {v: i for i, v in enumerate(rows[number - 1])} if number else {}
            below = {v: i for i, v in enumerate(rows[number + 1])} if number + 1 < len(rows) else {}
            for i in range(len(row) - 1):
                u, v = row[i], row[i + 1]
                now = _pair(u, v, up, above) + _pair(u, v, down, below)
                if _pair(v, u, up, above) + _pair(v, u, down, below) < now:
                    row[i], row[i + 1] = v, u
                    improved = True
        if not improved:
            return


def _pair(u: int, v: int, neighbours: list[list[int]], position: dict[int, int]) -> int:
    """Crossings between the edges of u and of v when u stands left of v."""
    return sum(1 for a in neighbours[u] for b in neighbours[v] if position.get(a, 0) > position.get(b, 0))


def _crossings(rows: list[list[int]], down: list[list[int]]) -> int:
    """Edge crossings between neighbouring layers, counted as inversions of the lower ends."""
    total = 0
    for upper, lower in zip(rows, rows[1:], strict=False):
        position = {v: i for i, v in enumerate(lower)}
        ends = [position[t] for v in upper for t in sorted(down[v], key=lambda t: position.get(t, 0))]
        total += _inversions(ends)
    return total


def _inversions(values: list[int]) -> int:
    """Pairs out of order, by merge sort, so big layers stay fast."""
    if len(values) < 2:
        return 0
    middle = len(values) // 2
    left, right = sorted(values[:middle]), sorted(values[middle:])
    count = _inversions(values[:middle]) + _inversions(values[middle:])
    j = 0
    for value in left:
        while j < len(right) and right[j] < value:
            j += 1
        count += j
    return count


def _place(
    rows: list[list[int]], up: list[list[int]], down: list[list[int]], width: list[float]
) -> dict[int, float]:
    """Horizontal centres: each vertex pulled towards its neighbours, keeping the order and the gaps."""
    x: dict[int, float] = {}
    for row in rows:
        cursor = 0.0
        for vertex in row:
            x[vertex] = cursor + width[vertex] / 2
            cursor += width[vertex] + GAP_X
    widest = max((x[row[-1]] + width[row[-1]] / 2 for row in rows if row), default=0.0)
    for row in rows:  # centre each layer under the widest one to start from
        if row:
            offset = (widest - (x[row[-1]] + width[row[-1]] / 2)) / 2
            for vertex in row:
                x[vertex] += offset
    for _ in range(3):
        for number in range(1, len(rows)):
            _pull(rows[number], up, x, width)
        for number in range(len(rows) - 2, -1, -1):
            _pull(rows[number], down, x, width)
    return x


def _pull(row: list[int], neighbours: list[list[int]], x: dict[int, float], width: list[float]) -> None:
    """Move a layer's vertices to the mean of their neighbours, then undo overlaps from both sides."""
    wanted = [sum(x[n] for n in neighbours[v]) / len(neighbours[v]) if neighbours[v] else x[v] for v in row]
    forward = wanted[:]
    for i in range(1, len(row)):
        gap = (width[row[i - 1]] + width[row[i]]) / 2 + GAP_X
        forward[i] = max(forward[i], forward[i - 1] + gap)
    backward = wanted[:]
    for i in range(len(row) - 2, -1, -1):
        gap = (width[row[i]] + width[row[i + 1]]) / 2 + GAP_X
        backward[i] = min(backward[i], backward[i + 1] - gap)
    for i, vertex in enumerate(row):
        x[vertex] = (forward[i] + backward[i]) / 2  # both keep the gaps, so their mean does too


def _routes(
    graph: Graph,
    index: dict[str, int],
    pairs: list[tuple[int, int]],
    pair_of: dict[tuple[int, int], int],
    back: set[tuple[int, int]],
    chains: list[list[int]],
    layer: list[int],
    centre: dict[int, float],
) -> tuple[Route, ...]:
    """Points for every edge: out of the bottom of a node, through its dummies, into the top of the next."""
    parallel: dict[tuple[int, int], int] = {}
    paths: list[tuple[int, list[tuple[float, float]], bool]] = []
    for number, edge in enumerate(graph.edges):
        source, target = index[edge.source], index[edge.target]
        if source == target:
            top = _top(layer[source])
            right = centre[source] + NODE_WIDTH / 2
            points = [
                (right, top + NODE_HEIGHT * 0.35),
                (right + LOOP, top + NODE_HEIGHT * 0.35),
                (right + LOOP, top + NODE_HEIGHT * 0.65),
                (right, top + NODE_HEIGHT * 0.65),
            ]
            paths.append((number, points, True))
            continue
        twin = parallel.get((source, target), 0)
        parallel[(source, target)] = twin + 1
        chain = chains[pair_of[(source, target)]]
        is_back = (source, target) in back
        if is_back:
            chain = chain[::-1]
        points = []
        for position, vertex in enumerate(chain):
            top = _top(layer[vertex])
            if position == 0 and is_back:
                points.append((centre[vertex], top))
            elif position == 0:
                points.append((centre[vertex], top + NODE_HEIGHT))
            elif position == len(chain) - 1 and is_back:
                points.append((centre[vertex], top + NODE_HEIGHT))
            elif position == len(chain) - 1:
                points.append((centre[vertex], top))
            else:  # straight down (or up) beside the nodes of the layer, so curves stay in the gaps
                ends = [(centre[vertex], top), (centre[vertex], top + NODE_HEIGHT)]
                points.extend(ends[::-1] if is_back else ends)
        if twin:  # a second transition between the same scenes is drawn beside the first
            offset = 10.0 * twin
            points = [(px + offset, py) for px, py in points]
        paths.append((number, points, is_back))
    _spread_ports(paths, graph, index, centre)
    siblings: dict[str, list[tuple[float, int]]] = {}
    for slot, (number, points, _) in enumerate(paths):
        siblings.setdefault(graph.edges[number].source, []).append((points[1][0], slot))
    where: dict[int, float] = {}
    for group in siblings.values():  # labels of one scene's transitions on different heights
        group.sort()
        for k, (_, slot) in enumerate(group):
            where[slot] = 0.45 if len(group) == 1 else 0.2 + 0.6 * k / (len(group) - 1)
    routes = []
    for slot, (number, points, is_back) in enumerate(paths):
        if graph.edges[number].source == graph.edges[number].target:
            label_at = (points[1][0] + 4, points[1][1] - 4)
        else:
            label_at = _label_point(points[0], points[1], where[slot])
        routes.append(Route(number, tuple(points), is_back, label_at))
    return tuple(routes)


def _label_point(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    """The point on the curve from a to b (see `_path`) at a fraction `t` of the gap below (or above) a."""
    (ax, ay), (bx, by) = a, b
    span = by - ay
    if not span:
        return ax, ay
    u = min(1.0, GAP_Y * t / abs(span))  # the same height for every edge, however far it goes
    return ax + (bx - ax) * (3 * u * u - 2 * u * u * u), ay + span * u


def _spread_ports(
    paths: list[tuple[int, list[tuple[float, float]], bool]],
    graph: Graph,
    index: dict[str, int],
    centre: dict[int, float],
) -> None:
    """Give the edges leaving (and entering) one side of a node their own points, ordered by direction."""
    sides: dict[tuple[int, str], list[tuple[float, int, int]]] = {}
    for slot, (number, points, is_back) in enumerate(paths):
        edge = graph.edges[number]
        if edge.source == edge.target:
            continue
        source, target = index[edge.source], index[edge.target]
        sides.setdefault((source, "top" if is_back else "bottom"), []).append((points[1][0], slot, 0))
        sides.setdefault((target, "bottom" if is_back else "top"), []).append((points[-2][0], slot, -1))
    for (vertex, _), ends in sides.items():
        if len(ends) < 2:
            continue
        ends.sort()
        for k, (_, slot, end) in enumerate(ends):
            px = centre[vertex] - NODE_WIDTH / 2 + NODE_WIDTH * (k + 1) / (len(ends) + 1)
            points = paths[slot][1]
            points[end] = (px, points[end][1])


# --- SVG ------------------------------------------------------------------------------------

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


def _node_words(node: Node, lang: str) -> tuple[str, list[str], list[str]]:
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
    title, meta, flags = _node_words(node, lang)
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
    title, meta, flags = _node_words(node, lang)
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
