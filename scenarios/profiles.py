"""Roles played by machine: profile policies, a clocked playthrough, and feedback on a person's choice.

Solo practice lets one person play one role while the other roles follow a *profile*:

- ``expert``: in every scene a role takes its `.ekspert` choice as soon as it is open. A role whose
  expert choice depends on another role's choice in the same scene (a `Krever` condition) waits for
  it; if it never opens, the role takes its first open choice. This is the expert path of
  ``scoring.paths.expert_events``, which uses the same policy and playthrough.
- ``cautious``: a team that hesitates but stays within the law. Among its open choices — the
  expert's included — a role first sets aside every choice that would be a critical error when
  another choice is open: a share without a basis that fits its receiver (`uten`, the duty to report
  to anyone but the child welfare service, § 196 to anyone but the police or the child welfare
  service) and a talk with or share to parents where they are contraindicated and nobody has reported
  yet. It also sets aside every choice that harms the child's voice (one the author marks negative on
  `stemme`, or a talk with the child tagged `ledende`) when another choice is open: a hesitant team
  does not question a child with leading questions. If a report the scenario expects of the role is
  due (its scene has been reached) and not yet made, only choices that make it remain (when there
  are any). Of what is left it takes the one that
  escalates least, compared in this order: how far it raises the BTI level, how many escalating actions
  it has (reports to the child welfare service or the police, referral to PPT, calling a cooperation
  meeting, an investigation), how many items of information it shares, and whether it takes or hands
  on the baton. On a tie it prefers a choice with the action `vente` (wait), then a choice that is not
  the expert's, then the one written first. A cautious role never waits for a choice to open.

Both profiles answer checkpoints with the expert answer (the one marked `.riktig`, else the first),
and fire timed injects when the scene starts. Everything here is pure and deterministic: the same
scenario, state and profile always give the same events, with a synthetic clock for ``at``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scenarios.model import Checkpoint
from scenarios.model import Choice
from scenarios.model import Option
from scenarios.model import Scenario
from scenarios.model import Scene
from scenarios.model import Share
from scenarios.onset import onset_holds
from scenarios.play import State
from scenarios.play import apply
from scenarios.play import available_choices
from scenarios.play import initial_state
from scenarios.play import waiting_for

Event = dict[str, Any]
Policy = Callable[[Scenario, State, str], Choice | None]

EXPERT = "expert"
CAUTIOUS = "cautious"

# Seconds on the synthetic clock per kind of event, as the expert path has always used them.
SECONDS_PER_CHOICE = 45.0
SECONDS_PER_ANSWER = 5.0
SECONDS_PER_INJECT = 5.0
SECONDS_PER_TIMEOUT = 1.0

# Actions that move a case up a level or bring in another service: what a hesitant team puts off.
ESCALATING_ACTIONS = frozenset({"report_bvt", "report_police", "refer_ppt", "convene_meeting", "investigate"})


def expert_choice(scenario: Scenario, state: State, role: str) -> Choice | None:
    """The role's expert choice if it is open now; None means the role waits for it."""
    return next((c for c in available_choices(scenario, state, role) if c.expert), None)


def _hesitation(choice: Choice, bti: int, position: int) -> tuple[int, ...]:
    """How much a choice escalates, smallest first, so a cautious role can take the minimum."""
    raised = max(0, (choice.bti if choice.bti is not None else bti) - bti)
    escalating = sum(action.kind in ESCALATING_ACTIONS for action in choice.actions)
    shared = sum(len(share.infos) * (len(share.to) + len(share.external)) for share in choice.shares)
    baton = int(choice.baton is not None and choice.baton.kind in ("take", "propose", "accept"))
    waits = 0 if any(action.kind == "wait" for action in choice.actions) else 1
    return raised, escalating, shared, baton, waits, int(choice.expert), position


def _service(scenario: Scenario, party: str) -> str:
    role = scenario.role(party)
    return role.service if role is not None else party


