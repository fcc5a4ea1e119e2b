"""The checker: every problem in one pass, each with a stable code, a line and a hint for the author."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scenarios.analysis import Facts
from scenarios.conditions import atoms
from scenarios.conditions import names_read
from scenarios.diagnostics import Diagnostic
from scenarios.diagnostics import has_errors
from scenarios.ids import show_id
from scenarios.ids import slugify
from scenarios.ids import valid_id
from scenarios.images import foreign_images
from scenarios.knowledge import Knowledge
from scenarios.knowledge import guaranteed_by
from scenarios.model import Chose
from scenarios.model import Condition
from scenarios.model import Inject
from scenarios.model import Knows
from scenarios.model import Scenario
from scenarios.model import Scene
from scenarios.parse import parse
from scenarios.reporter import Reporter
from scenarios.vocabulary import TALK_KINDS


@dataclass(frozen=True)
class CheckResult:
    scenario: Scenario | None
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        """A scenario with no errors can be played (warnings are allowed)."""
        return self.scenario is not None and not has_errors(self.diagnostics)


def check_source(source: str | bytes, path: str = "", lang: str = "nb") -> CheckResult:
    """Parse and check scenario source, returning the model (if any) and all diagnostics, sorted by line."""
    parsed = parse(source, path, lang)
    diagnostics = list(parsed.diagnostics)
    if parsed.scenario is not None and parsed.front_matter_ok:
        reporter = Reporter(path, lang)
        _Checker(parsed.scenario, reporter).run()
        diagnostics.extend(reporter.items)
        diagnostics.extend(remote_image_diagnostics(source, path, lang))
    diagnostics.sort(key=lambda d: (d.line, d.code))
    return CheckResult(parsed.scenario, diagnostics)


def remote_image_diagnostics(source: str | bytes, path: str = "", lang: str = "nb") -> list[Diagnostic]:
    """SC047 for each image whose address is neither Laget's own nor embedded (see scenarios.images)."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    reporter = Reporter(path, lang)
    for line, url in foreign_images(text):
        reporter.add("SC047", line, url=url if len(url) <= 80 else url[:77] + "…")
    return reporter.items


def check_file(path: str | Path, lang: str = "nb") -> CheckResult:
    """Check a scenario file; an unreadable file is a diagnostic, not an exception."""
    path = Path(path)
    reporter = Reporter(str(path), lang)
    try:
        data = path.read_bytes()
    except OSError as error:
        reporter.add("SC046", 1, problem=reporter.text(*_os_problem(error)))
        return CheckResult(None, reporter.items)
    return check_source(data, str(path), lang)


def _os_problem(error: OSError) -> tuple[str, str]:
    """Why a file could not be opened, in bokmål and English, never the operating system's own English."""
    if isinstance(error, FileNotFoundError):
        return "fila finnes ikke", "the file does not exist"
    if isinstance(error, IsADirectoryError):
        return "det er en mappe, ikke en fil", "it is a folder, not a file"
    if isinstance(error, PermissionError):
        return "du har ikke lesetilgang til fila", "you are not allowed to read the file"
    return (
        f"operativsystemet svarte med feil nr. {error.errno}",
        f"the operating system answered with error no. {error.errno}",
    )


def check(scenario: Scenario, lang: str = "nb") -> list[Diagnostic]:
    """Run the semantic checks on an already parsed scenario."""
    reporter = Reporter(scenario.path, lang)
    _Checker(scenario, reporter).run()
    return reporter.sorted()


# A text that points at "the event(s)" in the scenario's languages, as in "(se hendelsen)".
EVENT_WORDS = re.compile(
    r"\b(hendelsen|hendelsene|hendinga|hendingane|the events?|the injects?)\b", re.IGNORECASE
)


