"""The runtime: replay determinism, effects of choices, and events that must be rejected."""

from __future__ import annotations

import json
import re

import pytest

from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.play import Rejected
from scenarios.play import apply
from scenarios.play import available_choices
from scenarios.play import initial_state
from scenarios.play import open_checkpoints
from scenarios.play import replay
from scenarios.play import replay_lenient
from scenarios.play import visible_log
from scenarios.play import waiting_for
from tests.scenarios.conftest import FIXTURES


@pytest.fixture(scope="module")
def scenario():
    result = check_file(FIXTURES / "minimal.md")
    assert result.ok, result.diagnostics
    return result.scenario


GOOD_PATH = [
    {"type": "answer", "role": "helsesykepleier", "checkpoint": "cp-niva", "option": "n0", "at": 5},
    {"type": "choose", "role": "kontaktlaerer", "choice": "del", "scene": "uke1", "at": 10},
    {"type": "choose", "role": "helsesykepleier", "choice": "samtale", "scene": "uke1", "at": 20},
    {"type": "inject", "inject": "mor-ringer", "at": 25},
    {"type": "choose", "role": "kontaktlaerer", "choice": "meld", "scene": "uke2", "at": 30},
]


def test_initial_state_gives_holders_their_information(scenario) -> None:
    state = initial_state(scenario)
    assert state["scene"] == "uke1"
    assert set(state["knowledge"]["kontaktlaerer"]) == {"fravaer"}
    assert set(state["knowledge"]["helsesykepleier"]) == {"hodepine"}
    assert waiting_for(scenario, state) == ["kontaktlaerer", "helsesykepleier"]


def test_replay_is_deterministic_and_json_serialisable(scenario) -> None:
    first = replay(scenario, GOOD_PATH)
    second = replay(scenario, json.loads(json.dumps(GOOD_PATH)))
    assert first == second
    assert json.loads(json.dumps(first)) == first
    assert first["status"] == "ended"
    assert first["ending"] == "slutt-god"
    assert first["rating"] == "good"


def test_share_gives_knowledge_with_source_and_time(scenario) -> None:
    state = replay(scenario, GOOD_PATH[:2])
    known = state["knowledge"]["helsesykepleier"]["fravaer"]
    assert known["from"] == "kontaktlaerer"
    assert known["basis"] == "consent"
    assert known["seq"] == 2
    assert state["flags"] == {"delt": True}
    assert state["counters"] == {"bekymring": 1}


def test_scene_advances_when_every_active_role_has_chosen(scenario) -> None:
    state = replay(scenario, GOOD_PATH[:3])
    assert state["scene"] == "uke2"
    assert state["round"] == 2
    assert state["day"] == 7
    assert state["history"][0]["chosen"] == {"kontaktlaerer": "del", "helsesykepleier": "samtale"}
    # The nurse is passive in the second scene, so only the teacher is waited for.
    assert waiting_for(scenario, state) == ["kontaktlaerer"]


def test_default_transition_when_condition_false(scenario) -> None:
    state = replay(
        scenario,
        [
            {"type": "choose", "role": "kontaktlaerer", "choice": "vent"},
            {"type": "choose", "role": "helsesykepleier", "choice": "samtale"},
        ],
    )
    assert state["status"] == "ended"
    assert state["ending"] == "slutt-svak"


def test_baton_taken_is_visible_to_all(scenario) -> None:
    state = replay(scenario, GOOD_PATH[:3])
    assert state["owners"] == ["helsesykepleier"]
    taken = [e for e in state["log"] if e["kind"] == "baton_taken"]
    assert taken and taken[0]["visible_to"] == "all"


def test_private_choice_is_only_in_own_log(scenario) -> None:
    state = replay(scenario, GOOD_PATH[:2])
    teacher_kinds = [e["kind"] for e in visible_log(state, "kontaktlaerer")]
    nurse_entries = visible_log(state, "helsesykepleier")
    assert "chose" in teacher_kinds
    assert not any(e["kind"] == "chose" and e["role"] == "kontaktlaerer" for e in nurse_entries)
    # The share is seen by both sharer and receiver.
    assert any(e["kind"] == "shared" for e in nurse_entries)


def test_timeout_records_roles_that_did_not_act(scenario) -> None:
    state = replay(
        scenario,
        [
            {"type": "choose", "role": "kontaktlaerer", "choice": "del"},
            {"type": "timeout", "at": 600},
        ],
    )
    assert state["scene"] == "uke2"
    assert state["history"][0]["not_acted"] == ["helsesykepleier"]
    assert state["history"][0]["reason"] == "timeout"


