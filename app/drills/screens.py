"""Read-side views of a drill: what one role may see, and what the facilitator's console shows.

Both are built from the runtime state with ``scenarios.play``'s own queries (``visible_log``,
``available_choices``, ``waiting_for``), so a participant's screen can only ever contain what the
runtime lets that role see. Templates get plain data; nothing here writes.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from app.drills import wording
from app.models import Drill
from app.models import DrillStatus
from app.models import Participant
from scenarios import play
from scenarios.model import Checkpoint
from scenarios.model import Choice
from scenarios.model import Ending
from scenarios.model import Info
from scenarios.model import Inject
from scenarios.model import Option
from scenarios.model import Role
from scenarios.model import RoleSection
from scenarios.model import Scenario
from scenarios.model import Scene

# A participant whose screen polled within this window counts as connected on the console.
CONNECTED_WINDOW = timedelta(seconds=75)


@dataclass(frozen=True)
class KnownInfo:
    """An information item a role knows, with how it came to know it."""

    info: Info
    source: str
    new: bool


@dataclass(frozen=True)
class Question:
    """A checkpoint question with the option this role picked, if it has answered."""

    checkpoint: Checkpoint
    answer: Option | None


@dataclass(frozen=True)
class RoleScreen:
    """Everything one role may see right now, and nothing more."""

    drill: Drill
    scenario: Scenario
    role: Role | None
    roles: list[Role]
    scene: Scene | None
    section: RoleSection | None
    choices: list[Choice]
    chosen: Choice | None
    waiting_for: list[str]
    questions: list[Question]
    known: list[KnownInfo]
    injects: list[Inject]
    log: list[str]
    ending: Ending | None
    time_left: str

    @property
    def announcement(self) -> str:
        """One calm sentence about what is happening, for the live region."""
        return phase_text(
            self.drill, self.scene, len(self.waiting_for), self.chosen is not None, bool(self.choices)
        )


@dataclass(frozen=True)
class RoleCard:
    """One role on the console: who plays it and what it has done in this scene."""

    role: Role
    holder: Participant | None
    section: RoleSection | None
    chosen: Choice | None
    seconds_taken: float | None
    waiting: bool
    answers: list[Question]


@dataclass(frozen=True)
class InjectRow:
    """An inject on the console, with when it fires or whether it has."""

    inject: Inject
    to: str
    fired: bool
    trigger: str
    due_in: str


@dataclass(frozen=True)
class Seat:
    """A participant on the console, with their roles and whether their screen is open."""

    participant: Participant
    roles: list[str]
    connected: bool


@dataclass(frozen=True)
class ConsoleScreen:
    """The facilitator's view of one drill: all roles side by side and the whole team log."""

    drill: Drill
    scenario: Scenario
    scene: Scene | None
    cards: list[RoleCard]
    waiting_for: list[str]
    injects: list[InjectRow]
    seats: list[Seat]
    log: list[str]
    ending: Ending | None
    time_left: str

    @property
    def announcement(self) -> str:
        """One sentence about the drill's phase, for the console's live region."""
        return phase_text(self.drill, self.scene, len(self.waiting_for), False, False)


def phase_text(drill: Drill, scene: Scene | None, waiting: int, chosen: bool, your_turn: bool) -> str:
    """Say in words where the drill is, so status never depends on colour or layout.

    ``waiting`` counts the other roles the team waits for; ``your_turn`` says this role can still choose.
    """
    if drill.status == DrillStatus.LOBBY:
        return _("Venter på at fasilitator starter øvelsen.")
    if drill.status == DrillStatus.ENDED:
        return _("Øvelsen er avsluttet.")
    if drill.status == DrillStatus.PAUSED:
        return _("Øvelsen er satt på pause.")
    title = scene.title if scene else ""
    if chosen and waiting:
        return _("%(scene)s: Du har valgt. %(waiting)s.", scene=title, waiting=wording.waiting_text(waiting))
    if waiting:
        return _("%(scene)s: %(waiting)s.", scene=title, waiting=wording.waiting_text(waiting))
    if your_turn:
        return _("%(scene)s: Teamet venter på valget ditt.", scene=title)
    return _("%(scene)s pågår.", scene=title)


def shuffled_choices(choices: list[Choice], public_id: str, scene_id: str, role_id: str) -> list[Choice]:
    """The choices in an order fixed per drill or run, scene and role, so the file's order gives nothing away.

    Only the screen reorders: the runtime, the scoring and the explorer keep the file's order.
    """
    seed = f"{public_id}:{scene_id}:{role_id}:"
    return sorted(choices, key=lambda choice: hashlib.sha256((seed + choice.id).encode()).hexdigest())


