"""The course model: frozen dataclasses that remember the file and line each element came from."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

SINGLE = "single"
MULTIPLE = "multiple"
EXPERT = "expert"
CAUTIOUS = "cautious"


@dataclass(frozen=True)
class Meta:
    """The course front matter from `course.md`."""

    id: str
    title: str
    language: str
    summary: str
    audience: tuple[str, ...]
    minutes: int | None
    goals: tuple[str, ...]
    validity_months: int | None
    pass_mark: int | None
    version: str
    authors: tuple[str, ...]
    license: str
    line: int = 1


@dataclass(frozen=True)
class Option:
    """One answer option of a question."""

    id: str
    label: str
    correct: bool
    feedback: str
    line: int


@dataclass(frozen=True)
class Text:
    """A run of ordinary lesson Markdown, kept as the author wrote it."""

    markdown: str
    line: int


@dataclass(frozen=True)
class Question:
    """A single- or multiple-choice question with options and an explanation."""

    id: str
    kind: str
    prompt: str
    options: tuple[Option, ...]
    explanation: str
    line: int
    path: str = ""

    @property
    def correct_ids(self) -> frozenset[str]:
        """The ids of the options marked correct."""
        return frozenset(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class Reflection:
    """A private free-text reflection prompt."""

    id: str
    prompt: str
    line: int
    path: str = ""


@dataclass(frozen=True)
class Practice:
    """A link from a lesson into a built-in scenario, played in one role with a profile for the others."""

    id: str
    title: str
    text: str
    scenario_id: str
    role_id: str
    profile: str
    line: int
    path: str = ""
    scenario_line: int = 0
    role_line: int = 0


Block = Text | Question | Reflection | Practice


@dataclass(frozen=True)
class Lesson:
    """One lesson file: its front matter and its blocks in order."""

    id: str
    title: str
    minutes: int | None
    blocks: tuple[Block, ...]
    path: str
    line: int = 1

    @property
    def questions(self) -> tuple[Question, ...]:
        """The lesson's questions in order."""
        return tuple(b for b in self.blocks if isinstance(b, Question))


@dataclass(frozen=True)
class FinalQuiz:
    """The final quiz from `prove.md`."""

    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    path: str
    line: int = 1


@dataclass(frozen=True)
class Course:
    """A whole course folder: metadata, introduction, lessons and the final quiz."""

    meta: Meta
    intro: str
    lessons: tuple[Lesson, ...]
    final_quiz: FinalQuiz | None
    path: str
    folder: str = ""
    files: tuple[str, ...] = field(default=())

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every quiz question: the lessons' questions, then the final quiz's."""
        final = self.final_quiz.questions if self.final_quiz else ()
        return tuple(q for lesson in self.lessons for q in lesson.questions) + final

    @property
    def practices(self) -> tuple[Practice, ...]:
        """Every practice block in the lessons."""
        return tuple(b for lesson in self.lessons for b in lesson.blocks if isinstance(b, Practice))


def block_kind(block: object) -> str:
    """The kind of a lesson block, by which templates pick the part that shows it."""
    if isinstance(block, Question):
        return "question"
    if isinstance(block, Reflection):
        return "reflection"
    if isinstance(block, Practice):
        return "practice"
    if isinstance(block, Text):
        return "text"
    return "unknown"
