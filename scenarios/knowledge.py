"""What each role surely knows when a scene starts, on every path the team can take (for SC033).

A forward "must know" analysis over the scene graph: a role surely knows an item at a scene when it
holds it from the start, or when on every way into the scene some earlier choice gave it to the role.
The choices in a scene are combined role by role; a transition only counts the combinations its
condition allows (flags set in the scene, `valgte`, and `vet` in the condition), so a share that is
only reached after the item was given is not reported. When a role may lack the item, the analysis
names one path that gets there without it.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from functools import cached_property

from scenarios.analysis import Facts
from scenarios.analysis import dnf
from scenarios.model import Choice
from scenarios.model import Chose
from scenarios.model import Condition
from scenarios.model import Const
from scenarios.model import Knows
from scenarios.model import Name
from scenarios.model import Scenario
from scenarios.model import Scene

Pair = tuple[str, str]  # (role, info)
Step = tuple[str, list[tuple[str, str]]]  # a scene and the (role, choice) picks made there
MAX_COMBINATIONS = 4096


@dataclass(frozen=True)
class _Combo:
    """One choice per active role in a scene (None: the role had nothing it could choose)."""

    chosen: dict[str, Choice | None]
    sets: frozenset[str]
    clears: frozenset[str]
    shares: tuple[tuple[str, str, str], ...]  # (sender, info, receiver)
    given: frozenset[Pair]  # (receiver, info) of every share, whoever knows it


@dataclass(frozen=True)
class _Way:
    """One way out of a scene: a term of a transition's condition, the combinations it allows."""

    target: str
    combos: tuple[_Combo, ...]
    learns: frozenset[Pair]  # what a `vet` in the condition guarantees on this way


