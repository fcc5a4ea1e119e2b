"""The runtime: a pure, deterministic state machine that replays a drill's events into the team's state.

The state is a plain JSON-serialisable dict. `apply` never mutates its input: it returns a new state
or raises `Rejected` with a reason, so a rejected event changes nothing. Replaying the same events
always gives the same state.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from scenarios.conditions import Env
from scenarios.conditions import evaluate
from scenarios.model import Checkpoint
from scenarios.model import Choice
from scenarios.model import Scenario
from scenarios.model import Scene

State = dict[str, Any]
Event = Mapping[str, Any]

# The service that receives a report: the report is visible to its roles in the team log.
_REPORT_RECEIVERS = {"report_bvt": "barnevern"}
# Actions the whole team sees in the log, because they happen in the open.
_PUBLIC_ACTIONS = {"convene_meeting", "open_log", "evaluate", "close_case"}


class Rejected(ValueError):
    """An event that is not allowed in the current state; `code` is stable, the messages are for people."""

    def __init__(self, code: str, nb: str, en: str) -> None:
        super().__init__(nb)
        self.code = code
        self.nb = nb
        self.en = en

    def message(self, lang: str = "nb") -> str:
        return self.en if lang == "en" else self.nb


def initial_state(scenario: Scenario) -> State:
    """The state before the first event: the first scene, the starting BTI level, what holders know."""
    start = scenario.start
    if start is None:
        raise Rejected("no_scenes", "Scenariet har ingen scener.", "The scenario has no scenes.")
    knowledge: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in scenario.role_ids}
    for info in scenario.infos:
        for holder in info.holders:
            if holder in knowledge:
                knowledge[holder][info.id] = _known(0, 1, start, None, "holder", None)
    state: State = {
        "scenario": scenario.meta.id,
        "seq": 0,
        "status": "running",
        "scene": start.id,
        "round": 1,
        "day": start.day,
        "scene_started_at": None,
        "chosen": {},
        "answers": {},
        "flags": {},
        "counters": {},
        "bti": scenario.meta.bti_level,
        "owners": [],
        "handovers": [],
        "knowledge": knowledge,
        "shares": [],
        "actions": [],
        "measures": [],
        "follow_ups": [],
        "injects_fired": [],
        "history": [],
        "log": [],
        "ending": None,
        "rating": None,
    }
    _log(state, "scene_started", None, "all", scene=start.id)
    _enter_injects(scenario, state, start)
    return state


def replay(scenario: Scenario, events: Iterable[Event]) -> State:
    """Apply events in order from the initial state; a rejected event raises and stops the replay."""
    state = initial_state(scenario)
    for event in events:
        state = apply(scenario, state, event)
    return state


def replay_lenient(scenario: Scenario, events: Iterable[Event]) -> tuple[State, list[tuple[int, Rejected]]]:
    """Apply events in order, skipping rejected ones and reporting them with their position."""
    state = initial_state(scenario)
    skipped: list[tuple[int, Rejected]] = []
    for index, event in enumerate(events):
        try:
            state = apply(scenario, state, event)
        except Rejected as error:
            skipped.append((index, error))
    return state, skipped


def apply(scenario: Scenario, state: State, event: Event) -> State:
    """Return the state after one event, or raise `Rejected` and leave the given state untouched."""
    if not isinstance(event, Mapping):
        raise Rejected("malformed", "Hendelsen er ikke gyldig.", "The event is malformed.")
    kind = event.get("type")
    if state["status"] != "running" and not (kind == "answer" and _answerable_after_ending(state, event)):
        raise Rejected("ended", "Øvelsen er avsluttet.", "The drill has ended.")
    handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        raise Rejected("unknown_type", f"Ukjent hendelsestype «{kind}».", f"Unknown event type '{kind}'.")
    scene = scenario.scene(state["scene"])
    if scene is None:  # only if a state from another scenario version is passed in
        raise Rejected("unknown_scene", "Scenen finnes ikke i dette scenariet.", "The scene does not exist.")
    expected = event.get("scene")
    if kind == "answer" and expected != scene.id and expected in _left_scenes(state):
        # A checkpoint stays open after its round closes, until the role answers it: never lost.
        scene = scenario.scene(expected) or scene
    elif expected is not None and expected != scene.id:
        raise Rejected(
            "stale",
            "Scenen er allerede gått videre; valget gjelder en tidligere scene.",
            "The scene has already moved on; the choice belongs to an earlier scene.",
        )
    new = _copy(state)
    new["seq"] = state["seq"] + 1
    handler(scenario, new, scene, event)
    return new


def available_choices(scenario: Scenario, state: State, role: str) -> list[Choice]:
    """The choices a role can make now: none if it has chosen, is passive, or the drill has ended."""
    if state["status"] != "running" or role in state["chosen"]:
        return []
    scene = scenario.scene(state["scene"])
    section = scene.section(role) if scene else None
    if section is None or section.passive:
        return []
    env = _env(scenario, state)
    return [c for c in section.choices if c.requires is None or evaluate(c.requires, env)]


def waiting_for(scenario: Scenario, state: State) -> list[str]:
    """Active roles that have not chosen yet and still have a choice open to them."""
    if state["status"] != "running":
        return []
    scene = scenario.scene(state["scene"])
    if scene is None:
        return []
    return [
        r for r in scene.active_roles if r not in state["chosen"] and available_choices(scenario, state, r)
    ]


def open_checkpoints(scenario: Scenario, state: State, role: str) -> list[tuple[Scene, Checkpoint]]:
    """Checkpoints of scenes the team has left that the role has not answered: still open to it.

    They stay open after the team reaches an ending too; a drill stopped before one closes them.
    """
    running = state["status"] == "running"
    if not running and state.get("ending") is None:
        return []
    open_ = []
    for scene_id in _left_scenes(state):
        scene = scenario.scene(scene_id)
        if scene is None or (running and scene_id == state["scene"]):
            continue
        for checkpoint in scene.checkpoints:
            if role not in state["answers"].get(checkpoint.id, {}):
                open_.append((scene, checkpoint))
    return open_


def _answerable_after_ending(state: State, event: Event) -> bool:
    """Whether an answer may still come after the drill: the team reached an ending and left that scene."""
    return state.get("ending") is not None and event.get("scene") in _left_scenes(state)


def _left_scenes(state: State) -> list[str]:
    """The scenes the team has left, each once, in the order it left them."""
    return list(dict.fromkeys(visit["scene"] for visit in state.get("history", [])))


def knows(state: State, role: str, info: str) -> bool:
    """True when the role knows the information item in this state."""
    return info in state["knowledge"].get(role, {})


def visible_log(state: State, role: str | None) -> list[dict[str, Any]]:
    """The team-log entries a role may see; None means the facilitator, who sees all."""
    return [e for e in state["log"] if role is None or e["visible_to"] == "all" or role in e["visible_to"]]


# --- handlers ---------------------------------------------------------------------------------


def _choose(scenario: Scenario, state: State, scene: Scene, event: Event) -> None:
    role, choice_id = event.get("role"), event.get("choice")
    if role not in scenario.role_ids:
        raise Rejected("unknown_role", f"Ukjent rolle «{role}».", f"Unknown role '{role}'.")
    section = scene.section(role)
    if section is None or section.passive:
        raise Rejected(
            "not_active",
            "Rollen skal ikke velge i denne scenen.",
            "The role does not choose in this scene.",
        )
    if role in state["chosen"]:
        raise Rejected(
            "already_chosen", "Rollen har allerede valgt i denne scenen.", "The role has already chosen."
        )
    choice = scene.choice(role, choice_id) if isinstance(choice_id, str) else None
    if choice is None:
        raise Rejected("unknown_choice", f"Ukjent valg «{choice_id}».", f"Unknown choice '{choice_id}'.")
    if choice.requires is not None and not evaluate(choice.requires, _env(scenario, state)):
        raise Rejected(
            "not_available",
            "Valget er ikke tilgjengelig nå.",
            "The choice is not available now.",
        )
    at = event.get("at")
    state["chosen"][role] = choice.id
    state["chosen_at"] = {**state.get("chosen_at", {}), role: at}
    _log(state, "chose", role, [role], choice=choice.id, at=at)
    _apply_effects(scenario, state, scene, choice, at)
    if not waiting_for(scenario, state):
        _advance(scenario, state, scene, "all_chosen", at)


def _force(reason: str):
    def handler(scenario: Scenario, state: State, scene: Scene, event: Event) -> None:
        _advance(scenario, state, scene, reason, event.get("at"))

    return handler


def _inject(scenario: Scenario, state: State, scene: Scene, event: Event) -> None:
    inject = scenario.inject(event.get("inject")) if isinstance(event.get("inject"), str) else None
    if inject is None:
        raise Rejected("unknown_inject", f"Ukjent hendelse «{event.get('inject')}».", "Unknown inject.")
    if inject.id in state["injects_fired"]:
        raise Rejected("inject_fired", "Hendelsen er allerede utløst.", "The inject has already been fired.")
    _fire(scenario, state, inject, event.get("at"))


def _answer(scenario: Scenario, state: State, scene: Scene, event: Event) -> None:
    role = event.get("role")
    if role not in scenario.role_ids:
        raise Rejected("unknown_role", f"Ukjent rolle «{role}».", f"Unknown role '{role}'.")
    checkpoint = next((c for c in scene.checkpoints if c.id == event.get("checkpoint")), None)
    if checkpoint is None:
        raise Rejected(
            "unknown_checkpoint", "Sjekkpunktet hører ikke til denne scenen.", "No such checkpoint here."
        )
    option = next((o for o in checkpoint.options if o.id == event.get("option")), None)
    if option is None:
        raise Rejected("unknown_option", "Ukjent svaralternativ.", "Unknown option.")
    answers = state["answers"].setdefault(checkpoint.id, {})
    if role in answers:
        raise Rejected("already_answered", "Rollen har allerede svart.", "The role has already answered.")
    answers[role] = {
        "option": option.id,
        "correct": option.correct,
        "seq": state["seq"],
        "at": event.get("at"),
    }


MAX_MESSAGE_LENGTH = 500


def _message(scenario: Scenario, state: State, scene: Scene, event: Event) -> None:
    """A facilitator's own text to the team or to some roles: logged for them, changing nothing else."""
    text, to = event.get("text"), event.get("to") or []
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_MESSAGE_LENGTH:
        raise Rejected("bad_message", "Meldingen mangler tekst eller er for lang.", "The message is invalid.")
    if not isinstance(to, list) or any(role not in scenario.role_ids for role in to):
        raise Rejected("unknown_role", "Meldingen går til en ukjent rolle.", "Unknown role in the message.")
    visible_to = [role for role in scenario.role_ids if role in to] or "all"
    _log(state, "message", None, visible_to, text=text.strip(), at=event.get("at"))


