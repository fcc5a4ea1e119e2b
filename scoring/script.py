"""Play a scripted team path through a scenario, so authors can score the paths they care about.

A script is JSON:

    {"choices": {"<scene id>": {"<role id>": "<choice id>"}},
     "answers": {"<checkpoint id>": {"<role id>": "<option id>"}},
     "end_after": "<scene id>"}

Every key is optional. Roles, scenes and checkpoints the script leaves out follow the base profile
(the expert path unless the caller asks for another, see `scenarios.profiles`). A choice of `null`
means the role does not choose in that scene (it times out, as a team that did nothing); a scene
visited more than once gets the same scripted choices on every visit. The run
follows the scenario's own transitions; `end_after` stops the drill after that scene's first visit,
before any ending, as a facilitator who ends a drill early (an incomplete drill). A scripted choice
that is not open where the team is (the scene is never reached, or the choice's condition is false
there) raises `ScriptError` naming the scene and the role; nothing is guessed. `description` and
`expect` keys are allowed and ignored here (the golden corpus keeps its expectations in them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from scenarios.model import Scenario
from scenarios.model import Scene
from scenarios.play import State
from scenarios.play import available_choices
from scenarios.profiles import EXPERT
from scenarios.profiles import POLICIES
from scenarios.profiles import SECONDS_PER_ANSWER
from scenarios.profiles import SECONDS_PER_CHOICE
from scenarios.profiles import SECONDS_PER_TIMEOUT
from scenarios.profiles import Playthrough
from scenarios.profiles import expert_answer

Event = dict[str, Any]

SCRIPT_KEYS = frozenset({"choices", "answers", "end_after", "description", "expect"})


class ScriptError(ValueError):
    """A script that cannot be played; the message names the scene and role, in bokmål and English."""

    def __init__(self, nb: str, en: str, *, scene: str | None = None, role: str | None = None) -> None:
        super().__init__(nb)
        self.nb = nb
        self.en = en
        self.scene = scene
        self.role = role

    def message(self, lang: str = "nb") -> str:
        """The message in the asked language (bokmål unless ``lang`` is ``en``)."""
        return self.en if lang == "en" else self.nb


@dataclass(frozen=True)
class Script:
    """What a scripted team does where it differs from the base profile."""

    choices: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    answers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    end_after: str | None = None


def _mapping_of_ids(value: Any, key: str, allow_null: bool) -> dict[str, dict[str, Any]]:
    """Check one `{"<id>": {"<role>": "<id>"}}` table of a script and copy it."""
    nb = f"«{key}» må være et objekt av objekter med id-er som tekst"
    en = f"'{key}' must be an object of objects with ids as strings"
    if not isinstance(value, dict):
        raise ScriptError(nb + ".", en + ".")
    table: dict[str, dict[str, Any]] = {}
    for outer, inner in value.items():
        if not isinstance(inner, dict):
            raise ScriptError(f"{nb} (ved «{outer}»).", f"{en} (at '{outer}').")
        for role, target in inner.items():
            if not (isinstance(target, str) or (allow_null and target is None)):
                raise ScriptError(f"{nb} (ved «{outer}», «{role}»).", f"{en} (at '{outer}', '{role}').")
        table[outer] = dict(inner)
    return table


def parse_script(text: str) -> Script:
    """Read a script from JSON text.

    :raise ScriptError: on malformed JSON or a wrong shape, with the line and column for JSON errors.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScriptError(
            f"Skriptet er ikke gyldig JSON: linje {error.lineno}, kolonne {error.colno}: {error.msg}.",
            f"The script is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}.",
        ) from error
    if not isinstance(data, dict):
        raise ScriptError("Skriptet må være et JSON-objekt.", "The script must be a JSON object.")
    unknown = sorted(set(data) - SCRIPT_KEYS)
    if unknown:
        allowed = ", ".join(sorted(SCRIPT_KEYS))
        raise ScriptError(
            f"Ukjent nøkkel i skriptet: {', '.join(unknown)} (lov: {allowed}).",
            f"Unknown key in the script: {', '.join(unknown)} (allowed: {allowed}).",
        )
    end_after = data.get("end_after")
    if end_after is not None and not isinstance(end_after, str):
        raise ScriptError("«end_after» må være en scene-id.", "'end_after' must be a scene id.")
    return Script(
        choices=_mapping_of_ids(data.get("choices", {}), "choices", allow_null=True),
        answers=_mapping_of_ids(data.get("answers", {}), "answers", allow_null=False),
        end_after=end_after,
    )


