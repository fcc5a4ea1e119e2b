"""Read-side views of a drill: what one role may see, and what the facilitator's console shows.

Both are built from the runtime state with ``scenarios.play``'s own queries (``visible_log``,
``available_choices``, ``waiting_for``), so a participant's screen can only ever contain what the
runtime lets that role see. Templates get plain data; nothing here writes.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING
from typing import Any

from flask_babel import get_locale

from app.drills import wording
from app.i18n import gettext as _
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

if TYPE_CHECKING:
    from app.drills.polling import PolledDrill

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

    drill: Drill | PolledDrill
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
    # The time left in no language (``wording.clock``), for the ETag.
    clock: int | None
    waiting_people: int = 0
    # This person's own other roles the team still waits for, named apart from the others'.
    own_waiting: list[str] = field(default_factory=list)
    # Under a minute is left on the scene timer: every screen warns before the scene moves on.
    last_minute: bool = False
    # The scene that just closed and this role's choice in it, shown with the next scene (or the ending),
    # so the last to choose, whom the choice took straight on, still sees its outcome.
    closed_scene: Scene | None = None
    closed_choice: Choice | None = None
    # In the lobby, when the facilitator lets participants choose: the roles nobody has taken yet.
    open_roles: list[Role] = field(default_factory=list)
    # Checkpoints of scenes the team has left that this role has not answered: open until it does.
    late_questions: list[tuple[Scene, Checkpoint]] = field(default_factory=list)
    # The drill ended at an ending and its open checkpoints may still be answered (until the debrief).
    answers_after_end: bool = False

    @property
    def choices_key(self) -> str:
        """A short digest of the choices offered now. It names the choice form, so when a choice opens or
        closes mid-scene the poll swaps in the new form instead of keeping (hx-preserve) the old one."""
        return hashlib.sha256(" ".join(c.id for c in self.choices).encode()).hexdigest()[:8]

    @property
    def announcement(self) -> str:
        """One calm sentence about what is happening, for the live region."""
        text = phase_text(
            self.drill, self.scene, self.waiting_people, self.chosen is not None, bool(self.choices)
        )
        return with_last_minute(text, self.last_minute)


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
    # A timed inject of the scene the team is in that has not fired: moving on now skips it.
    pending_here: bool = False
    # Why it will not fire, or did not: the scene timer runs out first, or the team has left its scene.
    warning: str = ""


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
    waiting_people: int = 0
    last_minute: bool = False

    @property
    def announcement(self) -> str:
        """One sentence about the drill's phase, for the console's live region."""
        return with_last_minute(
            phase_text(self.drill, self.scene, self.waiting_people, False, False), self.last_minute
        )


def with_last_minute(text: str, last_minute: bool) -> str:
    """The phase, followed by the one-minute warning while it applies (said once, as it starts)."""
    if not last_minute:
        return text
    return _("%(phase)s Under ett minutt igjen før scenen går videre.", phase=text)


def in_last_minute(drill: Drill | PolledDrill, now: datetime) -> bool:
    """Whether the running scene's timer has under a minute left, so the scene soon moves on by itself."""
    remaining = drill.remaining_seconds(now)
    return drill.status == DrillStatus.RUNNING and remaining is not None and 0 < remaining < 60


def people_waited_for(drill: Drill | PolledDrill, roles: list[str], own_roles: Collection[str] = ()) -> int:
    """How many people the team waits for: one person playing several waiting roles counts once.

    Roles in ``own_roles`` (the viewer's own) are left out; a role nobody holds counts as one person.
    """
    # A solo run has no seats (the machine plays the other roles), so each role counts as one.
    holders = {a.role_id: a.participant_id for a in getattr(drill, "assignments", ())}
    return len({holders.get(role, f"role:{role}") for role in roles if role not in own_roles})


def phase_text(
    drill: Drill | PolledDrill, scene: Scene | None, waiting: int, chosen: bool, your_turn: bool
) -> str:
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


def closed_choice(
    scenario: Scenario, state: dict[str, Any], role_id: str | None
) -> tuple[Scene | None, Choice | None]:
    """The scene the team has just left (or ended the drill in) and the role's own choice there."""
    history = state.get("history") or []
    if not role_id or not history:
        return None, None
    last = history[-1]
    just_closed = state["status"] == "ended" or last.get("round") == state["round"] - 1
    scene = scenario.scene(last["scene"]) if just_closed else None
    chosen = (last.get("chosen") or {}).get(role_id)
    if scene is None or chosen is None:
        return None, None
    return scene, scene.choice(role_id, chosen)