_HANDLERS = {
    "choose": _choose,
    "advance": _force("facilitator"),
    "timeout": _force("timeout"),
    "inject": _inject,
    "answer": _answer,
    "message": _message,
}


# --- effects -----------------------------------------------------------------------------------


def _apply_effects(scenario: Scenario, state: State, scene: Scene, choice: Choice, at: Any) -> None:
    role = choice.role
    for assignment in choice.sets:
        if assignment.op == "set":
            state["flags"][assignment.name] = True
        elif assignment.op == "clear":
            state["flags"][assignment.name] = False
        elif assignment.op == "add":
            state["counters"][assignment.name] = state["counters"].get(assignment.name, 0) + assignment.value
        else:
            state["counters"][assignment.name] = assignment.value
    if choice.bti is not None and choice.bti != state["bti"]:
        _log(state, "bti_changed", role, "all", old=state["bti"], new=choice.bti)
        state["bti"] = choice.bti
    for share in choice.shares:
        for info in share.infos:
            if not knows(state, role, info):
                _log(state, "share_unknown", role, [role], info=info)
                continue
            for target in share.to:
                record = _share_record(state, scene, role, target, info, share.basis, at, False)
                state["shares"].append(record)
                if not knows(state, target, info) and target in state["knowledge"]:
                    state["knowledge"][target][info] = _known(
                        state["seq"], state["round"], scene, role, share.basis, at
                    )
            for target in share.external:
                state["shares"].append(_share_record(state, scene, role, target, info, share.basis, at, True))
            _log(
                state,
                "shared",
                role,
                sorted({role, *share.to}),
                info=info,
                to=[*share.to, *share.external],
                external=list(share.external),
                basis=share.basis,
            )
    if choice.baton is not None:
        _baton(state, role, choice.baton.kind, choice.baton.to)
    for action in choice.actions:
        state["actions"].append(
            {
                "seq": state["seq"],
                "round": state["round"],
                "scene": scene.id,
                "day": state["day"],
                "role": role,
                "kind": action.kind,
                "tags": list(action.tags),
                "at": at,
            }
        )
        if action.kind in _PUBLIC_ACTIONS:
            visible: Any = "all"
        else:
            service = _REPORT_RECEIVERS.get(action.kind)
            receivers = [r.id for r in scenario.meta.roles if service is not None and r.service == service]
            visible = sorted({role, *receivers})
        if action.kind != "wait":
            _log(state, "action", role, visible, action=action.kind)
    if choice.measure is not None:
        state["measures"].append(
            {
                "seq": state["seq"],
                "round": state["round"],
                "scene": scene.id,
                "day": state["day"],
                "role": role,
                "domain": choice.measure.domain,
                "shared": choice.measure.shared,
                "at": at,
            }
        )
        _log(state, "measure", role, "all", domain=choice.measure.domain, shared=choice.measure.shared)
    if choice.follow_up_days is not None:
        state["follow_ups"].append(
            {
                "seq": state["seq"],
                "round": state["round"],
                "scene": scene.id,
                "day": state["day"],
                "role": role,
                "days": choice.follow_up_days,
                "at": at,
            }
        )
        _log(state, "follow_up", role, "all", days=choice.follow_up_days)


