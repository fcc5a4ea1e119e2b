"""The immutable, typed model of a scenario; every element keeps the source line it came from."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from functools import cached_property

# --- Conditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A flag, counter or built-in (`bti`, `owner`) read by a condition."""

    name: str


@dataclass(frozen=True)
class Number:
    value: int


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class RoleRef:
    """A role id used as a value, as in `eier == helsesykepleier` (None means nobody)."""

    role: str | None


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class And:
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Compare:
    op: str  # one of == != < <= > >=
    left: Name | Number | RoleRef
    right: Name | Number | RoleRef


@dataclass(frozen=True)
class Chose:
    """True when `role` made `choice` in the current scene."""

    role: str
    choice: str


@dataclass(frozen=True)
class Knows:
    """True when `role` knows information item `info`."""

    role: str
    info: str


Condition = Name | Const | Not | And | Or | Compare | Chose | Knows


# --- Scenario parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    line: int
    service: str = "annet"  # one of vocabulary.SERVICES: what the role is, for law and scoring


@dataclass(frozen=True)
class Expectation:
    """An escalation the author expects, due from a scene on (read by the scoring module)."""

    action: str  # an ACTIONS id, or "bti:N"
    due: str  # scene id from which the action is due
    role: str | None
    grace_scenes: int
    line: int


@dataclass(frozen=True)
class Onset:
    """From when something holds: the whole case, from the first visit to a scene, or once a flag is set."""

    always: bool
    scene: str | None
    flag: str | None
    line: int


@dataclass(frozen=True)
class Meta:
    id: str
    title: str
    language: str
    summary: str
    audience: tuple[str, ...]
    minutes: int | None
    goals: tuple[str, ...]
    roles: tuple[Role, ...]
    bti_level: int
    settings: dict[str, object] = field(hash=False, compare=True)
    authors: tuple[str, ...] = ()
    license: str = ""
    version: str = ""
    parents: str = "indicated"  # or "contraindicated" (suspected abuse by a caregiver)
    expectations: tuple[Expectation, ...] = ()
    line: int = 1
    parents_onset: Onset | None = None  # from when parents are contraindicated; None when indicated
    averting: Onset | None = None  # from when the strl. § 196 threshold is met; None: never in this case
    child: str = ""  # what the debrief calls the child (`child:`); empty: «barnet», never guessed


@dataclass(frozen=True)
class Need:
    role: str
    by: str | None  # scene id by which the role needs it, or None for "before the end"
    line: int


@dataclass(frozen=True)
class Info:
    id: str
    title: str
    text: str
    sensitivity: str
    holders: tuple[str, ...]
    needs: tuple[Need, ...]
    line: int


@dataclass(frozen=True)
class Share:
    infos: tuple[str, ...]
    to: tuple[str, ...]  # role ids
    basis: str
    line: int
    external: tuple[str, ...] = ()  # receivers outside the team, words from EXTERNAL_RECIPIENTS


@dataclass(frozen=True)
class Assignment:
    name: str
    op: str  # "set" (flag true), "clear" (flag false), "add", "assign"
    value: int
    line: int


@dataclass(frozen=True)
class Action:
    kind: str
    tags: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Baton:
    kind: str  # propose | accept | take | release
    to: str | None
    line: int


@dataclass(frozen=True)
class Measure:
    domain: str
    shared: bool
    line: int


@dataclass(frozen=True)
class Annotation:
    dimension: str
    value: int  # -2 … +2: how the choice bears on the dimension
    line: int


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    role: str
    scene: str
    line: int
    expert: bool = False
    requires: Condition | None = None
    requires_text: str = ""
    sets: tuple[Assignment, ...] = ()
    bti: int | None = None
    shares: tuple[Share, ...] = ()
    baton: Baton | None = None
    actions: tuple[Action, ...] = ()
    measure: Measure | None = None
    follow_up_days: int | None = None
    annotations: tuple[Annotation, ...] = ()
    plan: str = ""
    feedback: str = ""
    laws: tuple[str, ...] = ()
    rationale: str = ""


@dataclass(frozen=True)
class RoleSection:
    role: str
    text: str
    choices: tuple[Choice, ...]
    passive: bool
    line: int


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    correct: bool
    line: int


@dataclass(frozen=True)
class Checkpoint:
    id: str
    question: str
    options: tuple[Option, ...]
    explanation: str
    line: int

    @property
    def answer(self) -> str | None:
        """The id of the expert answer, if the author marked one."""
        return next((o.id for o in self.options if o.correct), None)


@dataclass(frozen=True)
class Transition:
    condition: Condition | None  # None: the default ("Ellers")
    condition_text: str
    target: str
    line: int


@dataclass(frozen=True)
class Scene:
    id: str
    title: str
    day: int
    minutes: int | None
    narrative: str
    roles: tuple[RoleSection, ...]
    checkpoints: tuple[Checkpoint, ...]
    transitions: tuple[Transition, ...]
    line: int

    def section(self, role: str) -> RoleSection | None:
        """The role's section in this scene, if it has one."""
        return next((s for s in self.roles if s.role == role), None)

    @property
    def active_roles(self) -> tuple[str, ...]:
        """Roles that must choose before the scene moves on."""
        return tuple(s.role for s in self.roles if not s.passive)

    def choice(self, role: str, choice_id: str) -> Choice | None:
        """Look up one of the role's choices in this scene."""
        section = self.section(role)
        if section is None:
            return None
        return next((c for c in section.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Trigger:
    kind: str  # manual | scene
    scene: str | None
    after_minutes: int | None
    line: int


@dataclass(frozen=True)
class Inject:
    id: str
    title: str
    text: str
    to: tuple[str, ...]  # empty: every role
    trigger: Trigger
    reveals: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Ending:
    id: str
    title: str
    rating: str
    text: str
    line: int


@dataclass(frozen=True)
class Scenario:
    meta: Meta
    intro: str
    infos: tuple[Info, ...]
    scenes: tuple[Scene, ...]
    injects: tuple[Inject, ...]
    endings: tuple[Ending, ...]
    path: str = ""

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.meta.roles)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.meta.roles if r.id == role_id), None)

    @cached_property
    def _scene_index(self) -> dict[str, Scene]:
        return {s.id: s for s in reversed(self.scenes)}

    @cached_property
    def _ending_index(self) -> dict[str, Ending]:
        return {e.id: e for e in reversed(self.endings)}

    def scene(self, scene_id: str) -> Scene | None:
        return self._scene_index.get(scene_id)

    def ending(self, ending_id: str) -> Ending | None:
        return self._ending_index.get(ending_id)

    def info(self, info_id: str) -> Info | None:
        return next((i for i in self.infos if i.id == info_id), None)

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)

    @property
    def start(self) -> Scene | None:
        """The first scene in the file is where every drill starts."""
        return self.scenes[0] if self.scenes else None
