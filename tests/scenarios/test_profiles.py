"""Profiles play the roles nobody plays: the expert path and a cautious team, with feedback on choices."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.parse import parse
from scenarios.play import State
from scenarios.play import apply
from scenarios.play import available_choices
from scenarios.play import initial_state
from scenarios.profiles import CAUTIOUS
from scenarios.profiles import EXPERT
from scenarios.profiles import answer_feedback
from scenarios.profiles import cautious_choice
from scenarios.profiles import choice_feedback
from scenarios.profiles import expert_answer
from scenarios.profiles import expert_choice
from scenarios.profiles import players_turn
from scenarios.profiles import team_events
from scenarios.profiles import unanswered
from scoring import DrillLog
from scoring import score_drill
from scoring.paths import expert_events

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SCENARIO_FILES = sorted((REPO / "scenarios" / "library").glob("*.md")) + sorted(FIXTURES.glob("*.md"))
LIBRARY = sorted((REPO / "scenarios" / "library").glob("*.md"))


def load(path: Path):
    scenario = parse(path.read_text(encoding="utf-8")).scenario
    assert scenario is not None
    return scenario


def advance(scenario, state: State, events: list[dict]) -> State:
    for event in events:
        state = apply(scenario, state, event)
    return state


def solo(scenario, player: str, profile: str, pick=expert_choice) -> tuple[State, list[dict]]:
    """Play a whole solo run: the person picks with ``pick`` (first open choice if it gives None)."""
    state, events, clock = initial_state(scenario), [], 0.0
    for _turn in range(500):
        team = team_events(scenario, state, player, profile, clock=clock)
        assert all(event.get("role") != player for event in team)
        state = advance(scenario, state, team)
        events += team
        clock = team[-1]["at"] if team else clock
        if state["status"] != "running":
            return state, events
        assert players_turn(scenario, state, player), "the team stopped although the person cannot act"
        scene = scenario.scene(state["scene"])
        pending = unanswered(scenario, state, player)
        clock += 10
        if pending:
            option = expert_answer(scene, pending[0])
            event = {
                "type": "answer",
                "role": player,
                "checkpoint": pending[0],
                "option": option,
                "at": clock,
            }
        else:
            choice = pick(scenario, state, player) or available_choices(scenario, state, player)[0]
            event = {"type": "choose", "role": player, "choice": choice.id, "scene": scene.id, "at": clock}
        state = apply(scenario, state, event)
        events.append(event)
    raise AssertionError("the solo run did not end")


@pytest.fixture
def minimal():
    return load(FIXTURES / "minimal.md")


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_playing_expert_everywhere_scores_like_the_expert_path(path):
    scenario = load(path)
    reference = score_drill(scenario, DrillLog.of(expert_events(scenario)))
    for role in scenario.role_ids:
        state, events = solo(scenario, role, EXPERT)
        report = score_drill(scenario, DrillLog.of(events))
        assert state["ending"] == reference.ending, role
        assert report.total == reference.total, role


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_library_expert_path_reaches_the_good_ending_in_every_role(path):
    scenario = load(path)
    for role in scenario.role_ids:
        state, _events = solo(scenario, role, EXPERT)
        assert state["rating"] == "good", role


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_a_cautious_team_drags_an_expert_player_down(path):
    scenario = load(path)
    expert_total = score_drill(scenario, DrillLog.of(expert_events(scenario))).total
    for role in scenario.role_ids:
        state, events = solo(scenario, role, CAUTIOUS)
        assert state["rating"] != "good", role
        assert score_drill(scenario, DrillLog.of(events)).total < expert_total
        # Deterministic: the same run twice gives the same events.
        assert solo(scenario, role, CAUTIOUS)[1] == events


def test_the_person_answers_the_checkpoint_before_anyone_chooses(minimal):
    state = initial_state(minimal)
    team = team_events(minimal, state, "kontaktlaerer", EXPERT)
    assert [(e["type"], e["role"]) for e in team] == [("answer", "helsesykepleier")]
    state = advance(minimal, state, team)
    assert unanswered(minimal, state, "kontaktlaerer") == ["cp-niva"]
    assert state["chosen"] == {}


def test_the_others_choose_before_the_person_and_the_scene_waits(minimal):
    state = apply(
        minimal,
        initial_state(minimal),
        {"type": "answer", "role": "kontaktlaerer", "checkpoint": "cp-niva", "option": "n0"},
    )
    team = team_events(minimal, state, "kontaktlaerer", EXPERT, clock=10.0)
    assert [e["type"] for e in team] == ["answer", "choose"]
    assert team[-1] == {
        "type": "choose",
        "role": "helsesykepleier",
        "choice": "samtale",
        "scene": "uke1",
        "at": 60.0,
    }
    state = advance(minimal, state, team)
    assert state["scene"] == "uke1"
    assert players_turn(minimal, state, "kontaktlaerer")


def test_a_passive_scene_plays_itself_and_timed_injects_fire(minimal):
    # The nurse is passive in week 2: once the teacher has reported, the scenario reaches its end.
    state, _ = solo(minimal, "helsesykepleier", EXPERT)
    assert state["ending"] == "slutt-god"
    assert "mor-ringer" in state["injects_fired"]


def test_the_team_moves_on_when_the_person_has_nothing_to_choose(minimal):
    # The nurse chose in week 1 and is passive in week 2: the team must not wait for them there.
    state = initial_state(minimal)
    state = apply(
        minimal, state, {"type": "answer", "role": "helsesykepleier", "checkpoint": "cp-niva", "option": "n1"}
    )
    state = apply(minimal, state, {"type": "choose", "role": "helsesykepleier", "choice": "samtale"})
    team = team_events(minimal, state, "helsesykepleier", EXPERT)
    state = advance(minimal, state, team)
    assert state["status"] == "ended"
    assert [e["choice"] for e in team if e["type"] == "choose"] == ["del", "meld"]


def test_cautious_waits_rather_than_shares(minimal):
    state = initial_state(minimal)
    assert expert_choice(minimal, state, "kontaktlaerer").id == "del"
    assert cautious_choice(minimal, state, "kontaktlaerer").id == "vent"
    # With only the expert choice open, a cautious nurse still acts.
    assert cautious_choice(minimal, state, "helsesykepleier").id == "samtale"


def test_cautious_prefers_the_least_escalating_choice():
    scenario = load(REPO / "scenarios" / "library" / "fravaer-og-hodepine.md")
    state = initial_state(scenario)
    choice = cautious_choice(scenario, state, "kontaktlaerer")
    assert choice is not None and not choice.expert
    assert not choice.shares and choice.bti in (None, state["bti"])
    for other in available_choices(scenario, state, "kontaktlaerer"):
        assert not (other.bti or 0) < (choice.bti or 0)


WAITING = """\
---
id: venter
title: Venter
language: nb
summary: Helsesykepleier venter på læreren.
roles:
  - id: laerer
    name: Kontaktlærer
    service: skole
  - id: helse
    name: Helsesykepleier
    service: helse
