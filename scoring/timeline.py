"""Replay a drill log step by step into a timeline: every intermediate state, the visits and the decisions.

The dimensions read case time, not wall time. Each visited scene contributes one day plus the days
until the next visited scene (the last scene one day), so a drill whose scenes carry no `dag=` still
has a well-defined, equal-weighted timeline. Events the runtime rejects are skipped and counted;
scoring never raises on a log that the runtime would partly reject.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from typing import Any

from scenarios.model import Choice
from scenarios.model import Onset
from scenarios.model import Scenario
from scenarios.model import Scene
from scenarios.onset import onset_holds
from scenarios.play import Rejected
from scenarios.play import State
from scenarios.play import apply
from scenarios.play import available_choices
from scenarios.play import initial_state
from scoring.model import DrillLog
from scoring.model import ScoringConfig


@dataclass(frozen=True)
class Step:
    """One accepted event with the states on either side of it."""

    index: int  # position of the event in the log
    event: Mapping[str, Any] = field(hash=False)
    before: State = field(hash=False)
    after: State = field(hash=False)


@dataclass(frozen=True)
class Visit:
    """One scene as the team played it: when it started and ended, who chose and who did not."""

    index: int
    scene: Scene
    round: int
    day: int
    started_at: float | None
    ended_at: float | None
    reason: str | None  # all_chosen | timeout | facilitator; None while the scene is still running
    chosen: Mapping[str, str] = field(hash=False)
    not_acted: tuple[str, ...] = ()  # active roles that could have chosen but did not
    unable: tuple[str, ...] = ()  # active roles that had no choice open to them
    owners_end: tuple[str, ...] = ()  # baton holders when the scene ended
    finished: bool = True


@dataclass(frozen=True)
class Decision:
    """A role's decision point in a visit: what it chose (None: did not act) and what it could have chosen."""

    role: str
    visit: int
    scene: str
    round: int
    day: int
    choice: Choice | None
    options: tuple[Choice, ...]
    expert: Choice | None
    at: float | None
    latency: float | None
    seq: int | None

    @property
    def expert_available(self) -> bool:
        """Whether the role's expert choice was open to it at this point."""
        return self.expert is not None and any(o.id == self.expert.id for o in self.options)

    @property
    def matched_expert(self) -> bool:
        """Whether the role took the expert choice."""
        return self.choice is not None and self.choice.expert


@dataclass(frozen=True)
class Timeline:
    """Everything the dimensions read about one drill, derived once from the replay."""

    scenario: Scenario
    log: DrillLog
    config: ScoringConfig
    initial: State = field(hash=False)
    steps: tuple[Step, ...] = field(hash=False)
    skipped: tuple[tuple[int, str], ...]
    visits: tuple[Visit, ...]
    decisions: tuple[Decision, ...]

    @property
    def final(self) -> State:
        """The state after the last accepted event."""
        return self.steps[-1].after if self.steps else self.initial

    @property
    def finished(self) -> bool:
        """Whether the drill reached an ending."""
        return self.final["status"] == "ended"

    @property
    def start_day(self) -> int:
        """Case day of the first scene."""
        return self.initial["day"]

    @property
    def end_day(self) -> int:
        """Case day of the last scene visited (the current one in a running drill)."""
        return self.visits[-1].day if self.visits else self.start_day

    @cached_property
    def weights(self) -> tuple[int, ...]:
        """Case-time weight of each visit: one day plus the days until the next visit."""
        days = [v.day for v in self.visits]
        return tuple((days[i + 1] - days[i] if i + 1 < len(days) else 0) + 1 for i in range(len(days)))

    @cached_property
    def actions(self) -> tuple[dict[str, Any], ...]:
        """Every action in order; `pos` is its position, which orders actions made in the same choice."""
        return tuple({**a, "pos": i} for i, a in enumerate(self.final["actions"]))

    def actions_of(self, *kinds: str, role: str | None = None) -> list[dict[str, Any]]:
        """Actions of the given kinds (all kinds if none given), optionally by one role, in order."""
        return [
            a
            for a in self.actions
            if (not kinds or a["kind"] in kinds) and (role is None or a["role"] == role)
        ]

    @property
    def shares(self) -> list[dict[str, Any]]:
        """Every share in order, to team roles and to recipients outside the team (`external`)."""
        return self.final["shares"]

    @property
    def measures(self) -> list[dict[str, Any]]:
        return self.final["measures"]

    @property
    def follow_ups(self) -> list[dict[str, Any]]:
        return self.final["follow_ups"]

    @property
    def handovers(self) -> list[dict[str, Any]]:
        return self.final["handovers"]

    def log_entries(self, *kinds: str) -> list[dict[str, Any]]:
        """Entries of the runtime's team log of the given kinds, in order."""
        return [e for e in self.final["log"] if e["kind"] in kinds]

    def grace_day(self, scene_id: str, grace_scenes: int) -> int | None:
        """The day by which an expectation due at `scene_id` must be met, `grace_scenes` scenes later.

        The later scenes are those the team actually visited after the due scene; when the team's
        path is too short (or never reached the scene) the scenario's calendar of scene days is used.
        """
        scene = self.scenario.scene(scene_id)
        if scene is None:
            return None
        if grace_scenes <= 0:
            return scene.day
        position = next((i for i, v in enumerate(self.visits) if v.scene.id == scene_id), None)
        if position is not None:
            later = [v.day for v in self.visits[position + 1 :]]
            if len(later) >= grace_scenes:
                return later[grace_scenes - 1]
        calendar = sorted({s.day for s in self.scenario.scenes if s.day > scene.day})
        if not calendar:
            return scene.day
        return calendar[min(grace_scenes, len(calendar)) - 1]

    def holds(self, onset: Onset | None, seq: int | None = None) -> bool:
        """Whether a scenario onset (`Meta.averting`, `Meta.parents_onset`) holds at event `seq`.

        Decided by the scenes visited up to and including the scene the event happened in, and the
        flags set once the event was applied; None for `seq` means the end of the drill. An absent
        onset (None) never holds.
        """
        if seq is None:
            before = after = self.final
        else:
            step = next((s for s in self.steps if s.after["seq"] >= seq), None)
            before, after = (step.before, step.after) if step else (self.final, self.final)
        visited = {v.scene.id for v in self.visits if v.round < before["round"]} | {before["scene"]}
        return onset_holds(onset, visited, after["flags"])

    def role_name(self, role: str | None) -> str:
        """The role's display name from the scenario, or its id."""
        found = self.scenario.role(role) if role else None
        return found.name if found else (role or "")