def role_screen(drill: Drill, role_id: str | None, roles: list[str], now: datetime) -> RoleScreen:
    """Build what ``role_id`` may see (what all roles see, when None) for a person playing ``roles``."""
    scenario = drill.scenario
    state = drill.state
    started = drill.status != DrillStatus.LOBBY
    live = drill.status in (DrillStatus.RUNNING, DrillStatus.PAUSED) and state["status"] == "running"
    scene = scenario.scene(state["scene"]) if live else None
    chosen_id = state["chosen"].get(role_id) if role_id else None
    waiting = [role for role in play.waiting_for(scenario, state) if role != role_id] if scene else []
    can_choose = scene is not None and role_id is not None and drill.status == DrillStatus.RUNNING
    return RoleScreen(
        drill=drill,
        scenario=scenario,
        role=scenario.role(role_id) if role_id else None,
        roles=[r for r in (scenario.role(role) for role in roles) if r is not None],
        scene=scene,
        section=scene.section(role_id) if scene and role_id else None,
        choices=shuffled_choices(
            play.available_choices(scenario, state, role_id), drill.public_id, scene.id, role_id
        )
        if can_choose and scene and role_id
        else [],
        chosen=scene.choice(role_id, chosen_id) if scene and role_id and chosen_id else None,
        waiting_for=[wording.role_name(scenario, role) for role in waiting],
        questions=_questions(scene, state, role_id) if role_id else [],
        known=_known(scenario, state, role_id) if started and role_id else [],
        injects=_injects(scenario, state, role_id) if started else [],
        log=[wording.describe_entry(scenario, e) for e in reversed(_visible_log(state, role_id))]
        if started
        else [],
        ending=scenario.ending(state["ending"]) if state.get("ending") else None,
        time_left=wording.time_left(drill.remaining_seconds(now)),
    )


def _visible_log(state: dict[str, Any], role_id: str | None) -> list[dict[str, Any]]:
    """The log a role may see; a person without a role sees only what the whole team sees."""
    if role_id is None:
        return [entry for entry in state["log"] if entry["visible_to"] == "all"]
    return play.visible_log(state, role_id)


def _questions(scene: Scene | None, state: dict[str, Any], role_id: str) -> list[Question]:
    """The scene's checkpoint questions with this role's answers."""
    if scene is None:
        return []
    questions = []
    for checkpoint in scene.checkpoints:
        answered = state["answers"].get(checkpoint.id, {}).get(role_id)
        option = next((o for o in checkpoint.options if answered and o.id == answered["option"]), None)
        questions.append(Question(checkpoint, option))
    return questions


def _known(scenario: Scenario, state: dict[str, Any], role_id: str) -> list[KnownInfo]:
    """What the role knows, newest first, each with whom it came from and on what basis."""
    items = sorted(state["knowledge"].get(role_id, {}).items(), key=lambda item: -item[1]["seq"])
    known = []
    for info_id, how in items:
        info = scenario.info(info_id)
        if info is not None:
            new = how.get("basis") != "holder" and how.get("round") == state["round"]
            known.append(KnownInfo(info, _source(scenario, how), new))
    return known


def _source(scenario: Scenario, how: dict[str, Any]) -> str:
    """Where a piece of knowledge came from, as in "Delt av Kontaktlærer (samtykke), dag 3"."""
    basis = how.get("basis")
    day = how.get("day")
    if basis == "holder":
        return _("Du visste dette fra starten.")
    if basis == "inject":
        return _("Kom fram gjennom en hendelse, dag %(day)s.", day=day)
    return _(
        "Delt av %(role)s (%(basis)s), dag %(day)s.",
        role=wording.role_name(scenario, how.get("from")),
        basis=wording.basis_label(basis),
        day=day,
    )


def _injects(scenario: Scenario, state: dict[str, Any], role_id: str | None) -> list[Inject]:
    """The injects fired so far that reach this role (or, without a role, the whole team), newest first."""
    fired = [scenario.inject(inject_id) for inject_id in reversed(state["injects_fired"])]
    return [i for i in fired if i is not None and (not i.to or role_id in i.to)]


