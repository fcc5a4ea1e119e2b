"""Reference drills played by machine: the expert path and seeded random paths, as event lists.

The expert path is what the scenario authors recommend: in every scene each active role takes its
`.ekspert` choice as soon as it is open (roles whose expert choice depends on another role's choice
wait for it), every role answers each checkpoint with the expert answer, and timed injects fire when
the scene starts. If a role's expert choice never opens, it takes its first open choice. Scoring the
expert path is the natural ceiling for a scenario, and solo practice can fill absent roles from it.

`expert_first_owner_day` is the reference the ownership dimension measures baton timing against; it
is computed once per scenario object and cached (keyed by identity, dropped with the scenario).
"""

from __future__ import annotations

import random
import weakref
from typing import Any

from scenarios.model import Scenario
from scenarios.play import State
from scenarios.play import apply
from scenarios.play import available_choices
from scenarios.play import initial_state
from scoring.model import DrillLog
from scoring.timeline import build_timeline

Event = dict[str, Any]


class _Player:
    """Apply events while recording them with a running clock."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.state: State = initial_state(scenario)
        self.events: list[Event] = []
        self.clock = 0.0

    def play(self, event: Event, seconds: float) -> None:
        self.clock += seconds
        event = {**event, "at": round(self.clock, 1)}
        self.state = apply(self.scenario, self.state, event)
        self.events.append(event)

    def running_in(self, round_: int) -> bool:
        return self.state["status"] == "running" and self.state["round"] == round_

    def fire_timed_injects(self) -> None:
        for inject in self.scenario.injects:
            trigger = inject.trigger
            if (
                trigger.kind == "scene"
                and trigger.scene == self.state["scene"]
                and trigger.after_minutes
                and inject.id not in self.state["injects_fired"]
            ):
                self.play({"type": "inject", "inject": inject.id}, 5.0)


def expert_events(
    scenario: Scenario, *, seconds_per_choice: float = 45.0, answer: bool = True
) -> list[Event]:
    """The events of a drill in which every role follows the expert path."""
    player = _Player(scenario)
    limit = 10 * max(1, len(scenario.scenes))
    while player.state["status"] == "running" and player.state["round"] <= limit:
        round_ = player.state["round"]
        scene = scenario.scene(player.state["scene"])
        player.fire_timed_injects()
        if answer and scene is not None:
            for checkpoint in scene.checkpoints:
                option = checkpoint.answer or checkpoint.options[0].id
                for role in scenario.role_ids:
                    player.play(
                        {"type": "answer", "role": role, "checkpoint": checkpoint.id, "option": option}, 5.0
                    )
        pending = list(scene.active_roles) if scene else []
        progress = True
        while pending and progress and player.running_in(round_):
            progress = False
            for role in list(pending):
                if not player.running_in(round_):
                    break
                expert = next((c for c in available_choices(scenario, player.state, role) if c.expert), None)
                if expert is not None:
                    player.play(
                        {"type": "choose", "role": role, "choice": expert.id, "scene": scene.id},
                        seconds_per_choice,
                    )
                    pending.remove(role)
                    progress = True
        for role in pending:
            if not player.running_in(round_):
                break
            options = available_choices(scenario, player.state, role)
            if options:
                player.play(
                    {"type": "choose", "role": role, "choice": options[0].id, "scene": scene.id},
                    seconds_per_choice,
                )
        if player.running_in(round_):
            player.play({"type": "timeout"}, 1.0)
    return player.events


def random_events(
    scenario: Scenario,
    rng: random.Random,
    *,
    skip: float = 0.1,
    answer: float = 0.8,
    inject: float = 0.1,
) -> list[Event]:
    """A random but valid drill: roles in random order pick random open choices, some skip, some answer.

    :param skip: chance that a role does not choose in a scene (it then times out)
    :param answer: chance that a role answers a checkpoint, with a random option
    :param inject: chance per scene that the facilitator fires a random manual inject
    """
    player = _Player(scenario)
    limit = 10 * max(1, len(scenario.scenes))
    manual = [i.id for i in scenario.injects if i.trigger.kind == "manual"]
    while player.state["status"] == "running" and player.state["round"] <= limit:
        round_ = player.state["round"]
        scene = scenario.scene(player.state["scene"])
        if rng.random() < 0.8:
            player.fire_timed_injects()
        unfired = [i for i in manual if i not in player.state["injects_fired"]]
        if unfired and rng.random() < inject:
            player.play({"type": "inject", "inject": rng.choice(unfired)}, rng.uniform(1, 30))
        for checkpoint in scene.checkpoints if scene else ():
            for role in scenario.role_ids:
                if rng.random() < answer:
                    option = rng.choice(checkpoint.options).id
                    player.play(
                        {"type": "answer", "role": role, "checkpoint": checkpoint.id, "option": option},
                        rng.uniform(1, 20),
                    )
        roles = list(scene.active_roles) if scene else []
        rng.shuffle(roles)
        for role in roles:
            if not player.running_in(round_):
                break
            options = available_choices(scenario, player.state, role)
            if options and rng.random() >= skip:
                choice = rng.choice(options)
                player.play(
                    {"type": "choose", "role": role, "choice": choice.id, "scene": scene.id},
                    rng.uniform(5, 240),
                )
        if player.running_in(round_):
            player.play({"type": rng.choice(["timeout", "advance"])}, rng.uniform(1, 60))
    return player.events


_OWNER_DAY: dict[int, tuple[weakref.ref, int | None]] = {}


def expert_first_owner_day(scenario: Scenario) -> int | None:
    """The case day on which the expert path first has a baton holder (None if it never has one)."""
    cached = _OWNER_DAY.get(id(scenario))
    if cached is not None and cached[0]() is scenario:
        return cached[1]
    timeline = build_timeline(scenario, DrillLog.of(expert_events(scenario, answer=False)))
    day = next((step.before["day"] for step in timeline.steps if step.after["owners"]), None)
    key = id(scenario)
    _OWNER_DAY[key] = (weakref.ref(scenario, lambda _ref, key=key: _OWNER_DAY.pop(key, None)), day)
    return day