def test_facilitator_can_force_advance(scenario) -> None:
    state = replay(scenario, [{"type": "advance"}])
    assert state["history"][0]["reason"] == "facilitator"
    assert state["ending"] == "slutt-svak"


def test_inject_reveals_to_targets_and_fires_once(scenario) -> None:
    state = replay(scenario, [{"type": "inject", "inject": "mor-ringer"}])
    assert "mor-ringer" in state["injects_fired"]
    entry = [e for e in state["log"] if e["kind"] == "inject"][0]
    assert entry["visible_to"] == ["kontaktlaerer"]
    with pytest.raises(Rejected) as error:
        apply(scenario, state, {"type": "inject", "inject": "mor-ringer"})
    assert error.value.code == "inject_fired"


def test_a_facilitators_message_is_logged_for_its_roles_and_changes_nothing_else(scenario) -> None:
    before = initial_state(scenario)
    state = apply(
        scenario, before, {"type": "message", "text": " Møt i gymsalen ", "to": ["helsesykepleier"]}
    )
    entry = state["log"][-1]
    assert (entry["kind"], entry["text"], entry["visible_to"]) == (
        "message",
        "Møt i gymsalen",
        ["helsesykepleier"],
    )
    assert visible_log(state, "kontaktlaerer") == visible_log(before, "kontaktlaerer")
    assert {k: v for k, v in state.items() if k not in ("log", "seq")} == {
        k: v for k, v in before.items() if k not in ("log", "seq")
    }
    to_all = apply(scenario, before, {"type": "message", "text": "Pause om fem minutter"})
    assert to_all["log"][-1]["visible_to"] == "all"
    for bad in ({"text": "   "}, {"text": "x" * 501}, {"text": "Hei", "to": ["rektor"]}, {"text": 5}):
        with pytest.raises(Rejected):
            apply(scenario, before, {"type": "message", **bad})


def test_checkpoint_answer_is_stored_privately_once(scenario) -> None:
    state = replay(scenario, GOOD_PATH[:1])
    assert state["answers"]["cp-niva"]["helsesykepleier"]["correct"] is True
    with pytest.raises(Rejected) as error:
        apply(scenario, state, GOOD_PATH[0])
    assert error.value.code == "already_answered"


def test_a_checkpoint_left_unanswered_stays_open_after_its_scene_until_answered(scenario) -> None:
    state = replay(scenario, GOOD_PATH[1:3])  # «Uke 1» closes; the teacher has not answered cp-niva
    assert state["scene"] == "uke2"
    assert [(s.id, c.id) for s, c in open_checkpoints(scenario, state, "kontaktlaerer")] == [
        ("uke1", "cp-niva")
    ]
    late = {
        "type": "answer",
        "role": "kontaktlaerer",
        "checkpoint": "cp-niva",
        "option": "n1",
        "scene": "uke1",
    }
    answered = apply(scenario, state, late)
    assert answered["answers"]["cp-niva"]["kontaktlaerer"]["option"] == "n1"
    assert open_checkpoints(scenario, answered, "kontaktlaerer") == []
    with pytest.raises(Rejected) as error:  # a scene the team has not reached is not open
        apply(scenario, initial_state(scenario), {**late, "scene": "uke2"})
    assert error.value.code == "stale"

    ended = replay(scenario, [GOOD_PATH[2], {**GOOD_PATH[1], "choice": "vent"}])  # the weak ending
    assert ended["status"] == "ended" and open_checkpoints(scenario, ended, "kontaktlaerer")
    after = apply(scenario, ended, late)  # still open after the team reached its ending
    assert after["answers"]["cp-niva"]["kontaktlaerer"]["option"] == "n1"
    with pytest.raises(Rejected) as error:
        apply(scenario, ended, {"type": "choose", "role": "kontaktlaerer", "choice": "meld", "scene": "uke1"})
    assert error.value.code == "ended"


