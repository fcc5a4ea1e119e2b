"""The explorer: walk the team's combined choices to find which scenes and endings can be reached.

Small spaces are searched exhaustively over distinct team states (two paths that lead to the same
state are explored once). Large ones are sampled: the expert path, every path that leaves it at one
choice, then seeded random play; the report says which.
Within a scene the roles choose in the order the scenario lists them; manual injects are not fired,
and injects timed to a scene fire when the scene starts.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from scenarios.model import Scenario
from scenarios.play import State
from scenarios.play import apply
from scenarios.play import available_choices
from scenarios.play import initial_state

MAX_STATES = 20_000
# How many team choice combinations the exhaustive search may try before it falls back to sampling;
# at about 0.07 ms per choice this keeps the exhaustive attempt to a few seconds.
MAX_COMBINATIONS = 30_000


@dataclass(frozen=True)
class ExploreReport:
    exhaustive: bool
    paths: int
    states: int
    endings_reached: tuple[str, ...]
    endings_unreached: tuple[str, ...]
    scenes_reached: tuple[str, ...]
    scenes_unreached: tuple[str, ...]
    ending_counts: dict[str, int] = field(default_factory=dict)
    path_length_min: int = 0
    path_length_max: int | None = 0
    path_length_mean: float = 0.0
    stuck_paths: int = 0
    cyclic: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "exhaustive": self.exhaustive,
            "paths": self.paths,
            "states": self.states,
            "endings_reached": list(self.endings_reached),
            "endings_unreached": list(self.endings_unreached),
            "scenes_reached": list(self.scenes_reached),
            "scenes_unreached": list(self.scenes_unreached),
            "ending_counts": dict(self.ending_counts),
            "path_length": {
                "min": self.path_length_min,
                "max": self.path_length_max,
                "mean": round(self.path_length_mean, 2),
            },
            "stuck_paths": self.stuck_paths,
            "cyclic": self.cyclic,
        }


def explore(
    scenario: Scenario,
    samples: int = 5_000,
    seed: int = 1,
    max_states: int = MAX_STATES,
    max_combinations: int = MAX_COMBINATIONS,
) -> ExploreReport:
    """Explore exhaustively when the space is small enough, else sample `samples` seeded random paths."""
    graph = _state_graph(scenario, max_states, max_combinations)
    if graph is not None:
        return _exhaustive_report(scenario, *graph)
    return _sampled_report(scenario, samples, seed)


def _key(state: State) -> str:
    """Identify a state by what can influence the rest of the drill, not by its history."""
    return json.dumps(
        [
            state["scene"],
            state["status"],
            state["ending"],
            sorted(k for k, v in state["flags"].items() if v),
            sorted(state["counters"].items()),
            state["bti"],
            sorted(state["owners"]),
            sorted((h["from"], h["to"]) for h in state["handovers"] if h["status"] == "open"),
            {role: sorted(items) for role, items in sorted(state["knowledge"].items())},
            sorted(state["injects_fired"]),
        ],
        ensure_ascii=False,
    )


def _enter(scenario: Scenario, state: State) -> State:
    """Fire the scene's timed injects, as the drill clock would during the scene."""
    for inject in scenario.injects:
        trigger = inject.trigger
        if (
            trigger.kind == "scene"
            and trigger.scene == state["scene"]
            and trigger.after_minutes
            and inject.id not in state["injects_fired"]
        ):
            state = apply(scenario, state, {"type": "inject", "inject": inject.id})
    return state


def _successors(scenario: Scenario, state: State) -> Iterator[State]:
    """Every state the team can reach by the end of the current scene."""
    state = _enter(scenario, state)
    scene = scenario.scene(state["scene"])
    roles = list(scene.active_roles) if scene else []
    yield from _choose_all(scenario, state, roles, state["round"])


def _choose_all(scenario: Scenario, state: State, roles: list[str], round_: int) -> Iterator[State]:
    if state["status"] != "running" or state["round"] != round_:
        yield state
        return
    if not roles:
        yield apply(scenario, state, {"type": "timeout"})
        return
    role, rest = roles[0], roles[1:]
    options = available_choices(scenario, state, role)
    if not options:
        yield from _choose_all(scenario, state, rest, round_)
        return
    for choice in options:
        after = apply(scenario, state, {"type": "choose", "role": role, "choice": choice.id})
        yield from _choose_all(scenario, after, rest, round_)


def _state_graph(scenario: Scenario, max_states: int, max_combinations: int):
    start = initial_state(scenario)
    combinations = 0
    start_key = _key(start)
    states: dict[str, State] = {start_key: start}
    edges: dict[str, Counter[str]] = {}
    queue = [start_key]
    while queue:
        key = queue.pop()
        state = states[key]
        out: Counter[str] = Counter()
        if state["status"] == "running":
            for successor in _successors(scenario, state):
                combinations += 1
                if combinations > max_combinations:
                    return None
                successor_key = _key(successor)
                out[successor_key] += 1
                if successor_key not in states:
                    states[successor_key] = successor
                    queue.append(successor_key)
                    if len(states) > max_states:
                        return None
        edges[key] = out
    return start_key, states, edges


