"""What an observer sees: every role's screen side by side, read-only, and the notes taken so far.

Each role's part is the participant's own ``role_screen``, so an observer sees exactly what that role
sees, nothing the runtime would hide from it. Templates get plain data; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_time

from app.drills import wording
from app.drills.screens import RoleScreen
from app.drills.screens import etag_for
from app.drills.screens import in_last_minute
from app.drills.screens import people_waited_for
from app.drills.screens import phase_text
from app.drills.screens import role_screen
from app.drills.screens import with_last_minute
from app.i18n import gettext as _
from app.models import Drill
from app.models import DrillStatus
from app.models import ObserverNote
from app.observing.services import current_visit
from scenarios import play
from scenarios.model import Inject
from scenarios.model import Scenario
from scenarios.model import Scene


@dataclass(frozen=True)
class RoleView:
    """One role as its player sees it, with who plays it and whether the team waits for it."""

    screen: RoleScreen
    holders: str
    waiting: bool


@dataclass(frozen=True)
class PastChoice:
    """What one role chose (or that it did not act) in a scene the team has left."""

    role: str
    label: str | None


@dataclass(frozen=True)
class PastScene:
    """A scene the team has left, with every role's choice there."""

    title: str
    day: int
    choices: tuple[PastChoice, ...]


@dataclass(frozen=True)
class NoteLine:
    """A note as people read it: when, in which scene, by whom, and what."""

    id: int
    time: str
    drill_time: str
    scene: str
    round: int
    observer: str
    text: str


@dataclass(frozen=True)
class ObserverScreen:
    """The observer's view of one drill: the scene, every role read-only, past choices and the team log."""

    drill: Drill
    scenario: Scenario
    scene: Scene | None
    round: int | None
    roles: list[RoleView]
    past: list[PastScene]
    injects: list[Inject]
    log: list[str]
    time_left: str
    waiting_people: int
    last_minute: bool

    @property
    def announcement(self) -> str:
        """One sentence about the drill's phase, for the live region."""
        return with_last_minute(
            phase_text(self.drill, self.scene, self.waiting_people, False, False), self.last_minute
        )


def observer_screen(drill: Drill, now: datetime) -> ObserverScreen:
    """Build every role's read-only screen and the drill's history for an observer."""
    scenario = drill.scenario
    state = drill.state
    live = drill.status in (DrillStatus.RUNNING, DrillStatus.PAUSED) and state["status"] == "running"
    scene = scenario.scene(state["scene"]) if live else None
    waiting = play.waiting_for(scenario, state) if scene else []
    holders: dict[str, list[str]] = {}
    for assignment in drill.assignments:
        holders.setdefault(assignment.role_id, []).append(assignment.participant.display_name)
    roles = [
        RoleView(
            screen=role_screen(drill, role.id, [role.id], now),
            holders=", ".join(holders.get(role.id, [])),
            waiting=role.id in waiting,
        )
        for role in scenario.meta.roles
    ]
    started = drill.status != DrillStatus.LOBBY
    return ObserverScreen(
        drill=drill,
        scenario=scenario,
        scene=scene,
        round=state["round"] if scene else None,
        roles=roles,
        past=past_scenes(scenario, state.get("history", [])),
        injects=[i for i in (scenario.inject(x) for x in reversed(state["injects_fired"])) if i is not None]
        if started
        else [],
        log=[wording.describe_entry(scenario, e) for e in reversed(play.visible_log(state, None))]
        if started
        else [],
        time_left=wording.time_left(drill.remaining_seconds(now)),
        waiting_people=people_waited_for(drill, waiting),
        last_minute=scene is not None and in_last_minute(drill, now),
    )


def past_scenes(scenario: Scenario, history: list[dict]) -> list[PastScene]:
    """The scenes the team has left, newest first, with what each active role chose there."""
    past = []
    for visit in reversed(history):
        scene = scenario.scene(visit["scene"])
        if scene is None:
            continue
        chosen = visit.get("chosen") or {}
        choices = []
        for role in scenario.meta.roles:
            choice = scene.choice(role.id, chosen[role.id]) if role.id in chosen else None
            if choice is not None or role.id in scene.active_roles:
                choices.append(PastChoice(role.name, choice.label if choice else None))
        past.append(PastScene(scene.title, visit.get("day", scene.day), tuple(choices)))
    return past


def note_lines(scenario: Scenario, notes: list[ObserverNote]) -> list[NoteLine]:
    """The notes in words, in the order given: clock time, drill time, scene title and writer."""
    lines = []
    for note in notes:
        scene = scenario.scene(note.scene_id)
        lines.append(
            NoteLine(
                id=note.id,
                time=format_time(note.created_at, "HH:mm"),
                drill_time=_("%(minutes)d min ut i øvelsen", minutes=int((note.drill_seconds or 0) // 60)),
                scene=scene.title if scene else note.scene_id,
                round=note.round,
                observer=note.observer.display_name,
                text=note.text,
            )
        )
    return lines


def note_scene_title(drill: Drill) -> str | None:
    """The title of the scene a note written now is tied to, or None before the drill has started."""
    if drill.status == DrillStatus.LOBBY:
        return None
    visit = current_visit(drill)
    scene = drill.scenario.scene(visit[1]) if visit else None
    return scene.title if scene else None


def observer_etag(screen: ObserverScreen, notes: list[NoteLine]) -> str:
    """What the polled fragment depends on: the drill's events and status, the clock, the casting and
    the notes (which are only ever added, so their count and newest id tell a change)."""
    drill = screen.drill
    casting = tuple(sorted((a.role_id, a.participant_id) for a in drill.assignments))
    newest = max((note.id for note in notes), default=0)
    return etag_for(
        "observe", drill.state_version, str(drill.status), screen.time_left, casting, len(notes), newest
    )
