"""Measure monotonicity: does "one more role takes the expert choice in one scene" ever lower the total?

Set-up. Team paths are sampled as the explorer samples them (`scenarios.explore`): scene by scene,
each active role in the scenario's order takes a uniformly random open choice (seeded), timed
injects fire when the scene starts, manual injects are not fired, and a scene that is not over when
every role has had its turn times out. Checkpoints get the expert answer (they weigh only in the
alignment dimension, which is outside the total). For every sampled path and every role turn where
the role's expert choice was open but the role took another, the path is replayed with that one
choice switched to the expert's. Every other role keeps its sampled choice wherever it is still open
(same scene id); in a scene the original path never reached, or where the sampled choice is no longer
open, the role takes a random open choice from a generator seeded by (seed, scene, role), so the
variant differs from the original only where the switch forces it. Both paths are scored with
`score_drill`; the switch is *monotone* when the total does not go down.

Prints per scenario the comparisons made, the rate of monotone switches (also among switches that
leave the path of scenes unchanged) and every exception with scene, role, from-choice, to-choice and
the totals before and after. Exits 1 when it measured nothing.
Run: `python bench/monotonicity.py [samples per scenario] [seed] [scenario.md …]`.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenarios.check import check_file  # noqa: E402
from scenarios.model import Choice  # noqa: E402
from scenarios.model import Scenario  # noqa: E402
from scenarios.play import available_choices  # noqa: E402
from scenarios.profiles import SECONDS_PER_CHOICE  # noqa: E402
from scenarios.profiles import SECONDS_PER_TIMEOUT  # noqa: E402
from scenarios.profiles import Playthrough  # noqa: E402
from scoring import score_drill  # noqa: E402
from scoring.model import DrillLog  # noqa: E402

LIBRARY = ROOT / "scenarios" / "library"

# policy(scene id, role, open choices) -> the choice the role takes
Policy = Callable[[str, str, list[Choice]], Choice]


@dataclass(frozen=True)
class Switch:
    """One role turn where the expert choice was open and the role took another."""

    scene: str
    role: str
    chosen: str
    expert: str


@dataclass(frozen=True)
class Comparison:
    """A sampled path and the same path with one role switched to the expert choice, scored."""

    switch: Switch
    before: float
    after: float
    same_scenes: bool
    changes: tuple[tuple[str, float], ...] = ()  # dimensions that moved, with how much, largest drop first

    @property
    def monotone(self) -> bool:
        return self.after >= self.before


@dataclass
class ScenarioResult:
    scenario: str
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        if not self.comparisons:
            return None
        return sum(c.monotone for c in self.comparisons) / len(self.comparisons)

    @property
    def exceptions(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.monotone]


def play(scenario: Scenario, policy: Policy) -> tuple[list[dict], list[Switch], list[str]]:
    """Play one path: the events, the switchable role turns, and the scenes visited in order."""
    run = Playthrough(scenario)
    switches: list[Switch] = []
    scenes: list[str] = []
    while run.state["status"] == "running" and run.state["round"] <= run.round_limit:
        round_ = run.state["round"]
        scene = run.scene
        scenes.append(scene.id)
        run.fire_timed_injects()
        run.answer_checkpoints(scenario.role_ids)
        for role in scene.active_roles:
            if not run.running_in(round_):
                break
            options = available_choices(scenario, run.state, role)
            if not options:
                continue
            choice = policy(scene.id, role, options)
            expert = next((c for c in options if c.expert), None)
            if expert is not None and choice.id != expert.id:
                switches.append(Switch(scene.id, role, choice.id, expert.id))
            event = {"type": "choose", "role": role, "choice": choice.id, "scene": scene.id}
            run.play(event, SECONDS_PER_CHOICE)
        if run.running_in(round_):
            run.play({"type": "timeout"}, SECONDS_PER_TIMEOUT)
    return run.events, switches, scenes


def _scores(scenario: Scenario, events: list[dict]) -> tuple[float, dict[str, float | None]]:
    report = score_drill(scenario, DrillLog.of(events))
    return (0.0 if report.total is None else report.total), report.scores


def _changes(
    before: dict[str, float | None], after: dict[str, float | None]
) -> tuple[tuple[str, float], ...]:
    moved = [
        (name, round((after.get(name) or 0.0) - (score or 0.0), 1))
        for name, score in before.items()
        if after.get(name) != score
    ]
    return tuple(sorted((m for m in moved if m[1]), key=lambda m: m[1]))


def _replay_policy(sampled: dict[tuple[str, str], str], switch: Switch, seed: int) -> Policy:
    def policy(scene: str, role: str, options: list[Choice]) -> Choice:
        wanted = switch.expert if (scene, role) == (switch.scene, switch.role) else sampled.get((scene, role))
        found = next((c for c in options if c.id == wanted), None)
        return found or random.Random(f"{seed}:{scene}:{role}").choice(options)

    return policy


def measure(scenario: Scenario, samples: int, seed: int, max_switches: int | None = None) -> ScenarioResult:
    """Sample ``samples`` paths and compare each with its one-switch-to-expert variants."""
    rng = random.Random(seed)
    result = ScenarioResult(scenario.meta.id)
    for _ in range(samples):
        sampled: dict[tuple[str, str], str] = {}

        def randomly(scene: str, role: str, options: list[Choice], sampled=sampled) -> Choice:
            choice = rng.choice(options)
            sampled.setdefault((scene, role), choice.id)
            return choice

        events, switches, scenes = play(scenario, randomly)
        before, dimensions = _scores(scenario, events)
        for switch in switches[:max_switches]:
            variant, _, variant_scenes = play(scenario, _replay_policy(sampled, switch, seed))
            after, moved = _scores(scenario, variant)
            changes = _changes(dimensions, moved)
            result.comparisons.append(Comparison(switch, before, after, variant_scenes == scenes, changes))
    return result


def report(result: ScenarioResult) -> list[str]:
    """Lines describing one scenario's measurement."""
    n = len(result.comparisons)
    if not n:
        return [f"{result.scenario}: nothing measured"]
    same = [c for c in result.comparisons if c.same_scenes]
    same_rate = sum(c.monotone for c in same) / len(same) if same else None
    lines = [
        f"{result.scenario}: {n} switches, monotone {result.rate:.1%}"
        + (f"; with the same scenes {len(same)} switches, monotone {same_rate:.1%}" if same else ""),
    ]
    seen: set[tuple[str, str, str, str]] = set()
    for c in sorted(result.exceptions, key=lambda c: c.after - c.before):
        key = (c.switch.scene, c.switch.role, c.switch.chosen, c.switch.expert)
        repeat = key in seen
        seen.add(key)
        lines.append(
            f"  {'(again) ' if repeat else ''}{c.switch.scene} / {c.switch.role}: {c.switch.chosen} -> "
            f"{c.switch.expert}: {c.before:.1f} -> {c.after:.1f}"
            + ("" if c.same_scenes else " (path of scenes changed)")
            + (f" [{', '.join(f'{name} {delta:+.1f}' for name, delta in c.changes)}]" if c.changes else "")
        )
    return lines


def main(argv: list[str]) -> int:
    samples = int(argv[0]) if argv else 20
    seed = int(argv[1]) if len(argv) > 1 else 1
    paths = [Path(p) for p in argv[2:]] or sorted(LIBRARY.glob("*.md"))
    measured = 0
    print(f"Monotonicity over {samples} sampled paths per scenario (seed {seed})")
    for path in paths:
        checked = check_file(path)
        if checked.scenario is None or not checked.ok:
            print(f"{path}: has errors, skipped")
            continue
        result = measure(checked.scenario, samples, seed)
        measured += len(result.comparisons)
        print("\n".join(report(result)))
    return 0 if measured else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