def _share_without_fitting_basis(scenario: Scenario, share: Share) -> bool:
    """A share whose basis cannot carry it to its receivers: the core of an unlawful disclosure."""
    receivers = {_service(scenario, r) for r in share.to} | set(share.external)
    if share.basis == "none":
        return bool(receivers - {"foreldre"})
    if share.basis == "duty_to_report":
        return bool(receivers - {"barnevern"})
    if share.basis == "duty_to_avert":
        return bool(receivers - {"barnevern", "politi"})
    return False


def _parents_contraindicated(scenario: Scenario, state: State) -> bool:
    """Whether, in this state, the scenario holds contact with the parents to be contraindicated."""
    onset = scenario.meta.parents_onset
    if onset is None:
        return scenario.meta.parents == "contraindicated"
    return onset_holds(onset, {h["scene"] for h in state["history"]} | {state["scene"]}, state["flags"])


def critical_error(scenario: Scenario, state: State, choice: Choice) -> bool:
    """Whether taking the choice now would be a critical error: an unlawful share or parents confronted."""
    if any(_share_without_fitting_basis(scenario, share) for share in choice.shares):
        return True
    contacts = any(a.kind == "talk_parents" for a in choice.actions) or any(
        "foreldre" in share.external for share in choice.shares
    )
    reported = any(a["kind"] in ("report_bvt", "report_police") for a in state["actions"]) or any(
        a.kind in ("report_bvt", "report_police") for a in choice.actions
    )
    return contacts and not reported and _parents_contraindicated(scenario, state)


def harms_child_voice(choice: Choice) -> bool:
    """Whether the author marks the choice as harming the child's voice, or it questions the child leadingly.

    A `Vurdering: stemme` below 0 (a leading interview, a promise of total secrecy, dropping the case
    without hearing the child) or a talk with the child tagged `ledende`: never a cautious team's way.
    """
    return any(a.dimension == "child_voice" and a.value < 0 for a in choice.annotations) or any(
        a.kind == "talk_child" and "leading_questions" in a.tags for a in choice.actions
    )


def _due_reports(scenario: Scenario, state: State, role: str) -> set[str]:
    """Reports the scenario expects of the role whose scene has been reached and that nobody made yet."""
    reached = {h["scene"] for h in state["history"]} | {state["scene"]}
    done = {a["kind"] for a in state["actions"]}
    return {
        e.action
        for e in scenario.meta.expectations
        if e.action in ("report_bvt", "report_police")
        and e.due in reached
        and e.role in (None, role)
        and e.action not in done
    }


def cautious_choice(scenario: Scenario, state: State, role: str) -> Choice | None:
    """The least escalating open choice that is lawful and makes the reports that are due."""
    options = list(enumerate(available_choices(scenario, state, role)))
    if not options:
        return None
    lawful = [(i, c) for i, c in options if not critical_error(scenario, state, c)] or options
    lawful = [(i, c) for i, c in lawful if not harms_child_voice(c)] or lawful
    due = _due_reports(scenario, state, role)
    reporting = [(i, c) for i, c in lawful if due & {a.kind for a in c.actions}]
    pool = reporting or lawful
    return min(pool, key=lambda pair: _hesitation(pair[1], state["bti"], pair[0]))[1]


POLICIES: dict[str, Policy] = {EXPERT: expert_choice, CAUTIOUS: cautious_choice}


def expert_answer(scene: Scene, checkpoint_id: str) -> str | None:
    """The option a profile gives at a checkpoint: the one marked correct, else the first."""
    checkpoint = next((c for c in scene.checkpoints if c.id == checkpoint_id), None)
    if checkpoint is None or not checkpoint.options:
        return None
    return checkpoint.answer or checkpoint.options[0].id