def _baton(state: State, role: str, kind: str, target: str | None) -> None:
    """Move the baton; a handover counts only when the receiver accepts it (closed loop)."""
    owners: list[str] = state["owners"]
    if kind == "propose" and target is not None and target != role:
        state["handovers"].append({"from": role, "to": target, "seq": state["seq"], "status": "open"})
        _log(state, "baton_proposed", role, sorted({role, target}), to=target)
        return
    if kind in ("take", "propose"):
        if role not in owners:
            owners.append(role)
        _log(state, "baton_taken", role, "all", parallel=len(owners) > 1)
    elif kind == "accept":
        handover = next(
            (h for h in reversed(state["handovers"]) if h["to"] == role and h["status"] == "open"), None
        )
        if handover is None:
            _log(state, "baton_accept_unmatched", role, [role])
            return
        handover["status"] = "accepted"
        handover["accepted_seq"] = state["seq"]
        if handover["from"] in owners:
            owners.remove(handover["from"])
        if role not in owners:
            owners.append(role)
        _log(state, "baton_accepted", role, "all", from_role=handover["from"])
    elif kind == "release":
        if role in owners:
            owners.remove(role)
        _log(state, "baton_released", role, "all")


def _advance(scenario: Scenario, state: State, scene: Scene, reason: str, at: Any) -> None:
    not_acted = [r for r in scene.active_roles if r not in state["chosen"]]
    state["history"].append(
        {
            "scene": scene.id,
            "round": state["round"],
            "day": state["day"],
            "reason": reason,
            "chosen": dict(state["chosen"]),
            "not_acted": not_acted,
            "ended_seq": state["seq"],
            "at": at,
        }
    )
    for role in not_acted:
        _log(state, "not_acted", role, "all", reason=reason)
    env = _env(scenario, state)
    target = next(
        (t.target for t in scene.transitions if t.condition is None or evaluate(t.condition, env)), None
    )
    state["chosen"] = {}
    state["chosen_at"] = {}
    next_scene = scenario.scene(target) if target else None
    if next_scene is not None:
        state["scene"] = next_scene.id
        state["round"] += 1
        state["day"] = max(state["day"], next_scene.day)
        state["scene_started_at"] = at
        _log(state, "scene_started", None, "all", scene=next_scene.id)
        _enter_injects(scenario, state, next_scene)
        return
    ending = scenario.ending(target) if target else None
    state["status"] = "ended"
    state["ending"] = ending.id if ending else None
    state["rating"] = ending.rating if ending else None
    _log(state, "ended", None, "all", ending=state["ending"])


