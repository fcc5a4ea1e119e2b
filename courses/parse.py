"""Parse a course folder (`course.md`, `NN-*.md` lessons, `prove.md`) into the model, reporting problems."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from courses.diagnostics import Reporter
from courses.model import CAUTIOUS
from courses.model import EXPERT
from courses.model import MULTIPLE
from courses.model import SINGLE
from courses.model import Block
from courses.model import Course
from courses.model import FinalQuiz
from courses.model import Lesson
from courses.model import Meta
from courses.model import Option
from courses.model import Practice
from courses.model import Question
from courses.model import Reflection
from courses.model import Text
from scenarios.diagnostics import Diagnostic
from scenarios.markup import Block as Node
from scenarios.markup import block_tree
from scenarios.markup import scenario_markdown
from scenarios.vocabulary import fold

MAX_BYTES = 2 * 1024 * 1024
LANGUAGES = ("nb", "nn", "en")
COURSE_FILE = "course.md"
QUIZ_FILE = "prove.md"
LESSON_PATTERN = re.compile(r"^\d+-.+\.md$")
META_KEYS = (
    "id",
    "title",
    "language",
    "summary",
    "audience",
    "minutes",
    "goals",
    "validity_months",
    "pass_mark",
    "version",
    "authors",
    "license",
)
LESSON_KEYS = ("id", "title", "minutes")
QUIZ_KEYS = ("id", "title")
BLOCK_KINDS = {
    "spørsmål": "question",
    "question": "question",
    "refleksjon": "reflection",
    "reflection": "reflection",
    "øv": "practice",
    "practice": "practice",
}
OPTION_KEYS = {"tilbakemelding": "feedback", "feedback": "feedback"}
PRACTICE_KEYS = {
    "scenario": "scenario",
    "rolle": "role",
    "role": "role",
    "profil": "profile",
    "profile": "profile",
}
PROFILES = {"ekspert": EXPERT, "expert": EXPERT, "forsiktig": CAUTIOUS, "cautious": CAUTIOUS}
CORRECT_CLASSES = ("riktig", "correct")
MULTIPLE_CLASSES = ("flervalg", "multiple")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)")
_EXPLANATION = re.compile(r"^(forklaring|explanation)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ParseResult:
    """A parsed course (None when `course.md` is unusable) and every problem found, with file paths."""

    course: Course | None
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]


def lesson_files(folder: Path) -> list[Path]:
    """The lesson files of a course folder, ordered by file name."""
    return sorted((p for p in folder.iterdir() if p.is_file() and LESSON_PATTERN.match(p.name)), key=str)


def parse_course(folder: str | Path, lang: str = "nb") -> ParseResult:
    """Parse a course folder; bad or missing files become diagnostics, never exceptions."""
    folder = Path(folder)
    reporter = Reporter(lang)
    course_path = folder / COURSE_FILE
    quiz_path = folder / QUIZ_FILE
    lessons_paths = lesson_files(folder) if folder.is_dir() else []
    files = (str(course_path), *(str(p) for p in lessons_paths), str(quiz_path))

    course_file = _File(reporter, str(course_path))
    course_file.load(course_path)
    data, _ = course_file.front_matter(META_KEYS)
    meta = _meta(course_file, data)
    intro = course_file.text_before_blocks()
    for node in course_file.blocks():
        heading = _Heading(node[0])
        course_file.r.add("CO014", course_file.path, heading.line, text=heading.text, known=_known_blocks())

    lessons = []
    for path in lessons_paths:
        lesson_file = _File(reporter, str(path))
        lesson_file.load(path)
        data, lines = lesson_file.front_matter(LESSON_KEYS)
        blocks: list[Block] = []
        intro_text = lesson_file.text_before_blocks()
        if intro_text:
            blocks.append(Text(intro_text, lesson_file.body_line))
        for heading_node, body in lesson_file.blocks():
            block = lesson_file.block(heading_node, body, ("question", "reflection", "practice"))
            if block is not None:
                blocks.append(block)
        lessons.append(
            Lesson(
                id=lesson_file.text(data, "id"),
                title=lesson_file.text(data, "title"),
                minutes=lesson_file.number(data, "minutes", 1, 24 * 60),
                blocks=tuple(blocks),
                path=str(path),
                line=lines.get("id", 1),
            )
        )

    final_quiz = None
    if quiz_path.is_file():
        quiz_file = _File(reporter, str(quiz_path))
        quiz_file.load(quiz_path)
        data, _ = quiz_file.front_matter(QUIZ_KEYS)
        questions = []
        intro_quiz = quiz_file.text_before_blocks()
        for heading_node, body in quiz_file.blocks():
            block = quiz_file.block(heading_node, body, ("question",))
            if isinstance(block, Question):
                questions.append(block)
        final_quiz = FinalQuiz(
            id=quiz_file.text(data, "id"),
            title=quiz_file.text(data, "title"),
            intro=intro_quiz,
            questions=tuple(questions),
            path=str(quiz_path),
        )
    course = Course(
        meta=meta,
        intro=intro,
        lessons=tuple(lessons),
        final_quiz=final_quiz,
        path=str(course_path),
        folder=folder.name,
        files=files,
    )
    return ParseResult(course, tuple(reporter.items), files)


def _known_blocks() -> str:
    return "`## Spørsmål`, `## Refleksjon`, `## Øv:`"


def _meta(file: _File, data: dict) -> Meta:
    language = file.text(data, "language")
    if language and language not in LANGUAGES:
        file.invalid("language", file.r.text("bruk nb, nn eller en", "use nb, nn or en"))
    return Meta(
        id=file.text(data, "id"),
        title=file.text(data, "title"),
        language=language or "nb",
        summary=file.text(data, "summary"),
        audience=file.texts(data, "audience"),
        minutes=file.number(data, "minutes", 1, 24 * 60),
        goals=file.texts(data, "goals"),
        validity_months=file.number(data, "validity_months", 1, 60),
        pass_mark=file.number(data, "pass_mark", 1, 100),
        version=file.text(data, "version"),
        authors=file.texts(data, "authors"),
        license=file.text(data, "license"),
    )


class _Heading:
    """A `##` heading's kind word, title, id and classes."""

    def __init__(self, node: Node) -> None:
        inline = node.children[0] if node.children else None
        meta = inline.meta if inline is not None else {}
        self.text = inline.content if inline is not None else ""
        self.attrs: dict[str, str] = dict(meta.get("attrs", {}))
        self.classes: tuple[str, ...] = tuple(fold(c) for c in meta.get("classes", ()))
        self.line = node.map[0] + 1 if node.map else 1
        kind, sep, rest = self.text.partition(":")
        self.kind = BLOCK_KINDS.get(fold(kind)) if sep else BLOCK_KINDS.get(fold(self.text))
        self.title = rest.strip() if sep else ""
        self.id = str(self.attrs.get("id", "")).strip()