class Playthrough:
    """Apply events to a scenario's state while recording them with a running synthetic clock."""

    def __init__(self, scenario: Scenario, state: State | None = None, clock: float = 0.0) -> None:
        self.scenario = scenario
        self.state: State = state if state is not None else initial_state(scenario)
        self.events: list[Event] = []
        self.clock = clock

    def play(self, event: Event, seconds: float) -> None:
        """Apply one event ``seconds`` after the previous one and record it with its time."""
        self.clock += seconds
        event = {**event, "at": round(self.clock, 1)}
        self.state = apply(self.scenario, self.state, event)
        self.events.append(event)

    def running_in(self, round_: int) -> bool:
        """Whether the scenario is still in the given round (scene visit)."""
        return self.state["status"] == "running" and self.state["round"] == round_

    @property
    def scene(self) -> Scene | None:
        """The current scene, or None once the scenario has ended."""
        return self.scenario.scene(self.state["scene"]) if self.state["status"] == "running" else None

    @property
    def round_limit(self) -> int:
        """A guard against scenarios that loop: no playthrough visits more scenes than this."""
        return 10 * max(1, len(self.scenario.scenes))

    def fire_timed_injects(self) -> None:
        """Fire the current scene's timed injects that have not fired, as if their time had come."""
        for inject in self.scenario.injects:
            trigger = inject.trigger
            if (
                trigger.kind == "scene"
                and trigger.scene == self.state["scene"]
                and trigger.after_minutes
                and inject.id not in self.state["injects_fired"]
            ):
                self.play({"type": "inject", "inject": inject.id}, SECONDS_PER_INJECT)

    def answer_checkpoints(self, roles: tuple[str, ...] | list[str]) -> None:
        """Give the expert answer to each of the scene's checkpoints for each role that has not answered."""
        scene = self.scene
        for checkpoint in scene.checkpoints if scene else ():
            option = expert_answer(scene, checkpoint.id)
            for role in roles:
                if option is not None and role not in self.state["answers"].get(checkpoint.id, {}):
                    event = {"type": "answer", "role": role, "checkpoint": checkpoint.id, "option": option}
                    self.play(event, SECONDS_PER_ANSWER)

    def choose_by(self, policy: Policy, roles: list[str], seconds: float) -> list[str]:
        """Let roles choose by ``policy`` until none can; return the roles still waiting for a choice."""
        round_ = self.state["round"]
        pending = list(roles)
        progress = True
        while pending and progress and self.running_in(round_):
            progress = False
            for role in list(pending):
                if not self.running_in(round_):
                    break
                choice = policy(self.scenario, self.state, role)
                if choice is not None:
                    self.play(
                        {"type": "choose", "role": role, "choice": choice.id, "scene": choice.scene}, seconds
                    )
                    pending.remove(role)
                    progress = True
        return pending

    def choose_first_open(self, roles: list[str], seconds: float) -> None:
        """Roles still waiting take their first open choice, so the scene is not held up."""
        round_ = self.state["round"]
        for role in roles:
            if not self.running_in(round_):
                break
            options = available_choices(self.scenario, self.state, role)
            if options:
                event = {
                    "type": "choose",
                    "role": role,
                    "choice": options[0].id,
                    "scene": self.state["scene"],
                }
                self.play(event, seconds)


def unanswered(scenario: Scenario, state: State, role: str) -> list[str]:
    """Ids of the current scene's checkpoints the role has not answered yet."""
    scene = scenario.scene(state["scene"]) if state["status"] == "running" else None
    if scene is None:
        return []
    return [c.id for c in scene.checkpoints if role not in state["answers"].get(c.id, {})]


def players_turn(scenario: Scenario, state: State, player: str) -> bool:
    """Whether the scenario now waits for the person: a checkpoint to answer or a choice to make."""
    if state["status"] != "running":
        return False
    return bool(unanswered(scenario, state, player)) or player in waiting_for(scenario, state)