def _enter_injects(scenario: Scenario, state: State, scene: Scene) -> None:
    """Fire the injects tied to entering this scene (those with no delay)."""
    for inject in scenario.injects:
        trigger = inject.trigger
        if trigger.kind == "scene" and trigger.scene == scene.id and not trigger.after_minutes:
            if inject.id not in state["injects_fired"]:
                _fire(scenario, state, inject, state.get("scene_started_at"))


def _fire(scenario: Scenario, state: State, inject, at: Any) -> None:
    targets = list(inject.to or scenario.role_ids)
    state["injects_fired"].append(inject.id)
    scene = scenario.scene(state["scene"])
    for info in inject.reveals:
        if scenario.info(info) is None:
            continue
        for role in targets:
            if not knows(state, role, info):
                state["knowledge"][role][info] = _known(
                    state["seq"], state["round"], scene, None, "inject", at
                )
    _log(state, "inject", None, targets, inject=inject.id)


# --- helpers -------------------------------------------------------------------------------------


def _share_record(
    state: State, scene: Scene, sender: str, target: str, info: str, basis: str, at: Any, external: bool
) -> dict[str, Any]:
    """One disclosure of one item to one receiver; `external` marks a receiver outside the team."""
    return {
        "seq": state["seq"],
        "round": state["round"],
        "scene": scene.id,
        "day": state["day"],
        "from": sender,
        "to": target,
        "info": info,
        "basis": basis,
        "at": at,
        "external": external,
    }


