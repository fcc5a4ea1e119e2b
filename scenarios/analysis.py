"""Static facts about a scenario that the checker and explorer share: graph, value ranges, reachability."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from scenarios.model import And
from scenarios.model import Chose
from scenarios.model import Compare
from scenarios.model import Condition
from scenarios.model import Const
from scenarios.model import Knows
from scenarios.model import Name
from scenarios.model import Not
from scenarios.model import Number
from scenarios.model import Or
from scenarios.model import RoleRef
from scenarios.model import Scenario
from scenarios.model import Scene

MAX_DNF_TERMS = 256


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int


class Facts:
    """What can happen in a scenario, computed once from the model without playing it."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.scene_ids = {s.id for s in scenario.scenes}
        self.ending_ids = {e.id for e in scenario.endings}

    # --- the scene graph ------------------------------------------------------------------

    def usable_transitions(self, scene: Scene) -> Iterator[tuple[int, object]]:
        """Transitions that can be taken: before the first default and with a satisfiable condition."""
        for index, transition in enumerate(scene.transitions):
            yield index, transition
            if transition.condition is None:
                return

    @cached_property
    def edges(self) -> dict[str, list[Edge]]:
        """Transitions that can really be taken: before any default, with a satisfiable condition."""
        return self._graph(check_conditions=True)

    @cached_property
    def raw_edges(self) -> dict[str, list[Edge]]:
        """Every transition as written, to bound how often a scene can repeat."""
        return self._graph(check_conditions=False)

    def _graph(self, check_conditions: bool) -> dict[str, list[Edge]]:
        graph: dict[str, list[Edge]] = {}
        for scene in self.scenario.scenes:
            out = graph.setdefault(scene.id, [])
            for _, transition in self.usable_transitions(scene):
                if (
                    check_conditions
                    and transition.condition is not None
                    and not self.satisfiable(transition.condition, scene)
                ):
                    continue
                if transition.target in self.scene_ids or transition.target in self.ending_ids:
                    out.append(Edge(scene.id, transition.target, transition.line))
        return graph

    @cached_property
    def reachable(self) -> set[str]:
        """Scene and ending ids reachable from the first scene."""
        start = self.scenario.start
        if start is None:
            return set()
        seen, stack = {start.id}, [start.id]
        while stack:
            for edge in self.edges.get(stack.pop(), []):
                if edge.target not in seen:
                    seen.add(edge.target)
                    stack.append(edge.target)
        return seen

    @cached_property
    def reaches_ending(self) -> set[str]:
        """Scene ids from which some ending can be reached."""
        reverse: dict[str, list[str]] = {}
        for source, out in self.edges.items():
            for edge in out:
                reverse.setdefault(edge.target, []).append(source)
        seen = set(self.ending_ids)
        stack = list(self.ending_ids)
        while stack:
            for source in reverse.get(stack.pop(), []):
                if source not in seen:
                    seen.add(source)
                    stack.append(source)
        return seen - self.ending_ids

    @cached_property
    def cyclic_scenes(self) -> set[str]:
        """Scenes that lie on a cycle, where choices can repeat without bound."""
        return {scene for component in self.components for scene in component if len(component) > 1} | {
            s for s, out in self.raw_edges.items() if any(e.target == s for e in out)
        }

    @cached_property
    def components(self) -> list[list[str]]:
        """Strongly connected components of the written scene graph (iterative Tarjan)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        result: list[list[str]] = []
        counter = 0
        for root in self.raw_edges:
            if root in index:
                continue
            work = [(root, 0)]
            while work:
                node, i = work.pop()
                if i == 0:
                    index[node] = low[node] = counter
                    counter += 1
                    stack.append(node)
                    on_stack.add(node)
                targets = [e.target for e in self.raw_edges.get(node, []) if e.target in self.raw_edges]
                if i < len(targets):
                    work.append((node, i + 1))
                    target = targets[i]
                    if target not in index:
                        work.append((target, 0))
                    elif target in on_stack:
                        low[node] = min(low[node], index[target])
                    continue
                for target in targets:
                    if target in on_stack:
                        low[node] = min(low[node], low[target])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    result.append(component)
        return result

    # --- what variables can hold ------------------------------------------------------------

    @cached_property
    def set_names(self) -> set[str]:
        return {a.name for s in self.scenario.scenes for r in s.roles for c in r.choices for a in c.sets}

    @cached_property
    def counter_names(self) -> set[str]:
        return {
            a.name
            for s in self.scenario.scenes
            for r in s.roles
            for c in r.choices
            for a in c.sets
            if a.op in ("add", "assign")
        }

    @cached_property
    def flag_true_possible(self) -> set[str]:
        return {
            a.name
            for s in self.scenario.scenes
            for r in s.roles
            for c in r.choices
            for a in c.sets
            if a.op == "set"
        }

    @cached_property
    def counter_ranges(self) -> dict[str, tuple[float, float]]:
        """Loose bounds on each counter, assuming any one choice per role and scene."""
        ranges: dict[str, tuple[float, float]] = {}
        for name in self.counter_names:
            lo = hi = 0.0
            assigned: list[int] = []
            for scene in self.scenario.scenes:
                repeat = scene.id in self.cyclic_scenes
                for section in scene.roles:
                    ups, downs = [0], [0]
                    for choice in section.choices:
                        for a in choice.sets:
                            if a.name != name:
                                continue
                            if a.op == "assign":
                                assigned.append(a.value)
                            elif a.op == "set":
                                assigned.append(1)
                            elif a.value > 0:
                                ups.append(a.value)
                            else:
                                downs.append(a.value)
                    hi += math.inf if repeat and max(ups) > 0 else max(ups)
                    lo += -math.inf if repeat and min(downs) < 0 else min(downs)
            top = max([0, *assigned])
            bottom = min([0, *assigned])
            ranges[name] = (bottom + lo, top + hi)
        return ranges

    @cached_property
    def bti_levels(self) -> set[int]:
        levels = {self.scenario.meta.bti_level}
        levels |= {
            c.bti for s in self.scenario.scenes for r in s.roles for c in r.choices if c.bti is not None
        }
        return levels

    @cached_property
    def possible_owners(self) -> set[str | None]:
        owners: set[str | None] = {None}
        for scene in self.scenario.scenes:
            for section in scene.roles:
                for choice in section.choices:
                    if choice.baton and choice.baton.kind in ("take", "accept"):
                        owners.add(section.role)
        return owners

    @cached_property
    def can_know(self) -> dict[str, set[str]]:
        """For each information id, the roles that can ever learn it (ignoring order)."""
        known: dict[str, set[str]] = {i.id: set(i.holders) for i in self.scenario.infos}
        for scene in self.scenario.scenes:
            for section in scene.roles:
                for choice in section.choices:
                    for share in choice.shares:
                        for info in share.infos:
                            known.setdefault(info, set()).update(share.to)
        for inject in self.scenario.injects:
            for info in inject.reveals:
                known.setdefault(info, set()).update(inject.to or self.scenario.role_ids)
        return known

    # --- can a condition ever be true? ----------------------------------------------------

    def satisfiable(self, condition: Condition, scene: Scene) -> bool:
        """False only when the condition is certainly never true, by interval reasoning per term."""
        terms = dnf(condition, True)
        if terms is None:
            return True
        return any(self._term_possible(term, scene) for term in terms)

    def why_unsatisfiable(self, condition: Condition) -> str:
        names = sorted({n.name for n in _names(condition)})
        return ", ".join(names)

    def _term_possible(self, term: list[tuple[Condition, bool]], scene: Scene) -> bool:
        bounds: dict[str, _Range] = {}
        chosen: dict[str, str] = {}
        not_chosen: set[tuple[str, str]] = set()
        owner_is: set[str | None] = set()
        owner_not: set[str | None] = set()
        seen: dict[Condition, bool] = {}
        for atom, positive in term:
            if seen.get(atom, positive) != positive:
                return False
            seen[atom] = positive
            match atom:
                case Const(value):
                    if value != positive:
                        return False
                case Name(name):
                    if name == "owner":
                        (owner_not if positive else owner_is).add(None)
                        continue
                    if not self._range_for(name, bounds).restrict("!=" if positive else "==", 0):
                        return False
                case Compare(op, left, right):
                    if isinstance(right, RoleRef) and left == Name("owner"):
                        same = (op == "==") == positive
                        (owner_is if same else owner_not).add(right.role)
                        continue
                    op = op if positive else _NEGATE[op]
                    if isinstance(left, Name) and isinstance(right, Number):
                        if not self._range_for(left.name, bounds).restrict(op, right.value):
                            return False
                    elif isinstance(left, Number) and isinstance(right, Name):
                        if not self._range_for(right.name, bounds).restrict(_FLIP[op], left.value):
                            return False
                    elif isinstance(left, Number) and isinstance(right, Number):
                        if not _COMPARE_NUMBERS[op](left.value, right.value):
                            return False
                case Chose(role, choice):
                    if positive:
                        if scene.choice(role, choice) is None:
                            return False
                        if chosen.setdefault(role, choice) != choice or (role, choice) in not_chosen:
                            return False
                    else:
                        if chosen.get(role) == choice:
                            return False
                        not_chosen.add((role, choice))
                case Knows(role, info):
                    if positive and role not in self.can_know.get(info, set()):
                        return False
        if len(owner_is) > 1 or owner_is & owner_not:
            return False
        if owner_is and not owner_is <= self.possible_owners:
            return False
        return True

    def _range_for(self, name: str, bounds: dict[str, _Range]) -> _Range:
        if name not in bounds:
            if name == "bti":
                levels = sorted(self.bti_levels)
                bounds[name] = _Range(levels[0], levels[-1], allowed=set(levels))
            elif name in self.counter_ranges:
                lo, hi = self.counter_ranges[name]
                bounds[name] = _Range(lo, hi)
            else:
                bounds[name] = _Range(0, 1 if name in self.flag_true_possible else 0)
        return bounds[name]


class _Range:
    """A set of whole numbers between lo and hi, minus exclusions, narrowed by comparisons."""

    def __init__(self, lo: float, hi: float, allowed: set[int] | None = None) -> None:
        self.lo, self.hi = lo, hi
        self.allowed = allowed
        self.excluded: set[int] = set()

    def restrict(self, op: str, n: int) -> bool:
        if op == "==":
            self.lo, self.hi = max(self.lo, n), min(self.hi, n)
        elif op == "!=":
            self.excluded.add(n)
        elif op == "<":
            self.hi = min(self.hi, n - 1)
        elif op == "<=":
            self.hi = min(self.hi, n)
        elif op == ">":
            self.lo = max(self.lo, n + 1)
        elif op == ">=":
            self.lo = max(self.lo, n)
        return self.possible()

    def possible(self) -> bool:
        if self.lo > self.hi:
            return False
        if self.allowed is not None:
            return any(self.lo <= v <= self.hi and v not in self.excluded for v in self.allowed)
        if math.isinf(self.lo) or math.isinf(self.hi) or self.hi - self.lo > len(self.excluded):
            return True
        return any(v not in self.excluded for v in range(int(self.lo), int(self.hi) + 1))


_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_COMPARE_NUMBERS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def dnf(condition: Condition, positive: bool) -> list[list[tuple[Condition, bool]]] | None:
    """Disjunctive normal form as lists of (atom, polarity); None when it grows too large."""
    match condition:
        case Not(operand):
            return dnf(operand, not positive)
        case And(operands) | Or(operands):
            conjunctive = isinstance(condition, And) == positive
            parts = [dnf(o, positive) for o in operands]
            if any(p is None for p in parts):
                return None
            if not conjunctive:
                merged = [term for part in parts for term in part]  # type: ignore[union-attr]
                return merged if len(merged) <= MAX_DNF_TERMS else None
            product: list[list[tuple[Condition, bool]]] = [[]]
            for part in parts:
                product = [a + b for a in product for b in part]  # type: ignore[union-attr]
                if len(product) > MAX_DNF_TERMS:
                    return None
            return product
        case _:
            return [[(condition, positive)]]


def _names(condition: Condition) -> Iterator[Name]:
    match condition:
        case Name():
            yield condition
        case Not(operand):
            yield from _names(operand)
        case And(operands) | Or(operands):
            for operand in operands:
                yield from _names(operand)
        case Compare(_, left, right):
            for side in (left, right):
                if isinstance(side, Name):
                    yield side
