"""The course checker: every rule reports a stable CO code with the file and line to fix."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from courses import cues
from courses.diagnostics import Reporter
from courses.model import MULTIPLE
from courses.model import SINGLE
from courses.model import Course
from courses.model import Question
from courses.parse import parse_course
from scenarios.diagnostics import ERROR
from scenarios.diagnostics import Diagnostic

SCENARIO_LIBRARY = Path(__file__).resolve().parent.parent / "scenarios" / "library"
MIN_LESSONS = 4
MAX_LESSONS = 8
MIN_FINAL_QUESTIONS = 10
MIN_FINAL_MULTIPLE = 2


@dataclass(frozen=True)
class CheckResult:
    """A course (when `course.md` could be read) with every diagnostic, sorted by file and line."""

    course: Course | None
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings are allowed)."""
        return not any(d.severity == ERROR for d in self.diagnostics)

    def for_file(self, path: str) -> list[Diagnostic]:
        """The diagnostics reported for one file of the course."""
        return [d for d in self.diagnostics if d.path == path]


@cache
def library_scenarios() -> dict[str, tuple[str, ...]]:
    """Map each built-in scenario id to its role ids, read from `scenarios/library`."""
    from scenarios.parse import parse

    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(SCENARIO_LIBRARY.glob("*.md")):
        scenario = parse(path.read_bytes(), str(path)).scenario
        if scenario is not None and scenario.meta.id:
            found[scenario.meta.id] = tuple(r.id for r in scenario.meta.roles)
    return found


def check_course(
    folder: str | Path,
    scenarios: Mapping[str, Sequence[str]] | None = None,
    lang: str = "nb",
) -> CheckResult:
    """Parse and check a course folder against the given scenarios (the built-in library by default)."""
    parsed = parse_course(folder, lang)
    reporter = Reporter(lang)
    if parsed.course is not None:
        _Checker(parsed.course, reporter, library_scenarios() if scenarios is None else scenarios).run()
    order = {path: i for i, path in enumerate(parsed.files)}
    diagnostics = sorted(
        (*parsed.diagnostics, *reporter.items), key=lambda d: (order.get(d.path, len(order)), d.line, d.code)
    )
    return CheckResult(parsed.course, tuple(diagnostics), parsed.files)