def load_script(path: str | Path) -> Script:
    """Read a script file.

    :raise ScriptError: when the file cannot be read or is not a valid script.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScriptError(
            f"Kan ikke lese skriptet {path}: {error}.", f"Cannot read the script {path}: {error}."
        ) from error
    return parse_script(text)


def _where(scene: str, role: str) -> tuple[str, str]:
    return f"Scene «{scene}», rolle «{role}»", f"Scene '{scene}', role '{role}'"


def _check_choices(scenario: Scenario, script: Script) -> None:
    for scene_id, roles in script.choices.items():
        scene = scenario.scene(scene_id)
        for role, choice_id in roles.items():
            nb, en = _where(scene_id, role)
            if scene is None:
                raise ScriptError(
                    f"{nb}: scenariet har ingen scene med denne id-en.",
                    f"{en}: the scenario has no scene with this id.",
                    scene=scene_id,
                    role=role,
                )
            if role not in scenario.role_ids:
                ids = ", ".join(scenario.role_ids)
                raise ScriptError(
                    f"{nb}: scenariet har ingen rolle med denne id-en (roller: {ids}).",
                    f"{en}: the scenario has no role with this id (roles: {ids}).",
                    scene=scene_id,
                    role=role,
                )
            section = scene.section(role)
            if section is None or section.passive:
                raise ScriptError(
                    f"{nb}: rollen velger ikke i denne scenen.",
                    f"{en}: the role does not choose in this scene.",
                    scene=scene_id,
                    role=role,
                )
            if choice_id is not None and scene.choice(role, choice_id) is None:
                ids = ", ".join(c.id for c in section.choices)
                raise ScriptError(
                    f"{nb}: rollen har ikke valget «{choice_id}» her (valg: {ids}).",
                    f"{en}: the role has no choice '{choice_id}' here (choices: {ids}).",
                    scene=scene_id,
                    role=role,
                )


def _checkpoint_scene(scenario: Scenario, checkpoint_id: str) -> Scene | None:
    return next((s for s in scenario.scenes if any(c.id == checkpoint_id for c in s.checkpoints)), None)


def _check_answers(scenario: Scenario, script: Script) -> None:
    for checkpoint_id, roles in script.answers.items():
        scene = _checkpoint_scene(scenario, checkpoint_id)
        for role, option_id in roles.items():
            if scene is None:
                raise ScriptError(
                    f"Sjekkpunkt «{checkpoint_id}», rolle «{role}»: scenariet har ikke dette sjekkpunktet.",
                    f"Checkpoint '{checkpoint_id}', role '{role}': the scenario has no such checkpoint.",
                    role=role,
                )
            nb, en = _where(scene.id, role)
            if role not in scenario.role_ids:
                raise ScriptError(
                    f"{nb}: scenariet har ingen rolle med denne id-en.",
                    f"{en}: the scenario has no role with this id.",
                    scene=scene.id,
                    role=role,
                )
            checkpoint = next(c for c in scene.checkpoints if c.id == checkpoint_id)
            if all(o.id != option_id for o in checkpoint.options):
                ids = ", ".join(o.id for o in checkpoint.options)
                raise ScriptError(
                    f"{nb}: sjekkpunktet «{checkpoint_id}» har ikke svaret «{option_id}» (svar: {ids}).",
                    f"{en}: checkpoint '{checkpoint_id}' has no option '{option_id}' (options: {ids}).",
                    scene=scene.id,
                    role=role,
                )


def check_script(scenario: Scenario, script: Script) -> None:
    """Check the script's ids against the scenario before playing it.

    :raise ScriptError: naming the scene and role of the first unknown id.
    """
    _check_choices(scenario, script)
    _check_answers(scenario, script)
    if script.end_after is not None and scenario.scene(script.end_after) is None:
        raise ScriptError(
            f"«end_after»: scenariet har ingen scene «{script.end_after}».",
            f"'end_after': the scenario has no scene '{script.end_after}'.",
            scene=script.end_after,
        )


class _ScriptedTeam:
    """The policy of a scripted team: the script where it speaks, the base profile elsewhere."""

    def __init__(self, scenario: Scenario, script: Script, profile: str) -> None:
        self.scenario = scenario
        self.script = script
        self.base = POLICIES[profile]

    def scripted(self, scene: str) -> Mapping[str, str | None]:
        return self.script.choices.get(scene, {})

    def choose(self, scenario: Scenario, state: State, role: str):
        """The role's scripted choice once it is open (None: wait), else the base profile's choice."""
        scripted = self.scripted(state["scene"])
        if role not in scripted:
            return self.base(scenario, state, role)
        wanted = scripted[role]
        return next((c for c in available_choices(scenario, state, role) if c.id == wanted), None)

    def answer(self, scene: Scene, checkpoint_id: str, role: str) -> str | None:
        return self.script.answers.get(checkpoint_id, {}).get(role) or expert_answer(scene, checkpoint_id)


def _answer_all(run: Playthrough, team: _ScriptedTeam) -> None:
    scene = run.scene
    for checkpoint in scene.checkpoints if scene else ():
        for role in run.scenario.role_ids:
            option = team.answer(scene, checkpoint.id, role)
            if option is not None and role not in run.state["answers"].get(checkpoint.id, {}):
                event = {"type": "answer", "role": role, "checkpoint": checkpoint.id, "option": option}
                run.play(event, SECONDS_PER_ANSWER)


def _play_scene(run: Playthrough, team: _ScriptedTeam, scene: Scene) -> None:
    """One scene visit: scripted and profile roles choose; roles still waiting take a first open choice."""
    round_ = run.state["round"]
    scripted = team.scripted(scene.id)
    roles = [r for r in scene.active_roles if scripted.get(r, "") is not None]
    pending = run.choose_by(team.choose, roles, SECONDS_PER_CHOICE)
    if run.running_in(round_):
        run.choose_first_open([r for r in pending if r not in scripted], SECONDS_PER_CHOICE)
    if run.running_in(round_):
        run.choose_by(team.choose, [r for r in pending if r in scripted], SECONDS_PER_CHOICE)
    if run.running_in(round_):
        run.play({"type": "timeout"}, SECONDS_PER_TIMEOUT)


def _check_visit(scenario: Scenario, team: _ScriptedTeam, visit: Mapping[str, Any]) -> None:
    """Raise when a scripted role did not get its choice in the scene visit just played."""
    for role, wanted in team.scripted(visit["scene"]).items():
        if wanted is None or visit["chosen"].get(role) == wanted:
            continue
        nb, en = _where(visit["scene"], role)
        raise ScriptError(
            f"{nb}: valget «{wanted}» er ikke tilgjengelig der teamet er (vilkåret for valget er ikke "
            "oppfylt på denne stien).",
            f"{en}: the choice '{wanted}' is not available where the team is (its condition is not met "
            "on this path).",
            scene=visit["scene"],
            role=role,
        )


def _check_reached(scenario: Scenario, script: Script, visited: set[str]) -> None:
    for scene_id, roles in script.choices.items():
        if scene_id not in visited and roles:
            role = next(iter(roles))
            nb, en = _where(scene_id, role)
            raise ScriptError(
                f"{nb}: teamet kommer aldri til denne scenen på denne stien, så valget kan ikke tas.",
                f"{en}: the team never reaches this scene on this path, so the choice cannot be made.",
                scene=scene_id,
                role=role,
            )
    for checkpoint_id, roles in script.answers.items():
        scene = _checkpoint_scene(scenario, checkpoint_id)
        if scene is not None and scene.id not in visited and roles:
            role = next(iter(roles))
            nb, en = _where(scene.id, role)
            raise ScriptError(
                f"{nb}: teamet kommer aldri til sjekkpunktet «{checkpoint_id}» på denne stien.",
                f"{en}: the team never reaches checkpoint '{checkpoint_id}' on this path.",
                scene=scene.id,
                role=role,
            )
    if script.end_after is not None and script.end_after not in visited:
        raise ScriptError(
            f"«end_after»: teamet kommer aldri til scenen «{script.end_after}» på denne stien.",
            f"'end_after': the team never reaches scene '{script.end_after}' on this path.",
            scene=script.end_after,
        )


def script_events(scenario: Scenario, script: Script | None = None, *, profile: str = EXPERT) -> list[Event]:
    """The events of a drill in which the team follows ``script`` and otherwise the ``profile``.

    With an empty script and the expert profile this is the expert path of `scoring.paths`.

    :raise ScriptError: when an id is unknown or a scripted choice is not open where the team is.
    :raise KeyError: for an unknown profile.
    """
    script = script or Script()
    check_script(scenario, script)
    team = _ScriptedTeam(scenario, script, profile)
    run = Playthrough(scenario)
    visited: set[str] = set()
    while run.state["status"] == "running" and run.state["round"] <= run.round_limit:
        scene = run.scene
        assert scene is not None
        visited.add(scene.id)
        run.fire_timed_injects()
        _answer_all(run, team)
        _play_scene(run, team, scene)
        _check_visit(scenario, team, run.state["history"][-1])
        if scene.id == script.end_after:
            break
    _check_reached(scenario, script, visited)
    return run.events