def _exhaustive_report(scenario: Scenario, start_key: str, states: dict[str, State], edges) -> ExploreReport:
    scenes_reached = {s["scene"] for s in states.values()}
    endings_reached = {s["ending"] for s in states.values() if s["status"] == "ended" and s["ending"]}

    # Path statistics by memoised depth-first search over the state graph; a back edge means a cycle.
    memo: dict[str, tuple[Counter[str], int, int | None, int]] = {}
    on_path: set[str] = set()
    cyclic = False
    stack: list[tuple[str, bool]] = [(start_key, False)]
    while stack:
        key, done = stack.pop()
        if done:
            on_path.discard(key)
            counts: Counter[str] = Counter()
            lo, hi, total_len = 10**9, 0, 0
            state = states[key]
            if state["status"] == "ended":
                ending = state["ending"] or "(stuck)"
                memo[key] = (Counter({ending: 1}), 0, 0, 0)
                continue
            has_child = False
            for child, multiplicity in edges.get(key, {}).items():
                if child not in memo:
                    continue  # a back edge in a cycle
                has_child = True
                c_counts, c_lo, c_hi, c_len = memo[child]
                n = sum(c_counts.values())
                for ending, count in c_counts.items():
                    counts[ending] += count * multiplicity
                lo = min(lo, c_lo + 1)
                hi = None if hi is None or c_hi is None else max(hi, c_hi + 1)
                total_len += (c_len + n) * multiplicity
            memo[key] = (counts, lo if has_child else 0, hi if has_child else 0, total_len)
            continue
        if key in memo:
            continue
        if key in on_path:
            cyclic = True
            continue
        on_path.add(key)
        stack.append((key, True))
        for child in edges.get(key, {}):
            if child in on_path:
                cyclic = True
            elif child not in memo:
                stack.append((child, False))
    counts, lo, hi, total_len = memo[start_key]
    paths = sum(counts.values())
    stuck = counts.pop("(stuck)", 0)
    return _report(
        scenario,
        exhaustive=True,
        paths=paths,
        states=len(states),
        scenes_reached=scenes_reached,
        endings_reached=endings_reached,
        ending_counts=dict(counts),
        lengths=(lo, None if cyclic else hi, total_len / paths if paths else 0.0),
        stuck=stuck,
        cyclic=cyclic,
    )


Policy = Callable[[int, str, list], object]


def _play_path(scenario: Scenario, policy: Policy, max_rounds: int) -> State:
    """Play one drill to its end, letting `policy(round, role, options)` pick each role's choice."""
    state = initial_state(scenario)
    while state["status"] == "running" and state["round"] <= max_rounds:
        state = _enter(scenario, state)
        scene = scenario.scene(state["scene"])
        round_ = state["round"]
        for role in scene.active_roles:
            if state["status"] != "running" or state["round"] != round_:
                break
            options = available_choices(scenario, state, role)
            if options:
                choice = policy(round_, role, options)
                state = apply(scenario, state, {"type": "choose", "role": role, "choice": choice.id})
        if state["status"] == "running" and state["round"] == round_:
            state = apply(scenario, state, {"type": "timeout"})
    return state


def _expert(options: list) -> object:
    return next((c for c in options if c.expert), options[0])


def _guided_policies(scenario: Scenario, max_rounds: int) -> Iterator[Policy]:
    """The expert path, then every path that leaves it at exactly one choice.

    Good endings usually need many right choices in a row, which random play rarely finds; the
    expert path and its one-step neighbours reach them deterministically.
    """
    yield lambda round_, role, options: _expert(options)
    expert_end = _play_path(scenario, lambda r, role, options: _expert(options), max_rounds)
    for visit in expert_end["history"]:
        scene = scenario.scene(visit["scene"])
        for role in scene.active_roles if scene else ():
            section = scene.section(role)
            for alternative in section.choices:
                if alternative.id == visit["chosen"].get(role):
                    continue

                def policy(r, who, options, at=visit["round"], target=role, pick=alternative.id):
                    if r == at and who == target:
                        return next((c for c in options if c.id == pick), _expert(options))
                    return _expert(options)

                yield policy


def _sampled_report(scenario: Scenario, samples: int, seed: int) -> ExploreReport:
    rng = random.Random(seed)
    max_rounds = 10 * max(1, len(scenario.scenes))
    scenes_reached: set[str] = set()
    counts: Counter[str] = Counter()
    lengths: list[int] = []
    stuck = 0
    guided = list(_guided_policies(scenario, max_rounds))
    randomly: Policy = lambda round_, role, options: rng.choice(options)  # noqa: E731
    for policy in [*guided, *([randomly] * samples)]:
        state = _play_path(scenario, policy, max_rounds)
        scenes_reached.update(visit["scene"] for visit in state["history"])
        scenes_reached.add(state["scene"])
        if state["status"] == "ended" and state["ending"]:
            counts[state["ending"]] += 1
            lengths.append(len(state["history"]))
        else:
            stuck += 1
    return _report(
        scenario,
        exhaustive=False,
        paths=len(guided) + samples,
        states=0,
        scenes_reached=scenes_reached,
        endings_reached=set(counts),
        ending_counts=dict(counts),
        lengths=(
            min(lengths, default=0),
            max(lengths, default=0),
            sum(lengths) / len(lengths) if lengths else 0.0,
        ),
        stuck=stuck,
        cyclic=False,
    )


def _report(
    scenario: Scenario,
    *,
    exhaustive,
    paths,
    states,
    scenes_reached,
    endings_reached,
    ending_counts,
    lengths,
    stuck,
    cyclic,
) -> ExploreReport:
    all_scenes = [s.id for s in scenario.scenes]
    all_endings = [e.id for e in scenario.endings]
    return ExploreReport(
        exhaustive=exhaustive,
        paths=paths,
        states=states,
        endings_reached=tuple(e for e in all_endings if e in endings_reached),
        endings_unreached=tuple(e for e in all_endings if e not in endings_reached),
        scenes_reached=tuple(s for s in all_scenes if s in scenes_reached),
        scenes_unreached=tuple(s for s in all_scenes if s not in scenes_reached),
        ending_counts={e: ending_counts[e] for e in all_endings if e in ending_counts},
        path_length_min=lengths[0],
        path_length_max=lengths[1],
        path_length_mean=lengths[2],
        stuck_paths=stuck,
        cyclic=cyclic,
    )