class _Checker:
    def __init__(self, course: Course, reporter: Reporter, scenarios: Mapping[str, Sequence[str]]) -> None:
        self.course = course
        self.r = reporter
        self.scenarios = scenarios

    def run(self) -> None:
        self.folder_id()
        self.lessons()
        self.duplicates()
        for question in self.course.questions:
            self.question(question)
        self.final_quiz()
        self.practices()
        self.cues()

    def folder_id(self) -> None:
        meta = self.course.meta
        if meta.id and self.course.folder and meta.id != self.course.folder:
            self.r.add("CO017", self.course.path, 1, folder=self.course.folder, id=meta.id)

    def lessons(self) -> None:
        count = len(self.course.lessons)
        if not MIN_LESSONS <= count <= MAX_LESSONS:
            self.r.add("CO003", self.course.path, 1, count=count)

    def duplicates(self) -> None:
        seen: dict[str, str] = {}
        for lesson in self.course.lessons:
            if not lesson.id:
                continue
            where = f"{Path(lesson.path).name}:{lesson.line}"
            if lesson.id in seen:
                self.r.add("CO004", lesson.path, lesson.line, id=lesson.id, first=seen[lesson.id])
            else:
                seen[lesson.id] = where
        blocks: dict[str, str] = {}
        items = [b for lesson in self.course.lessons for b in lesson.blocks if hasattr(b, "id")]
        if self.course.final_quiz is not None:
            items.extend(self.course.final_quiz.questions)
        for block in items:
            if not block.id:
                continue
            where = f"{Path(block.path).name}:{block.line}"
            if block.id in blocks:
                self.r.add("CO004", block.path, block.line, id=block.id, first=blocks[block.id])
            else:
                blocks[block.id] = where
        for question in self.course.questions:
            options: dict[str, int] = {}
            for option in question.options:
                if not option.id:
                    continue
                if option.id in options:
                    first = f"{Path(question.path).name}:{options[option.id]}"
                    self.r.add("CO004", question.path, option.line, id=option.id, first=first)
                else:
                    options[option.id] = option.line

    def question(self, question: Question) -> None:
        path = question.path
        if len(question.options) < 2:
            self.r.add("CO005", path, question.line, id=question.id, count=len(question.options))
        correct = sum(1 for o in question.options if o.correct)
        if question.kind == SINGLE and correct != 1 and question.options:
            self.r.add("CO006", path, question.line, id=question.id, count=correct)
        if question.kind == MULTIPLE and correct == 0 and question.options:
            self.r.add("CO007", path, question.line, id=question.id)
        if not question.explanation.strip():
            self.r.add("CO008", path, question.line, id=question.id)
        for option in question.options:
            if not option.feedback.strip():
                self.r.add("CO009", path, option.line, id=question.id, option=option.id or option.label)

    def final_quiz(self) -> None:
        quiz = self.course.final_quiz
        if quiz is None:
            path = str(Path(self.course.path).with_name("prove.md"))
            self.r.add("CO010", path, 1, problem=self.r.text("mangler (prove.md)", "is missing (prove.md)"))
            return
        count = len(quiz.questions)
        if count < MIN_FINAL_QUESTIONS:
            self.r.add(
                "CO010",
                quiz.path,
                1,
                problem=self.r.text(
                    f"har {count} spørsmål, men trenger minst {MIN_FINAL_QUESTIONS}",
                    f"has {count} questions but needs at least {MIN_FINAL_QUESTIONS}",
                ),
            )
        multiple = sum(1 for q in quiz.questions if q.kind == MULTIPLE)
        if count and multiple < MIN_FINAL_MULTIPLE:
            self.r.add("CO023", quiz.path, 1, count=multiple)

    def practices(self) -> None:
        practices = self.course.practices
        if not practices:
            self.r.add("CO013", self.course.path, 1)
        known = sorted(self.scenarios)
        for practice in practices:
            if not practice.scenario_id:
                continue
            roles = self.scenarios.get(practice.scenario_id)
            if roles is None:
                self.r.add(
                    "CO011", practice.path, practice.scenario_line, scenario=practice.scenario_id, known=known
                )
            elif practice.role_id and practice.role_id not in roles:
                self.r.add(
                    "CO012",
                    practice.path,
                    practice.role_line,
                    scenario=practice.scenario_id,
                    role=practice.role_id,
                    known=list(roles),
                )

    def cues(self) -> None:
        """Warn when the course's quizzes can be passed by guessing from the options' form alone."""
        figures = cues.cue_figures(self.course.questions)
        found: list[tuple[str, dict[str, object]]] = []
        if figures.single >= cues.MIN_SINGLE:
            if figures.key_longest_share > cues.MAX_KEY_LONGEST:
                counts = {"count": figures.key_longest, "total": figures.single}
                found.append(("CO025", _shares(figures.key_longest_share, cues.MAX_KEY_LONGEST) | counts))
            if figures.key_shortest_share > cues.MAX_KEY_SHORTEST:
                counts = {"count": figures.key_shortest, "total": figures.single}
                found.append(("CO028", _shares(figures.key_shortest_share, cues.MAX_KEY_SHORTEST) | counts))
            position, share = figures.top_position
            if share > cues.MAX_KEY_POSITION:
                found.append(("CO026", _shares(share, cues.MAX_KEY_POSITION) | {"position": position}))
        if figures.multiple >= cues.MIN_MULTIPLE and figures.all_but_one_share > cues.MAX_ALL_BUT_ONE:
            counts = {"count": figures.all_but_one, "total": figures.multiple}
            found.append(("CO027", _shares(figures.all_but_one_share, cues.MAX_ALL_BUT_ONE) | counts))
        for code, params in found:
            self.r.add(code, self.course.path, 1, **params)


def _shares(share: float, limit: float) -> dict[str, object]:
    """A measured share and its limit as whole percentages for the messages."""
    return {"share": round(100 * share), "limit": round(100 * limit)}
