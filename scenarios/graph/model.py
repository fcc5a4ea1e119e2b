"""The scene graph of a scenario: nodes and transitions, marked with what the checker knows.

Built from `scenarios.analysis.Facts`, so the graph marks exactly what the checker reports: scenes that
cannot be reached (SC002), scenes with no way to an ending (SC003, SC004) and transitions that can
never be taken (SC012, SC026).
"""

from __future__ import annotations

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