class Knowledge:
    """Must-know sets at scene entry, computed once per scenario."""

    def __init__(self, scenario: Scenario, facts: Facts | None = None) -> None:
        self.s = scenario
        self.facts = facts or Facts(scenario)
        self._trees: dict[Pair, dict[str, tuple[str, _Way] | None]] = {}
        self._prefixes: dict[tuple[str, str, str], tuple[Step, ...]] = {}

    @cached_property
    def _combos(self) -> dict[str, tuple[_Combo, ...] | None]:
        """Every combination of the active roles' choices per scene; None when there are too many."""
        result: dict[str, tuple[_Combo, ...] | None] = {}
        for scene in self.s.scenes:
            options: list[list[tuple[str, Choice | None]]] = []
            for section in scene.roles:
                if section.passive or not section.choices:
                    continue
                possible = self.facts.satisfiable
                usable = [c for c in section.choices if c.requires is None or possible(c.requires, scene)]
                row: list[tuple[str, Choice | None]] = [(section.role, c) for c in usable]
                if not usable or all(c.requires is not None for c in usable):
                    row.append((section.role, None))
                options.append(row)
            size = 1
            for row in options:
                size *= len(row)
            if size > MAX_COMBINATIONS:
                result[scene.id] = None
                continue
            parts = {id(c): _Parts.of(c) for row in options for _, c in row if c is not None}
            result[scene.id] = tuple(_combo(dict(pick), parts) for pick in itertools.product(*options))
        return result

    @cached_property
    def _may_be_set(self) -> dict[str, set[str]]:
        """Flags and counters that may already be set when each scene starts."""
        sets_in = {
            s.id: {a.name for r in s.roles for c in r.choices for a in c.sets if a.op != "clear"}
            for s in self.s.scenes
        }
        before: dict[str, set[str]] = {s.id: set() for s in self.s.scenes}
        changed = True
        while changed:
            changed = False
            for scene in self.s.scenes:
                out = before[scene.id] | sets_in[scene.id]
                for edge in self.facts.edges.get(scene.id, []):
                    if edge.target in before and not out <= before[edge.target]:
                        before[edge.target] |= out
                        changed = True
        return before

    @cached_property
    def _ways(self) -> dict[str, list[_Way]]:
        ways: dict[str, list[_Way]] = {}
        for scene in self.s.scenes:
            combos = self._combos[scene.id]
            out = ways.setdefault(scene.id, [])
            for _, transition in self.facts.usable_transitions(scene):
                if self.s.scene(transition.target) is None:
                    continue
                terms = dnf(transition.condition, True) if transition.condition is not None else [[]]
                for term in terms or [[]]:
                    allowed = (
                        tuple(c for c in combos if self._allows(term, c, scene))
                        if combos is not None and terms is not None
                        else ()
                    )
                    if combos is not None and terms is not None and not allowed:
                        continue  # this way out can never be taken
                    learns = frozenset(
                        (atom.role, atom.info) for atom, yes in term if isinstance(atom, Knows) and yes
                    )
                    out.append(_Way(transition.target, allowed, learns))
        return ways

    def _allows(self, term: list[tuple[Condition, bool]], combo: _Combo, scene: Scene) -> bool:
        """Can this combination of choices make the term true? Unknown atoms count as possible."""
        for atom, positive in term:
            match atom:
                case Const(value) if value != positive:
                    return False
                case Name(name) if name != "owner":
                    if positive and name not in combo.sets and name not in self._may_be_set[scene.id]:
                        return False
                    if not positive and name in combo.sets and name not in combo.clears:
                        return False
                case Chose(role, choice):
                    picked = combo.chosen.get(role)
                    if (picked is not None and picked.id == choice) != positive:
                        return False
        return True

    def _gain(self, way: _Way, known: frozenset[Pair]) -> frozenset[Pair]:
        """What every combination allowed on this way surely teaches, given what the senders know."""
        gained: frozenset[Pair] | None = None
        for combo in way.combos:
            taught = frozenset((to, info) for sender, info, to in combo.shares if (sender, info) in known)
            gained = taught if gained is None else gained & taught
        return (gained or frozenset()) | way.learns

    def _teaches(self, way: _Way, known: frozenset[Pair], role: str, info: str) -> bool:
        """Does every combination allowed on this way give the item to the role? (`_gain` for one pair.)"""
        if (role, info) in way.learns:
            return True
        if not way.combos:
            return False
        return all(
            any(i == info and to == role and (sender, info) in known for sender, i, to in combo.shares)
            for combo in way.combos
        )

    @cached_property
    def _entry_reveals(self) -> dict[str, frozenset[Pair]]:
        """Items revealed by injects tied to a scene; like the explorer, a timed inject counts as fired."""
        reveals: dict[str, set[Pair]] = {}
        for inject in self.s.injects:
            trigger = inject.trigger
            if trigger.kind == "scene" and trigger.scene:
                for info in inject.reveals:
                    for role in inject.to or self.s.role_ids:
                        reveals.setdefault(trigger.scene, set()).add((role, info))
        return {scene: frozenset(pairs) for scene, pairs in reveals.items()}

    @cached_property
    def at_entry(self) -> dict[str, frozenset[Pair]]:
        """For each reachable scene, the (role, item) pairs true on every way into it."""
        start = self.s.start
        if start is None:
            return {}
        holders = frozenset((role, info.id) for info in self.s.infos for role in info.holders)
        reveals = self._entry_reveals
        known: dict[str, frozenset[Pair]] = {start.id: holders | reveals.get(start.id, frozenset())}
        work = [start.id]
        while work:
            scene_id = work.pop()
            for way in self._ways.get(scene_id, []):
                out = known[scene_id] | self._gain(way, known[scene_id])
                if way.target == start.id:
                    out |= holders
                old = known.get(way.target)
                new = (out if old is None else old & out) | reveals.get(way.target, frozenset())
                if new != old:
                    known[way.target] = new
                    work.append(way.target)
        return known

    def path_without(self, role: str, info: str, scene_id: str) -> list[Step] | None:
        """A shortest way to the scene on which the role never got the item, as (scene, choices made there).

        None when the role surely knows it there (or the scene is never reached).
        """
        known = self.at_entry
        if scene_id not in known or (role, info) in known[scene_id]:
            return None
        parent = self._parents_without(role, info)
        if scene_id not in parent:
            return [(scene_id, [])]
        return [*self._steps_to(role, info, scene_id), (scene_id, [])]

    def _steps_to(self, role: str, info: str, scene_id: str) -> tuple[Step, ...]:
        """The steps before the scene on its tree path, shared by every scene further down that path."""
        key = (role, info, scene_id)
        cached = self._prefixes.get(key)
        if cached is not None:
            return cached
        parent = self._parents_without(role, info)
        chain: list[str] = []
        node = scene_id
        while parent[node] is not None and (role, info, node) not in self._prefixes:
            chain.append(node)
            node = parent[node][0]
        steps = self._prefixes.get((role, info, node), ())
        for child in reversed(chain):
            previous, way = parent[child]
            steps = (*steps, (previous, self._avoiding_choices(way, role, info)))
            self._prefixes[(role, info, child)] = steps
        self._prefixes.setdefault(key, steps)
        return steps

    def _parents_without(self, role: str, info: str) -> dict[str, tuple[str, _Way] | None]:
        """A breadth-first tree of the scenes reachable while the role lacks the item, one per pair.

        SC033 asks about many scenes for the same (role, item); searching once per pair instead of
        once per scene keeps a 300-scene scenario's check well under a second.
        """
        cached = self._trees.get((role, info))
        if cached is not None:
            return cached
        known = self.at_entry
        start = self.s.start.id
        parent: dict[str, tuple[str, _Way] | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if (role, info) in known[current] and current != start:
                continue
            for way in self._ways.get(current, []):
                if way.target in parent or self._teaches(way, known[current], role, info):
                    continue
                parent[way.target] = (current, way)
                queue.append(way.target)
        self._trees[(role, info)] = parent
        return parent

    def _avoiding_choices(self, way: _Way, role: str, info: str) -> list[tuple[str, str]]:
        """The choices, in one allowed combination, of roles that could have given the item but did not."""
        combo = next((c for c in way.combos if (role, info) not in c.given), None)
        if combo is None:
            return []
        givers = self._givers.get((role, info), frozenset())
        return [(who, c.id) for who, c in combo.chosen.items() if who in givers and c is not None]

    @cached_property
    def _givers(self) -> dict[tuple[str, str], frozenset[str]]:
        """For each (receiving role, item), the roles with a choice anywhere that shares it: built once."""
        givers: dict[tuple[str, str], set[str]] = {}
        for scene in self.s.scenes:
            for entry in scene.roles:
                for choice in entry.choices:
                    for share in choice.shares:
                        for to in share.to:
                            for info in share.infos:
                                givers.setdefault((to, info), set()).add(choice.role)
        return {key: frozenset(roles) for key, roles in givers.items()}


def _combo(chosen: dict[str, Choice | None], parts: dict[int, _Parts]) -> _Combo:
    picked = [parts[id(c)] for c in chosen.values() if c is not None]
    shares = tuple(share for part in picked for share in part.shares)
    return _Combo(
        chosen=chosen,
        sets=frozenset().union(*(part.sets for part in picked)),
        clears=frozenset().union(*(part.clears for part in picked)),
        shares=shares,
        given=frozenset((to, info) for _, info, to in shares),
    )


@dataclass(frozen=True)
class _Parts:
    """What one choice sets, clears and shares, worked out once and reused in every combination."""

    sets: frozenset[str]
    clears: frozenset[str]
    shares: tuple[tuple[str, str, str], ...]

    @classmethod
    def of(cls, choice: Choice) -> _Parts:
        return cls(
            sets=frozenset(a.name for a in choice.sets if a.op != "clear"),
            clears=frozenset(a.name for a in choice.sets if a.op == "clear"),
            shares=tuple((choice.role, i, to) for s in choice.shares for i in s.infos for to in s.to),
        )


def guaranteed_by(condition: Condition | None, role: str, info: str) -> bool:
    """True when a choice's `Krever` makes sure the role knows the item (every way it can be true)."""
    if condition is None:
        return False
    terms = dnf(condition, True)
    return bool(terms) and all(any(a == Knows(role, info) and p for a, p in term) for term in terms)