---

# Innledning

Mia er mye borte.

# Scene: Første {#s1 dag=0}

## Kontaktlærer

- Ring helsesykepleier {#ring .ekspert}

  Godt.

- Vent {#vent}

  Risikabelt.

## Helsesykepleier

- Følg opp samtalen {#folg .ekspert}
  - Krever: `laerer valgte ring`

  Godt.

- Avvent {#avvent}

  Risikabelt.

## Videre

- Ellers: [Slutt](#slutt)

# Slutt: Slutt {#slutt vurdering=god}

Bra.
"""


def test_expert_waits_for_the_persons_choice_that_opens_its_own():
    scenario = parse(WAITING).scenario
    state = initial_state(scenario)
    assert expert_choice(scenario, state, "helse") is None
    assert team_events(scenario, state, "laerer", EXPERT) == []
    state = apply(scenario, state, {"type": "choose", "role": "laerer", "choice": "ring"})
    team = team_events(scenario, state, "laerer", EXPERT)
    assert [e["choice"] for e in team] == ["folg"]
    assert advance(scenario, state, team)["ending"] == "slutt"


def test_expert_takes_its_first_open_choice_when_the_expert_one_never_opens():
    scenario = parse(WAITING).scenario
    state = apply(scenario, initial_state(scenario), {"type": "choose", "role": "laerer", "choice": "vent"})
    team = team_events(scenario, state, "laerer", EXPERT)
    assert [e["choice"] for e in team] == ["avvent"]


def test_feedback_on_a_non_expert_choice_names_the_expert_choice(minimal):
    state = initial_state(minimal)
    feedback = choice_feedback(minimal, state, "kontaktlaerer", "vent")
    assert not feedback.matched
    assert feedback.expert is not None and feedback.expert.label == "Del fraværet med helsesykepleier"
    assert feedback.expert.rationale == "Med samtykke kan du dele."
    assert feedback.expert_open
    assert feedback.rationale == "Å vente er risikabelt."
    assert feedback.laws == ("fvl. § 13 a nr. 1",)


def test_feedback_on_the_expert_choice(minimal):
    feedback = choice_feedback(minimal, initial_state(minimal), "kontaktlaerer", "del")
    assert feedback.matched and feedback.expert is None
    assert feedback.laws == ("fvl. § 13 a nr. 1",)


def test_feedback_carries_the_authors_tilbakemelding():
    scenario = load(REPO / "scenarios" / "library" / "fravaer-og-hodepine.md")
    state = initial_state(scenario)
    role, choice = next(
        (section.role, c)
        for section in scenario.start.roles
        for c in available_choices(scenario, state, section.role)
        if c.feedback
    )
    assert choice_feedback(scenario, state, role, choice.id).feedback == choice.feedback


def test_bad_input_is_refused(minimal):
    with pytest.raises(LookupError):
        choice_feedback(minimal, initial_state(minimal), "kontaktlaerer", "finnes-ikke")
    with pytest.raises(KeyError):
        team_events(minimal, initial_state(minimal), "kontaktlaerer", "modig")


def test_profiles_import_no_flask():
    code = "import sys, scenarios.profiles; assert 'flask' not in sys.modules and 'app' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_feedback_on_a_checkpoint_answer(minimal):
    state = initial_state(minimal)
    wrong = answer_feedback(minimal, state, "cp-niva", "n1")
    assert not wrong.correct and wrong.answer.label == "Nivå 0"
    assert wrong.explanation == "Vi er fortsatt på nivå 0."
    right = answer_feedback(minimal, state, "cp-niva", "n0")
    assert right.correct and right.answer is None
    with pytest.raises(LookupError):
        answer_feedback(minimal, state, "cp-niva", "n9")