class _Checker:
    def __init__(self, scenario: Scenario, reporter: Reporter) -> None:
        self.s = scenario
        self.r = reporter
        self.facts = Facts(scenario)

    def run(self) -> None:
        self.structure()
        self.ids()
        self.duplicates()
        self.references()
        self.roles_and_choices()
        self.conditions()
        self.graph()
        self.information()
        self.checkpoints()
        self.timed_injects()

    # --- whole-document structure ------------------------------------------------------------

    def structure(self) -> None:
        if not self.s.intro.strip():
            self.r.add("SC030", 1)
        if not self.s.scenes:
            self.r.add("SC024", 1)
        if not self.s.endings:
            self.r.add("SC025", 1)

    def ids(self) -> None:
        """Every id the author wrote is safe for links and exports: a–z, 0–9 and hyphens."""
        elements = [*self.s.infos, *self.s.scenes, *self.s.injects, *self.s.endings]
        for scene in self.s.scenes:
            elements += [c for section in scene.roles for c in section.choices]
            elements += [*scene.checkpoints, *(o for c in scene.checkpoints for o in c.options)]
        for element in elements:
            if not valid_id(element.id):
                self.r.add("SC044", element.line, id=show_id(element.id), suggestion=slugify(element.id))

    def duplicates(self) -> None:
        def report(items: Iterator[tuple[str, int]]) -> None:
            first: dict[str, int] = {}
            for item_id, line in items:
                if item_id in first:
                    self.r.add("SC010", line, id=item_id, first=first[item_id])
                else:
                    first[item_id] = line

        report((x.id, x.line) for x in (*self.s.scenes, *self.s.endings))
        report((i.id, i.line) for i in self.s.infos)
        report((i.id, i.line) for i in self.s.injects)
        report((c.id, c.line) for s in self.s.scenes for c in s.checkpoints)
        for scene in self.s.scenes:
            report((r.role, r.line) for r in scene.roles)
            for section in scene.roles:
                report((c.id, c.line) for c in section.choices)
            for checkpoint in scene.checkpoints:
                report((o.id, o.line) for o in checkpoint.options)

    def references(self) -> None:
        scenes = {s.id for s in self.s.scenes}
        infos = {i.id for i in self.s.infos}
        known_infos = sorted(infos)
        for info in self.s.infos:
            for need in info.needs:
                if need.by is not None and need.by not in scenes:
                    self.r.add("SC031", need.line, scene=need.by, known=sorted(scenes))
        for inject in self.s.injects:
            if inject.trigger.scene is not None and inject.trigger.scene not in scenes:
                self.r.add("SC031", inject.trigger.line, scene=inject.trigger.scene, known=sorted(scenes))
            for info in inject.reveals:
                if info not in infos:
                    self.r.add("SC008", inject.line, info=info, known=known_infos)
        for expectation in self.s.meta.expectations:
            if expectation.due not in scenes:
                self.r.add("SC031", expectation.line, scene=expectation.due, known=sorted(scenes))
        for key, onset in (("parents", self.s.meta.parents_onset), ("averting_duty", self.s.meta.averting)):
            if onset is not None and onset.scene is not None and onset.scene not in scenes:
                self.r.add("SC031", onset.line, scene=onset.scene, known=sorted(scenes))
            if onset is not None and onset.flag and onset.flag not in self.facts.flag_true_possible:
                self.r.add("SC045", onset.line, name=onset.flag, key=key)
        for choice in self._choices():
            for share in choice.shares:
                for info in share.infos:
                    if info not in infos:
                        self.r.add("SC008", share.line, info=info, known=known_infos)

    def _choices(self):
        for scene in self.s.scenes:
            for section in scene.roles:
                yield from section.choices

    # --- roles and choices ------------------------------------------------------------------

    def roles_and_choices(self) -> None:
        proposed_to = {c.baton.to for c in self._choices() if c.baton and c.baton.kind == "propose"}
        for scene in self.s.scenes:
            for section in scene.roles:
                role_name = self._role_name(section.role)
                if not section.passive and not section.choices:
                    self.r.add("SC005", section.line, role=role_name, scene=scene.id)
                experts = [c for c in section.choices if c.expert]
                if section.choices and not experts:
                    self.r.add("SC036", section.line, role=role_name, scene=scene.id)
                for extra in experts[1:]:
                    self.r.add("SC037", extra.line, role=role_name, scene=scene.id)
                for choice in section.choices:
                    if not choice.rationale.strip():
                        self.r.add("SC013", choice.line, choice=choice.label or choice.id)
                    for action in choice.actions:
                        if action.kind == "talk_child" and not set(action.tags) & set(TALK_KINDS):
                            self.r.add("SC043", action.line)
                    if self._service(section.role) == "helse":
                        for share in choice.shares:
                            if share.basis == "task":
                                for info in share.infos:
                                    self.r.add("SC048", share.line, role=role_name, info=info)
                    if choice.baton and choice.baton.kind == "accept" and section.role not in proposed_to:
                        self.r.add("SC034", choice.baton.line, role=section.role, scene=scene.id)

    def _service(self, role_id: str) -> str | None:
        role = self.s.role(role_id)
        return role.service if role else None

    def _role_name(self, role_id: str) -> str:
        role = self.s.role(role_id)
        return role.name if role else role_id

    # --- conditions --------------------------------------------------------------------------

    def conditions(self) -> None:
        set_names = self.facts.set_names
        reported: set[tuple[str, int]] = set()
        for scene, condition, line, text in self._conditions():
            for name in names_read(condition):
                if name.name not in set_names and (name.name, line) not in reported:
                    reported.add((name.name, line))
                    self.r.add("SC006", line, name=name.name)
            for atom in atoms(condition):
                if isinstance(atom, Chose) and scene.choice(atom.role, atom.choice) is None:
                    section = scene.section(atom.role)
                    known = [c.id for c in section.choices] if section else []
                    self.r.add("SC028", line, role=atom.role, choice=atom.choice, scene=scene.id, known=known)
                elif isinstance(atom, Knows) and self.s.info(atom.info) is None:
                    self.r.add("SC008", line, info=atom.info, known=sorted(i.id for i in self.s.infos))
            if not self.facts.satisfiable(condition, scene):
                self.r.add(
                    "SC012",
                    line,
                    condition=text,
                    reason=self.r.text(
                        "Sjekk grensene: BTI-nivå går fra 0 til 3, flagg er sanne bare når et valg "
                        "setter dem, "
                        "og en rolle gjør bare ett valg per scene.",
                        "Check the bounds: the BTI level runs from 0 to 3, flags are true only when a choice "
                        "sets them, and a role makes one choice per scene.",
                    ),
                )

    def _conditions(self) -> Iterator[tuple[Scene, Condition, int, str]]:
        for scene in self.s.scenes:
            for transition in scene.transitions:
                if transition.condition is not None:
                    yield scene, transition.condition, transition.line, transition.condition_text
            for section in scene.roles:
                for choice in section.choices:
                    if choice.requires is not None:
                        yield scene, choice.requires, choice.line, choice.requires_text

    # --- the scene graph ----------------------------------------------------------------------

    def graph(self) -> None:
        targets = self.facts.scene_ids | self.facts.ending_ids
        for scene in self.s.scenes:
            after_default = False
            for transition in scene.transitions:
                if transition.target not in targets:
                    self.r.add("SC001", transition.line, target=transition.target)
                if after_default:
                    self.r.add("SC026", transition.line)
                if transition.condition is None:
                    after_default = True
            if not scene.transitions:
                self.r.add("SC003", scene.line, id=scene.id)
            elif not after_default:
                self.r.add("SC027", scene.line, scene=scene.id)
        if not self.s.scenes:
            return
        reachable = self.facts.reachable
        for scene in self.s.scenes[1:]:
            if scene.id not in reachable:
                self.r.add("SC002", scene.line, id=scene.id)
        for ending in self.s.endings:
            if ending.id not in reachable:
                self.r.add("SC038", ending.line, id=ending.id)
        stuck = {
            s.id for s in self.s.scenes if s.transitions and s.id in reachable
        } - self.facts.reaches_ending
        for component in self.facts.components:
            members = [m for m in component if m in stuck]
            if members:
                first = min((self.s.scene(m) for m in members), key=lambda s: s.line)
                ordered = sorted(members, key=lambda m: self.s.scene(m).line)
                self.r.add("SC004", first.line, ids=", ".join(f"«{m}»" for m in ordered))

    # --- information flow ---------------------------------------------------------------------

    def information(self) -> None:
        can_know = self.facts.can_know
        for info in self.s.infos:
            for need in info.needs:
                if need.role not in can_know.get(info.id, set()):
                    self.r.add("SC014", need.line, role=self._role_name(need.role), info=info.id)
        knowledge = Knowledge(self.s, self.facts)
        for choice in self._choices():
            for share in choice.shares:
                for info in share.infos:
                    if self.s.info(info) is None or guaranteed_by(choice.requires, choice.role, info):
                        continue
                    path = knowledge.path_without(choice.role, info, choice.scene)
                    if path is not None:
                        self.r.add(
                            "SC033",
                            share.line,
                            role=self._role_name(choice.role),
                            role_id=choice.role,
                            info=info,
                            scene=choice.scene,
                            way=_path_text(path),
                        )

    def checkpoints(self) -> None:
        for scene in self.s.scenes:
            for checkpoint in scene.checkpoints:
                correct = [o for o in checkpoint.options if o.correct]
                if len(checkpoint.options) < 2:
                    self.r.add(
                        "SC029",
                        checkpoint.line,
                        id=checkpoint.id,
                        problem=self.r.text(
                            "det trenger minst to svaralternativer", "it needs at least two options"
                        ),
                    )
                elif not correct:
                    self.r.add(
                        "SC029",
                        checkpoint.line,
                        id=checkpoint.id,
                        problem=self.r.text("ingen svar er merket som riktig", "no option is marked correct"),
                    )
                elif len(correct) > 1:
                    self.r.add(
                        "SC029",
                        checkpoint.line,
                        id=checkpoint.id,
                        problem=self.r.text(
                            "flere svar er merket som riktige", "several options are marked correct"
                        ),
                    )

    # --- injects the text relies on ----------------------------------------------------------

    def timed_injects(self) -> None:
        """Warn when a scene's text points at an event that fires only after some minutes there.

        A text points at an inject by linking to its id, or by speaking of "the event" when no inject that
        reaches its reader fires as the scene begins. A timed inject is skipped if the team moves on first.
        """
        for scene in self.s.scenes:
            here = [i for i in self.s.injects if i.trigger.kind == "scene" and i.trigger.scene == scene.id]
            texts = [(scene.narrative, scene.line, None), *((r.text, r.line, r.role) for r in scene.roles)]
            for text, line, role in texts:
                reaching = [i for i in here if role is None or not i.to or role in i.to]
                for inject in self._pointed_at(text, reaching):
                    self.r.add(
                        "SC049", line, inject=inject.id, minutes=inject.trigger.after_minutes, scene=scene.id
                    )

    @staticmethod
    def _pointed_at(text: str, injects: list[Inject]) -> list[Inject]:
        """The timed injects among ``injects`` that ``text`` relies on."""
        timed = [i for i in injects if i.trigger.after_minutes]
        linked = [i for i in timed if f"(#{i.id})" in text]
        if linked:
            return linked
        at_start = any(not i.trigger.after_minutes for i in injects)
        return timed[:1] if timed and not at_start and EVENT_WORDS.search(text) else []


def _path_text(path: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """`uke1 (kontaktlaerer: vent) → uke2`: the scenes in order, with the choices that passed the item by."""
    shown = [*path[:4], None, *path[-4:]] if len(path) > 9 else path  # a long way: its ends are enough
    return " → ".join(
        "…"
        if step is None
        else step[0]
        + (" (" + ", ".join(f"{role}: {choice}" for role, choice in step[1]) + ")" if step[1] else "")
        for step in shown
    )