def build_timeline(scenario: Scenario, log: DrillLog, config: ScoringConfig | None = None) -> Timeline:
    """Replay the log, keeping every state, and derive the visits and decisions the dimensions read."""
    state = initial_state(scenario)
    initial = state
    steps: list[Step] = []
    skipped: list[tuple[int, str]] = []
    for index, event in enumerate(log.events):
        try:
            after = apply(scenario, state, event)
        except Rejected as error:
            skipped.append((index, error.code))
            continue
        steps.append(Step(index, event, state, after))
        state = after
    visits, decisions = _visits_and_decisions(scenario, initial, steps)
    return Timeline(
        scenario=scenario,
        log=log,
        config=config or ScoringConfig(),
        initial=initial,
        steps=tuple(steps),
        skipped=tuple(skipped),
        visits=tuple(visits),
        decisions=tuple(decisions),
    )


def _at(event: Mapping[str, Any]) -> float | None:
    value = event.get("at")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _visits_and_decisions(
    scenario: Scenario, initial: State, steps: list[Step]
) -> tuple[list[Visit], list[Decision]]:
    visits: list[Visit] = []
    decisions: list[Decision] = []
    started_at: float | None = 0.0  # `at` counts seconds from the drill start, when the first scene starts
    current: list[Decision] = []
    state = initial
    for step in steps:
        before, after = step.before, step.after
        scene = scenario.scene(before["scene"])
        if step.event.get("type") == "choose" and scene is not None:
            role = step.event["role"]
            at = _at(step.event)
            current.append(
                _decision(
                    scenario,
                    scene,
                    before,
                    role,
                    scene.choice(role, step.event["choice"]),
                    len(visits),
                    at,
                    None if at is None or started_at is None else at - started_at,
                    after["seq"],
                )
            )
        if after["round"] != before["round"] or (after["status"] != before["status"]):
            entry = after["history"][-1]
            if scene is None:
                continue
            if step.event.get("type") == "choose":
                not_acted: tuple[str, ...] = ()
                unable = tuple(entry["not_acted"])
            else:
                able = [r for r in entry["not_acted"] if available_choices(scenario, before, r)]
                not_acted = tuple(able)
                unable = tuple(r for r in entry["not_acted"] if r not in able)
                for role in not_acted:
                    current.append(
                        _decision(scenario, scene, before, role, None, len(visits), None, None, None)
                    )
            visits.append(
                Visit(
                    index=len(visits),
                    scene=scene,
                    round=entry["round"],
                    day=entry["day"],
                    started_at=started_at,
                    ended_at=_at(step.event),
                    reason=entry["reason"],
                    chosen=dict(entry["chosen"]),
                    not_acted=not_acted,
                    unable=unable,
                    owners_end=tuple(after["owners"]),
                    finished=True,
                )
            )
            decisions.extend(current)
            current = []
            started_at = _at(step.event)
        state = after
    if state["status"] == "running":
        scene = scenario.scene(state["scene"])
        if scene is not None:
            visits.append(
                Visit(
                    index=len(visits),
                    scene=scene,
                    round=state["round"],
                    day=state["day"],
                    started_at=started_at,
                    ended_at=None,
                    reason=None,
                    chosen=dict(state["chosen"]),
                    owners_end=tuple(state["owners"]),
                    finished=False,
                )
            )
            decisions.extend(current)
    return visits, decisions


def _decision(
    scenario: Scenario,
    scene: Scene,
    before: State,
    role: str,
    choice: Choice | None,
    visit: int,
    at: float | None,
    latency: float | None,
    seq: int | None,
) -> Decision:
    section = scene.section(role)
    expert = next((c for c in section.choices if c.expert), None) if section else None
    return Decision(
        role=role,
        visit=visit,
        scene=scene.id,
        round=before["round"],
        day=before["day"],
        choice=choice,
        options=tuple(available_choices(scenario, before, role)),
        expert=expert,
        at=at,
        latency=latency,
        seq=seq,
    )
