"""Read-side views of a training session: one row per team for the overview and the projector.

Rows are built from each drill's cached runtime state; critical flags come from the scoring library
run on the events so far, cached per drill and state version, so an unchanged team is never scored
twice in a process.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from app.debrief.services import drill_log
from app.drills import wording
from app.drills.screens import etag_for
from app.models import Drill
from app.models import DrillStatus
from scenarios import play
from scoring import score_drill

# Scored drills kept per process: (drill id, state version) → the rules of its critical flags.
_FLAG_CACHE: OrderedDict[tuple[int, int], tuple[str, ...]] = OrderedDict()
_FLAG_CACHE_SIZE = 1000


@dataclass(frozen=True)
class TeamRow:
    """One team of a session as the overview and the projector show it."""

    drill: Drill
    scene: str
    waiting: list[str]
    done: int
    total: int
    time_left: str
    flags: tuple[str, ...]
    people: list[str]


def critical_flags(drill: Drill) -> tuple[str, ...]:
    """The rules behind the critical flags the team has raised so far, scored once per state version."""
    if drill.started_at is None:
        return ()
    key = (drill.id, drill.state_version)
    if key in _FLAG_CACHE:
        _FLAG_CACHE.move_to_end(key)
        return _FLAG_CACHE[key]
    report = score_drill(drill.scenario, drill_log(drill))
    rules = tuple(dict.fromkeys(flag.rule for flag in report.critical_flags))
    _FLAG_CACHE[key] = rules
    if len(_FLAG_CACHE) > _FLAG_CACHE_SIZE:
        _FLAG_CACHE.popitem(last=False)
    return rules


def waiting_people(drill: Drill) -> list[str]:
    """The people the team waits for, each once with the roles they hold, as "Kari (Kontaktlærer)"."""
    if drill.status != DrillStatus.RUNNING:
        return []
    scenario = drill.scenario
    roles = play.waiting_for(scenario, drill.state)
    by_person: dict[int, tuple[str, list[str]]] = {}
    for assignment in drill.assignments:
        if assignment.role_id in roles:
            name, held = by_person.setdefault(
                assignment.participant_id, (assignment.participant.display_name, [])
            )
            held.append(wording.role_name(scenario, assignment.role_id))
    return [f"{name} ({', '.join(held)})" for name, held in by_person.values()]


def team_row(drill: Drill, now: datetime, with_flags: bool = True) -> TeamRow:
    """Build one team's row: scene, who is waiting, scenes done, time left and critical flags so far."""
    scenario = drill.scenario
    state = drill.state
    live = drill.status in (DrillStatus.RUNNING, DrillStatus.PAUSED) and state["status"] == "running"
    scene = scenario.scene(state["scene"]) if live else None
    ending = scenario.ending(state["ending"]) if state.get("ending") else None
    return TeamRow(
        drill=drill,
        scene=scene.title if scene else (ending.title if ending else ""),
        waiting=waiting_people(drill),
        done=len(state.get("history", [])),
        total=len(scenario.scenes),
        time_left=wording.time_left(drill.remaining_seconds(now)),
        flags=critical_flags(drill) if with_flags else (),
        people=[p.display_name for p in drill.participants if p.user_id != drill.facilitator_id],
    )


def session_etag(drills: list[Drill], now: datetime, *extra: object) -> str:
    """What the overview shows, from the drills' state versions, statuses, clocks and people alone."""
    parts = tuple(
        (
            d.id,
            d.state_version,
            d.status,
            wording.time_left(d.remaining_seconds(now)),
            len(d.participants),
            len(d.assignments),
        )
        for d in drills
    )
    return etag_for("session", parts, *extra)