def role_screen(
    drill: Drill | PolledDrill,
    role_id: str | None,
    roles: list[str],
    now: datetime,
    answers_after_end: bool = False,
) -> RoleScreen:
    """Build what ``role_id`` may see (what all roles see, when None) for a person playing ``roles``.

    ``answers_after_end``: the drill has ended at an ending and its open checkpoints may still be answered.
    """
    scenario = drill.scenario
    state = drill.state
    started = drill.status != DrillStatus.LOBBY
    live = drill.status in (DrillStatus.RUNNING, DrillStatus.PAUSED) and state["status"] == "running"
    scene = scenario.scene(state["scene"]) if live else None
    chosen_id = state["chosen"].get(role_id) if role_id else None
    waiting = [role for role in play.waiting_for(scenario, state) if role != role_id] if scene else []
    can_choose = scene is not None and role_id is not None and drill.status == DrillStatus.RUNNING
    remaining = drill.remaining_seconds(now)
    closed = closed_choice(scenario, state, role_id) if started else (None, None)
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
        waiting_for=[wording.role_name(scenario, role) for role in waiting if role not in roles],
        questions=_questions(scene, state, role_id) if role_id else [],
        known=_known(scenario, state, role_id) if started and role_id else [],
        injects=_injects(scenario, state, role_id) if started else [],
        log=[wording.describe_entry(scenario, e) for e in reversed(_visible_log(state, role_id))]
        if started
        else [],
        ending=scenario.ending(state["ending"]) if state.get("ending") else None,
        time_left=wording.time_left(remaining),
        clock=wording.clock(remaining),
        waiting_people=people_waited_for(drill, waiting, roles),
        last_minute=scene is not None and in_last_minute(drill, now),
        closed_scene=closed[0],
        closed_choice=closed[1],
        open_roles=[r for r in scenario.meta.roles if r.id not in {a.role_id for a in drill.assignments}]
        if getattr(drill, "roles_open", False) and drill.status == DrillStatus.LOBBY
        else [],
        own_waiting=[wording.role_name(scenario, role) for role in waiting if role in roles],
        answers_after_end=answers_after_end,
        late_questions=play.open_checkpoints(scenario, state, role_id)
        if role_id and (live or answers_after_end)
        else [],
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
        waiting_people=people_waited_for(drill, waiting),
        last_minute=scene is not None and in_last_minute(drill, now),
    )


def _inject_rows(drill: Drill, scenario: Scenario, state: dict[str, Any], now: datetime) -> list[InjectRow]:
    """Every inject with its trigger in words and, for timed ones in this scene, the time until it fires."""
    rows = []
    live = drill.status in (DrillStatus.RUNNING, DrillStatus.PAUSED) and state["status"] == "running"
    left = {visit["scene"] for visit in state.get("history", [])}
    remaining = drill.remaining_seconds(now)
    for inject in scenario.injects:
        trigger = inject.trigger
        fired = inject.id in state["injects_fired"]
        due_in = warning = ""
        pending_here = False
        if trigger.kind == "scene":
            scene = scenario.scene(trigger.scene or "")
            title = scene.title if scene else trigger.scene
            if trigger.after_minutes:
                text = _("I «%(scene)s» etter %(minutes)d min", scene=title, minutes=trigger.after_minutes)
                here = live and state["scene"] == trigger.scene
                pending_here = here and not fired
                if here and drill.status == DrillStatus.RUNNING and drill.scene_started_at is not None:
                    due = drill.scene_started_at + timedelta(minutes=trigger.after_minutes)
                    due_in = _(
                        "utløses om %(minutes)d min",
                        minutes=max(1, math.ceil((due - now).total_seconds() / 60)),
                    )
                    if not fired and remaining is not None and now + timedelta(seconds=remaining) < due:
                        warning = _(
                            "Tiden for scenen går ut før hendelsen utløses, så den blir hoppet over. "
                            "Utløs den nå hvis teamet skal få den."
                        )
                elif not fired and not here and trigger.scene in left:
                    warning = _(
                        "Hoppet over: teamet gikk videre fra «%(scene)s» før tiden var ute.", scene=title
                    )
            else:
                text = _("Når «%(scene)s» begynner", scene=title)
        else:
            text = _("Manuelt")
        to = wording.role_names(scenario, list(inject.to))
        rows.append(InjectRow(inject, to, fired, text, due_in, pending_here, warning))
    return rows


def etag_for(*parts: Any) -> str:
    """A weak ETag value for a polled fragment: it changes whenever anything the fragment shows does."""
    return hashlib.sha256(repr((str(get_locale()), *parts)).encode()).hexdigest()[:24]


def role_etag(screen: RoleScreen) -> str:
    """What a participant's fragment depends on: the drill's events and status, the clock text, the roles."""
    roles = [role.id for role in screen.roles]
    role_id = screen.role.id if screen.role else None
    return role_etag_for(screen.drill, role_id, roles, screen.clock, screen.answers_after_end)


def role_etag_for(
    drill: Drill | PolledDrill,
    role_id: str | None,
    roles: list[str],
    clock: int | None,
    answers_after_end: bool = False,
) -> str:
    """The same ETag from the drill alone, so an unchanged poll is answered without building a screen.

    ``clock`` is ``wording.clock`` of the time left: the locale is part of every ETag already. In the
    lobby with roles open it also follows which roles are taken, since the open ones are offered.
    After the end it follows whether open checkpoints may still be answered, which the debrief ends.
    """
    roles_open = getattr(drill, "roles_open", False)
    taken = [a.role_id for a in drill.assignments] if roles_open else []
    lobby = lobby_roles(drill.status, roles_open, taken)
    return role_etag_from(drill.state_version, drill.status, role_id, roles, clock, lobby, answers_after_end)


def lobby_roles(status: str, roles_open: bool, taken: Iterable[str]) -> tuple[str, ...] | None:
    """What of the lobby a participant screen offers: the taken roles while roles are open, else None."""
    if roles_open and status == DrillStatus.LOBBY:
        return tuple(sorted(taken))
    return None


def role_etag_from(
    state_version: int,
    status: str,
    role_id: str | None,
    roles: list[str],
    clock: int | None,
    lobby: tuple[str, ...] | None = None,
    answers_after_end: bool = False,
) -> str:
    """The same ETag from the drill's columns alone, for the poll that loads no Drill object."""
    return etag_for(
        "role", state_version, str(status), clock, tuple(roles), role_id, lobby, answers_after_end
    )


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