def console_screen(drill: Drill, now: datetime) -> ConsoleScreen:
    """Build the facilitator's view of the drill."""
    scenario = drill.scenario
    state = drill.state
    # The lobby shows the first scene too, so the facilitator can prepare before starting.
    scene = (
        scenario.scene(state["scene"])
        if drill.status != DrillStatus.ENDED and state["status"] == "running"
        else None
    )
    waiting = play.waiting_for(scenario, state) if scene and drill.status != DrillStatus.LOBBY else []
    holders = {a.role_id: a.participant for a in drill.assignments}
    started = state.get("scene_started_at") or 0
    cards = []
    for role in scenario.meta.roles:
        section = scene.section(role.id) if scene else None
        chosen_id = state["chosen"].get(role.id)
        taken = state.get("chosen_at", {}).get(role.id)
        cards.append(
            RoleCard(
                role=role,
                holder=holders.get(role.id),
                section=section,
                chosen=scene.choice(role.id, chosen_id) if scene and chosen_id else None,
                seconds_taken=taken - started if isinstance(taken, int | float) else None,
                waiting=role.id in waiting,
                answers=_questions(scene, state, role.id),
            )
        )
    seats = [
        Seat(
            participant=p,
            roles=[
                wording.role_name(scenario, a.role_id) for a in drill.assignments if a.participant_id == p.id
            ],
            connected=p.last_seen_at is not None and now - p.last_seen_at < CONNECTED_WINDOW,
        )
        for p in drill.participants
    ]
    return ConsoleScreen(
        drill=drill,
        scenario=scenario,
        scene=scene,
        cards=cards,
        waiting_for=[wording.role_name(scenario, role) for role in waiting],
        injects=_inject_rows(drill, scenario, state, now),
        seats=seats,
        log=[wording.describe_entry(scenario, e) for e in reversed(play.visible_log(state, None))],
        ending=scenario.ending(state["ending"]) if state.get("ending") else None,
        time_left=wording.time_left(drill.remaining_seconds(now)),
    )


def _inject_rows(drill: Drill, scenario: Scenario, state: dict[str, Any], now: datetime) -> list[InjectRow]:
    """Every inject with its trigger in words and, for timed ones in this scene, the time until it fires."""
    rows = []
    for inject in scenario.injects:
        trigger = inject.trigger
        due_in = ""
        if trigger.kind == "scene":
            scene = scenario.scene(trigger.scene or "")
            title = scene.title if scene else trigger.scene
            if trigger.after_minutes:
                text = _("I «%(scene)s» etter %(minutes)d min", scene=title, minutes=trigger.after_minutes)
                running_here = drill.status == DrillStatus.RUNNING and state["scene"] == trigger.scene
                if running_here and drill.scene_started_at is not None:
                    due = drill.scene_started_at + timedelta(minutes=trigger.after_minutes)
                    due_in = _(
                        "utløses om %(minutes)d min",
                        minutes=max(1, math.ceil((due - now).total_seconds() / 60)),
                    )
            else:
                text = _("Når «%(scene)s» begynner", scene=title)
        else:
            text = _("Manuelt")
        to = wording.role_names(scenario, list(inject.to))
        rows.append(InjectRow(inject, to, inject.id in state["injects_fired"], text, due_in))
    return rows


def etag_for(*parts: Any) -> str:
    """A weak ETag value for a polled fragment: it changes whenever anything the fragment shows does."""
    return hashlib.sha256(repr((str(get_locale()), *parts)).encode()).hexdigest()[:24]


def role_etag(screen: RoleScreen) -> str:
    """What a participant's fragment depends on: the drill's events and status, the clock text, the roles."""
    roles = [role.id for role in screen.roles]
    return role_etag_for(screen.drill, screen.role.id if screen.role else None, roles, screen.time_left)


def role_etag_for(drill: Drill, role_id: str | None, roles: list[str], time_left: str | None) -> str:
    """The same ETag from the drill alone, so an unchanged poll is answered without building a screen."""
    return etag_for("role", drill.state_version, drill.status, time_left, tuple(roles), role_id)


def console_etag(screen: ConsoleScreen) -> str:
    """What the console fragment depends on, including who has joined and who plays what."""
    drill = screen.drill
    seats = tuple(
        (s.participant.id, s.participant.display_name, tuple(s.roles), s.connected) for s in screen.seats
    )
    countdowns = tuple(row.due_in for row in screen.injects)
    return etag_for(
        "console", drill.state_version, drill.status, drill.timer_minutes, screen.time_left, seats, countdowns
    )