class _File:
    """One Markdown file of a course: its lines, front matter and `##` blocks."""

    def __init__(self, reporter: Reporter, path: str) -> None:
        self.r = reporter
        self.path = path
        self.lines: list[str] = []
        self.nodes: list[Node] = []
        self.front: Node | None = None
        self.key_lines: dict[str, int] = {}
        self.readable = False
        self.body_line = 1

    def load(self, path: Path) -> None:
        """Read and tokenise the file, reporting a missing, binary, empty or oversized file."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.problem(self.r.text("fila finnes ikke", "the file does not exist"))
            return
        except OSError as error:
            self.problem(error.strerror or type(error).__name__)
            return
        text = self._decode(raw)
        if text is None:
            return
        self.lines = text.splitlines()
        try:
            tree = block_tree(scenario_markdown().parse(text))
        except Exception as error:  # markdown-it should never fail; a bug must not reach authors
            self.problem(str(error) or type(error).__name__)
            return
        self.readable = True
        nodes = list(tree.children)
        if nodes and nodes[0].type == "front_matter":
            self.front = nodes[0]
            nodes = nodes[1:]
        self.nodes = nodes
        self._images()

    def problem(self, problem: str, line: int = 1) -> None:
        self.r.add("CO018", self.path, line, problem=problem)

    def _decode(self, raw: bytes) -> str | None:
        if len(raw) > MAX_BYTES:
            self.problem(
                self.r.text(f"fila er større enn {MAX_BYTES} byte", f"larger than {MAX_BYTES} bytes")
            )
            return None
        if b"\x00" in raw:
            self.problem(self.r.text("fila er binær", "the file is binary"))
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            self.problem(
                self.r.text("fila er ikke UTF-8-tekst", "the file is not UTF-8 text"),
                raw[: error.start].count(b"\n") + 1,
            )
            return None
        text = text.encode("utf-8", "replace").decode("utf-8")
        if not text.strip():
            self.problem(self.r.text("fila er tom", "the file is empty"))
            return None
        return text

    def front_matter(self, required: tuple[str, ...]) -> tuple[dict, dict[str, int]]:
        """Load the YAML front matter, report missing keys and remember each key's line."""
        if not self.readable:
            return {}, {}
        if self.front is None:
            self.problem(
                self.r.text(
                    "den mangler topptekst (metadata mellom `---`-linjer øverst)",
                    "it lacks front matter (metadata between `---` lines at the top)",
                )
            )
            return {}, {}
        data = self._yaml(self.front.content)
        if data is None:
            return {}, {}
        for key in required:
            if data.get(key) in (None, "", []):
                self.r.add("CO001", self.path, 1, key=key)
        return data, self.key_lines

    def _yaml(self, content: str) -> dict | None:
        try:
            node = yaml.compose(content, Loader=yaml.SafeLoader)
            data = yaml.safe_load(content)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            self.r.add("CO019", self.path, 2 + (mark.line if mark else 0), problem=problem)
            return None
        except RecursionError:
            self.r.add("CO019", self.path, 2, problem="too deeply nested")
            return None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.r.add(
                "CO019", self.path, 2, problem=self.r.text("forventet nøkkel: verdi", "expected key: value")
            )
            return None
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                self.key_lines[str(key_node.value)] = 2 + key_node.start_mark.line
        return {str(k): v for k, v in data.items()}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    def invalid(self, key: str, problem: str) -> None:
        self.r.add("CO002", self.path, self.line_of(key), key=key, problem=problem)

    def text(self, data: dict, key: str) -> str:
        """A front-matter value as text, reporting other shapes."""
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.invalid(key, self.r.text("forventet tekst", "expected text"))
            return ""
        return str(value).strip()

    def texts(self, data: dict, key: str) -> tuple[str, ...]:
        """A front-matter list of text (a single text counts as a list of one)."""
        value = data.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            self.invalid(key, self.r.text("forventet en liste med tekst", "expected a list of text"))
            return ()
        return tuple(str(v).strip() for v in value)

    def number(self, data: dict, key: str, low: int, high: int) -> int | None:
        """A whole number within bounds, reporting anything else."""
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.invalid(
                key,
                self.r.text(
                    f"forventet et heltall fra {low} til {high}",
                    f"expected a whole number from {low} to {high}",
                ),
            )
            return None
        return value

    def _images(self) -> None:
        start = self.front.map[1] if self.front is not None and self.front.map else 0
        for number, line in enumerate(self.lines[start:], start + 1):
            for match in _IMAGE.finditer(line):
                if not match.group(1).strip():
                    self.r.add("CO016", self.path, number, src=match.group(2))

    def _split(self) -> tuple[list[Node], list[tuple[Node, list[Node]]]]:
        lead: list[Node] = []
        groups: list[tuple[Node, list[Node]]] = []
        for node in self.nodes:
            if node.type == "heading" and node.tag == "h2":
                groups.append((node, []))
            elif groups:
                groups[-1][1].append(node)
            else:
                lead.append(node)
        return lead, groups

    def text_before_blocks(self) -> str:
        """The Markdown before the first `##` block, as written."""
        lead, _ = self._split()
        if lead:
            self.body_line = _line(lead[0])
        return self.source(lead)

    def blocks(self) -> list[tuple[Node, list[Node]]]:
        """The `##` headings with the nodes under each."""
        return self._split()[1]

    def source(self, nodes: list[Node]) -> str:
        """The author's Markdown for these nodes, dedented."""
        chunks = []
        for node in nodes:
            if node.map:
                start, end = node.map
                chunks.append(textwrap.dedent("\n".join(self.lines[start:end])).strip("\n"))
        return "\n\n".join(c for c in chunks if c.strip())

    def block(self, node: Node, body: list[Node], allowed: tuple[str, ...]) -> Block | None:
        """Read one `##` block of an allowed kind, reporting unknown kinds."""
        heading = _Heading(node)
        if heading.kind not in allowed:
            known = _known_blocks() if "practice" in allowed else "`## Spørsmål`"
            self.r.add("CO014", self.path, heading.line, text=heading.text, known=known)
            return None
        if not heading.id:
            self.r.add("CO024", self.path, heading.line, text=heading.text)
        if heading.kind == "question":
            return self._question(heading, body)
        if heading.kind == "reflection":
            return Reflection(heading.id, self.source(body), heading.line, self.path)
        return self._practice(heading, body)

    def _question(self, heading: _Heading, body: list[Node]) -> Question:
        list_index = next((i for i, n in enumerate(body) if n.type in ("bullet_list", "ordered_list")), None)
        prompt_nodes = body if list_index is None else body[:list_index]
        after = [] if list_index is None else body[list_index + 1 :]
        options = () if list_index is None else self._options(heading.id, body[list_index])
        explanation = _EXPLANATION.sub("", self.source(after), count=1).strip()
        kind = MULTIPLE if any(c in MULTIPLE_CLASSES for c in heading.classes) else SINGLE
        return Question(
            heading.id, kind, self.source(prompt_nodes), options, explanation, heading.line, self.path
        )

    def _options(self, question_id: str, node: Node) -> tuple[Option, ...]:
        options = []
        for item in node.children:
            paragraph = next((c for c in item.children if c.type == "paragraph"), None)
            line = _line(item)
            if paragraph is None or not paragraph.children:
                self.r.add("CO020", self.path, line, id=question_id)
                continue
            inline = paragraph.children[0]
            option_id = str(inline.meta.get("attrs", {}).get("id", "")).strip()
            if not option_id:
                self.r.add("CO020", self.path, line, id=question_id)
            classes = tuple(fold(c) for c in inline.meta.get("classes", ()))
            feedback = ""
            for sub in item.children:
                if sub.type == "bullet_list":
                    for key, value, _, _ in self._settings(sub, OPTION_KEYS):
                        if key == "feedback":
                            feedback = value
            options.append(
                Option(
                    option_id,
                    inline.content.strip(),
                    any(c in CORRECT_CLASSES for c in classes),
                    feedback,
                    line,
                )
            )
        return tuple(options)

    def _practice(self, heading: _Heading, body: list[Node]) -> Practice:
        values: dict[str, str] = {}
        text_nodes = []
        for node in body:
            if node.type == "bullet_list" and self._is_settings(node, PRACTICE_KEYS):
                for key, value, line, _ in self._settings(node, PRACTICE_KEYS):
                    values[key] = value
                    values[f"{key}:line"] = str(line)
            else:
                text_nodes.append(node)
        for key, word in (("scenario", "Scenario"), ("role", "Rolle")):
            if not values.get(key):
                self.r.add("CO021", self.path, heading.line, id=heading.id, key=word)
        raw_profile = values.get("profile", "ekspert")
        profile = PROFILES.get(fold(raw_profile))
        if profile is None:
            self.r.add(
                "CO022",
                self.path,
                int(values.get("profile:line", heading.line)),
                key="Profil",
                value=raw_profile,
                known="ekspert, forsiktig",
            )
            profile = EXPERT
        return Practice(
            id=heading.id,
            title=heading.title,
            text=self.source(text_nodes),
            scenario_id=values.get("scenario", "").strip(),
            role_id=values.get("role", "").strip(),
            profile=profile,
            line=heading.line,
            path=self.path,
            scenario_line=int(values.get("scenario:line", heading.line)),
            role_line=int(values.get("role:line", heading.line)),
        )

    @staticmethod
    def _is_settings(node: Node, table: dict[str, str]) -> bool:
        first = node.children[0] if node.children else None
        paragraph = next((c for c in first.children if c.type == "paragraph"), None) if first else None
        if paragraph is None or not paragraph.children:
            return False
        key, sep, _ = paragraph.children[0].content.partition(":")
        return bool(sep) and fold(key) in table

    def _settings(self, node: Node, table: dict[str, str]) -> list[tuple[str, str, int, Node]]:
        """Read a `- Key: value` list into (canonical key, value, line, inline) rows."""
        rows = []
        for item in node.children:
            paragraph = next((c for c in item.children if c.type == "paragraph"), None)
            if paragraph is None or not paragraph.children:
                continue
            inline = paragraph.children[0]
            line = _line(item)
            key, sep, value = inline.content.partition(":")
            canonical = table.get(fold(key)) if sep else None
            if canonical is None:
                known = ", ".join(sorted({k.capitalize() for k in table}))
                self.r.add(
                    "CO015", self.path, line, key=(key if sep else inline.content).strip(), known=known
                )
                continue
            rows.append((canonical, value.strip(), line, inline))
        return rows


def _line(node: Node) -> int:
    if getattr(node, "map", None):
        return node.map[0] + 1
    for child in getattr(node, "children", None) or ():
        if getattr(child, "map", None):
            return child.map[0] + 1
    return 1
