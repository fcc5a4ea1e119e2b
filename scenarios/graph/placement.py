"""Where every node and transition of a graph is drawn: boxes in layers and the routes between them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from scenarios.graph.layering import GAP_Y
from scenarios.graph.layering import LOOP
from scenarios.graph.layering import MARGIN
from scenarios.graph.layering import NODE_HEIGHT
from scenarios.graph.layering import NODE_WIDTH
from scenarios.graph.layering import depth_first
from scenarios.graph.layering import longest_path_layers
from scenarios.graph.layering import order_layers
from scenarios.graph.layering import place_columns
from scenarios.graph.layering import split_long_edges
from scenarios.graph.model import Graph


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
    discovery, back = depth_first(out, roots)
    dag = [(t, s) if (s, t) in back else (s, t) for s, t in pairs]
    layer = longest_path_layers(count, dag, discovery, protected=set(roots[:1]))

    width, up, down, chains = split_long_edges(count, dag, layer, discovery)
    depth = max(layer, default=-1) + 1
    rows: list[list[int]] = [[] for _ in range(depth)]
    for vertex in sorted(range(len(layer)), key=lambda v: (discovery[v], v)):
        rows[layer[vertex]].append(vertex)
    rows = order_layers(rows, up, down)
    x = place_columns(rows, up, down, width)

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