def _known(seq: int, round_: int, scene: Scene, source: str | None, basis: str, at: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "round": round_,
        "scene": scene.id,
        "day": scene.day,
        "from": source,
        "basis": basis,
        "at": at,
    }


def _env(scenario: Scenario, state: State) -> Env:
    return Env(
        flags=state["flags"],
        counters=state["counters"],
        bti=state["bti"],
        owners=tuple(state["owners"]),
        chosen=state["chosen"],
        knows=lambda role, info: knows(state, role, info),
    )


def _log(state: State, kind: str, role: str | None, visible_to: Any, **data: Any) -> None:
    state["log"].append(
        {
            "seq": state["seq"],
            "round": state["round"],
            "scene": state["scene"],
            "day": state["day"],
            "kind": kind,
            "role": role,
            "visible_to": visible_to,
            **data,
        }
    )


def _copy(state: State) -> State:
    """Copy deep enough that handlers can mutate the new state without touching the old one."""
    new = dict(state)
    for key in ("chosen", "flags", "counters", "answers", "chosen_at"):
        if key in new:
            new[key] = dict(new[key])
    new["answers"] = {k: dict(v) for k, v in state["answers"].items()}
    new["knowledge"] = {role: dict(items) for role, items in state["knowledge"].items()}
    new["handovers"] = [dict(h) for h in state["handovers"]]
    for key in ("owners", "shares", "actions", "measures", "follow_ups", "injects_fired", "history", "log"):
        new[key] = list(state[key])
    return new
