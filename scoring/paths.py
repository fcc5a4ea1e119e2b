"""Reference drills played by machine: the expert path and seeded random paths, as event lists.

The expert path is what the scenario authors recommend: in every scene each active role takes its
`.ekspert` choice as soon as it is open (roles whose expert choice depends on another role's choice
wait for it), every role answers each checkpoint with the expert answer, and timed injects fire when
the scene starts. If a role's expert choice never opens, it takes its first open choice. Scoring the
expert path is the natural ceiling for a scenario. The policy and the clocked playthrough live in
`scenarios.profiles`, where solo practice uses them to fill the roles nobody plays.

`expert_first_owner_day` is the reference the ownership dimension measures baton timing against; it
is computed once per scenario object and cached (keyed by identity, dropped with the scenario).
"""

from __future__ import annotations

import random
import weakref
from typing import Any

from scenarios.model import Scenario
from scenarios.play import available_choices
from scenarios.profiles import EXPERT
from scenarios.profiles import POLICIES
from scenarios.profiles import SECONDS_PER_CHOICE
from scenarios.profiles import SECONDS_PER_TIMEOUT
from scenarios.profiles import Playthrough
from scoring.model import DrillLog
from scoring.timeline import build_timeline

Event = dict[str, Any]


def expert_events(
    scenario: Scenario, *, seconds_per_choice: float = SECONDS_PER_CHOICE, answer: bool = True
) -> list[Event]:
    """The events of a drill in which every role follows the expert path."""
    return profile_events(scenario, EXPERT, seconds_per_choice=seconds_per_choice, answer=answer)


def profile_events(
    scenario: Scenario,
    profile: str,
    *,
    seconds_per_choice: float = SECONDS_PER_CHOICE,
    answer: bool = True,
) -> list[Event]:
    """The events of a drill in which every role plays by one profile (`expert` or `cautious`).

    :raise KeyError: for an unknown profile.
    """
    policy = POLICIES[profile]
    run = Playthrough(scenario)
    while run.state["status"] == "running" and run.state["round"] <= run.round_limit:
        round_ = run.state["round"]
        scene = run.scene
        run.fire_timed_injects()
        if answer:
            run.answer_checkpoints(scenario.role_ids)
        pending = run.choose_by(policy, list(scene.active_roles) if scene else [], seconds_per_choice)
        run.choose_first_open(pending, seconds_per_choice)
        if run.running_in(round_):
            run.play({"type": "timeout"}, SECONDS_PER_TIMEOUT)
    return run.events


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
    player = Playthrough(scenario)
    limit = player.round_limit
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