def team_events(
    scenario: Scenario,
    state: State,
    player: str,
    profile: str = EXPERT,
    *,
    clock: float = 0.0,
    seconds_per_choice: float = SECONDS_PER_CHOICE,
) -> list[Event]:
    """The events the roles other than ``player`` make now, up to the person's next turn or the end.

    In each scene the timed injects fire and the other roles answer the checkpoints; then the
    person answers their own checkpoints before anyone chooses, so the scene cannot move on under
    them. The other roles choose by the profile; when the person cannot choose (a passive role, a
    choice already made, nothing open), roles still waiting take their first open choice, and a
    scene that still cannot end times out. The events carry ``at`` on a clock that starts at
    ``clock``; applying them to ``state`` in order gives the state where the person acts again.

    :raise KeyError: for an unknown profile.
    """
    policy = POLICIES[profile]
    run = Playthrough(scenario, state, clock)
    others = [role for role in scenario.role_ids if role != player]
    while run.state["status"] == "running" and run.state["round"] <= run.round_limit:
        round_ = run.state["round"]
        scene = run.scene
        assert scene is not None
        run.fire_timed_injects()
        run.answer_checkpoints(others)
        if unanswered(scenario, run.state, player):
            break
        active = [role for role in scene.active_roles if role != player and role not in run.state["chosen"]]
        pending = run.choose_by(policy, active, seconds_per_choice)
        if players_turn(scenario, run.state, player):
            break
        run.choose_first_open(pending, seconds_per_choice)
        if run.running_in(round_):
            run.play({"type": "timeout"}, SECONDS_PER_TIMEOUT)
    return run.events


@dataclass(frozen=True)
class Feedback:
    """What a person learns right after a choice: was it the expert's, why, and what the law says."""

    choice: Choice
    matched: bool
    expert: Choice | None  # the expert choice of the role in the scene, when the person's differed
    expert_open: bool  # whether that expert choice was open to the person when they chose
    feedback: str
    rationale: str
    laws: tuple[str, ...]


def choice_feedback(scenario: Scenario, state: State, role: str, choice_id: str) -> Feedback:
    """Feedback on ``role`` taking ``choice_id`` in ``state`` (the state before the choice).

    :raise LookupError: if the choice is not the role's in the current scene.
    """
    scene = scenario.scene(state["scene"])
    choice = scene.choice(role, choice_id) if scene else None
    if scene is None or choice is None:
        raise LookupError(f"{role} has no choice {choice_id!r} here")
    section = scene.section(role)
    expert = next((c for c in section.choices if c.expert), None) if section else None
    differed = None if choice.expert else expert
    open_ids = {c.id for c in available_choices(scenario, state, role)}
    laws = tuple(dict.fromkeys((*choice.laws, *(differed.laws if differed else ()))))
    return Feedback(
        choice=choice,
        matched=choice.expert,
        expert=differed,
        expert_open=differed is not None and differed.id in open_ids,
        feedback=choice.feedback,
        rationale=choice.rationale,
        laws=laws,
    )


@dataclass(frozen=True)
class AnswerFeedback:
    """What a person learns right after answering a checkpoint: right or not, and the explanation."""

    checkpoint: Checkpoint
    option: Option
    correct: bool
    answer: Option | None  # the correct option, when the person's was not it
    explanation: str


def answer_feedback(scenario: Scenario, state: State, checkpoint_id: str, option_id: str) -> AnswerFeedback:
    """Feedback on answering ``option_id`` at a checkpoint of the current scene in ``state``.

    :raise LookupError: if the checkpoint or option is not in the current scene.
    """
    scene = scenario.scene(state["scene"])
    checkpoint = next((c for c in scene.checkpoints if c.id == checkpoint_id), None) if scene else None
    option = next((o for o in checkpoint.options if o.id == option_id), None) if checkpoint else None
    if checkpoint is None or option is None:
        raise LookupError(f"no option {option_id!r} at checkpoint {checkpoint_id!r} here")
    correct = next((o for o in checkpoint.options if o.correct), None)
    return AnswerFeedback(
        checkpoint=checkpoint,
        option=option,
        correct=option.correct,
        answer=None if option.correct else correct,
        explanation=checkpoint.explanation,
    )