@pytest.mark.parametrize(
    ("events", "event", "code"),
    [
        ([], {"type": "choose", "role": "rektor", "choice": "del"}, "unknown_role"),
        ([], {"type": "choose", "role": "kontaktlaerer", "choice": "fly"}, "unknown_choice"),
        ([], {"type": "choose", "role": "kontaktlaerer", "choice": "meld"}, "unknown_choice"),
        (GOOD_PATH[1:2], GOOD_PATH[1], "already_chosen"),
        (GOOD_PATH[1:3], {"type": "choose", "role": "helsesykepleier", "choice": "samtale"}, "not_active"),
        (
            GOOD_PATH[1:3],
            {"type": "choose", "role": "kontaktlaerer", "choice": "meld", "scene": "uke1"},
            "stale",
        ),
        (GOOD_PATH[1:], {"type": "advance"}, "ended"),
        ([], {"type": "dance"}, "unknown_type"),
        ([], {"type": "inject", "inject": "nope"}, "unknown_inject"),
        (
            [],
            {"type": "answer", "role": "kontaktlaerer", "checkpoint": "cp-niva", "option": "n9"},
            "unknown_option",
        ),
        (
            [],
            {"type": "answer", "role": "kontaktlaerer", "checkpoint": "nope", "option": "n0"},
            "unknown_checkpoint",
        ),
        ([], "not a mapping", "malformed"),
    ],
)
def test_rejected_events_change_nothing(scenario, events, event, code) -> None:
    state = replay(scenario, events)
    snapshot = json.dumps(state, sort_keys=True)
    with pytest.raises(Rejected) as error:
        apply(scenario, state, event)
    assert error.value.code == code
    assert error.value.message("nb") and error.value.message("en")
    assert json.dumps(state, sort_keys=True) == snapshot


def test_replay_lenient_skips_and_reports_rejected(scenario) -> None:
    events = [GOOD_PATH[1], GOOD_PATH[1], GOOD_PATH[2]]
    state, skipped = replay_lenient(scenario, events)
    assert [(i, e.code) for i, e in skipped] == [(1, "already_chosen")]
    assert state == replay(scenario, [GOOD_PATH[1], GOOD_PATH[2]])


def test_choice_requirements_and_closed_loop_handover() -> None:
    source = (FIXTURES / "handover.md").read_text(encoding="utf-8")
    from scenarios.check import check_source

    result = check_source(source)
    assert result.ok, result.diagnostics
    scenario = result.scenario
    state = replay(
        scenario,
        [
            {"type": "choose", "role": "a", "choice": "foresla"},
            {"type": "choose", "role": "b", "choice": "vent"},
        ],
    )
    assert state["owners"] == ["a"]
    assert state["handovers"] == []
    state = apply(scenario, state, {"type": "choose", "role": "a", "choice": "gi"})
    assert state["scene"] == "mottak"
    assert state["handovers"] == [{"from": "a", "to": "b", "seq": 3, "status": "open"}]
    assert state["owners"] == ["a"]  # a proposal alone moves nothing
    assert [c.id for c in available_choices(scenario, state, "b")] == ["ta-imot", "vent"]
    state = apply(scenario, state, {"type": "choose", "role": "b", "choice": "ta-imot"})
    assert state["handovers"][0]["status"] == "accepted"
    assert state["owners"] == ["b"]
    assert state["ending"] == "slutt"
    # Without the flag from the first scene, accepting is not offered and is rejected.
    other = replay(
        scenario,
        [
            {"type": "choose", "role": "a", "choice": "nei"},
            {"type": "choose", "role": "b", "choice": "vent"},
            {"type": "choose", "role": "a", "choice": "gi"},
        ],
    )
    assert [c.id for c in available_choices(scenario, other, "b")] == ["vent"]
    with pytest.raises(Rejected) as error:
        apply(scenario, other, {"type": "choose", "role": "b", "choice": "ta-imot"})
    assert error.value.code == "not_available"


def _expert_run(scenario) -> dict:
    """Play every role's expert choice (or its first open one) until the drill ends."""
    state = initial_state(scenario)
    while state["status"] == "running" and state["round"] < 50:
        waiting = waiting_for(scenario, state)
        if not waiting:
            state = apply(scenario, state, {"type": "timeout"})
            continue
        options = available_choices(scenario, state, waiting[0])
        pick = next((c for c in options if c.expert), options[0])
        state = apply(scenario, state, {"type": "choose", "role": waiting[0], "choice": pick.id})
    return state


@pytest.mark.parametrize("name", ["fravaer-og-hodepine", "blamerker-i-barnehagen"])
def test_renaming_a_role_id_changes_nothing_in_play(name: str) -> None:
    source = (FIXTURES.parents[2] / "scenarios" / "library" / f"{name}.md").read_text(encoding="utf-8")
    renamed = re.sub(r"(?<![\w-])bvt(?![\w-])", "barnevernet", source, flags=re.IGNORECASE)
    original, changed = check_source(source), check_source(renamed)
    assert [d.format() for d in changed.diagnostics] == []
    first, second = _expert_run(original.scenario), _expert_run(changed.scenario)
    assert json.loads(json.dumps(second).replace("barnevernet", "bvt")) == first
    assert any(e["kind"] == "action" and "bvt" in e["visible_to"] for e in first["log"] if e["role"] != "bvt")
