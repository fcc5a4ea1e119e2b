"""Turn scenario Markdown into the immutable model, reporting problems instead of raising."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from scenarios import vocabulary as vocab
from scenarios.conditions import ConditionError
from scenarios.conditions import parse_condition
from scenarios.markup import Block
from scenarios.markup import block_tree
from scenarios.markup import inline_children
from scenarios.markup import scenario_markdown
from scenarios.model import Action
from scenarios.model import Annotation
from scenarios.model import Assignment
from scenarios.model import Baton
from scenarios.model import Checkpoint
from scenarios.model import Choice
from scenarios.model import Condition
from scenarios.model import Ending
from scenarios.model import Expectation
from scenarios.model import Info
from scenarios.model import Inject
from scenarios.model import Measure
from scenarios.model import Meta
from scenarios.model import Need
from scenarios.model import Option
from scenarios.model import Role
from scenarios.model import RoleSection
from scenarios.model import Scenario
from scenarios.model import Scene
from scenarios.model import Share
from scenarios.model import Transition
from scenarios.model import Trigger
from scenarios.personal_data import PERSONAL_DATA_KINDS
from scenarios.personal_data import find_personal_data
from scenarios.reporter import Reporter
from scenarios.vocabulary import fold

MAX_BYTES = 5 * 1024 * 1024
LANGUAGES = ("nb", "nn", "en")


@dataclass(frozen=True)
class ParseResult:
    scenario: Scenario | None
    diagnostics: list


def parse(source: str | bytes, path: str = "", lang: str = "nb") -> ParseResult:
    """Parse scenario source into a `Scenario` plus every diagnostic found on the way."""
    reporter = Reporter(path, lang)
    scenario = _Parser(reporter).run(source)
    return ParseResult(scenario, reporter.sorted())


def slugify(text: str) -> str:
    """Make a stable id from a title, for elements the author gave no `{#id}`."""
    text = unicodedata.normalize("NFC", text).casefold()
    out, dash = [], False
    for ch in text:
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:60] or "x"


def _split_list(value: str, separator: str = ",") -> list[str]:
    """Split on a separator outside parentheses, dropping empty parts."""
    if "(" not in value:
        return [p for p in (part.strip() for part in value.split(separator)) if p]
    parts, depth, current = [], 0, []
    for ch in value:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _paren_suffix(text: str) -> tuple[str, str | None]:
    """Split `words (qualifier)` into the words and the qualifier."""
    text = text.strip()
    if text.endswith(")") and "(" in text:
        start = text.rfind("(")
        return text[:start].strip(), text[start + 1 : -1].strip()
    return text, None


class _Heading:
    """A heading's kind word, title, attributes and classes, read from its inline token."""

    def __init__(self, node: Block) -> None:
        inline = node.children[0] if node.children else None
        meta = inline.meta if inline is not None else {}
        self.text = inline.content if inline is not None else ""
        self.attrs: dict[str, str] = dict(meta.get("attrs", {}))
        self.classes: tuple[str, ...] = meta.get("classes", ())
        self.attrs_error: str | None = meta.get("attrs_error")
        self.line = node.map[0] + 1 if node.map else 1
        self.level = int(node.tag[1]) if node.tag.startswith("h") else 0
        kind, sep, rest = self.text.partition(":")
        self.kind_word = fold(kind) if sep else fold(self.text)
        self.title = rest.strip() if sep else self.text.strip()


class _Parser:
    def __init__(self, reporter: Reporter) -> None:
        self.r = reporter
        self.lines: list[str] = []
        self.role_table: dict[str, str] = {}
        self.yaml_failed = False

    # --- entry -----------------------------------------------------------------------------

    def run(self, source: str | bytes) -> Scenario | None:
        text = self._decode(source)
        if text is None:
            return None
        self.lines = text.splitlines()
        try:
            tree = block_tree(scenario_markdown().parse(text))
        except Exception as error:  # markdown-it should never fail; a bug must not reach users
            self.r.add("SC017", 1, problem=str(error) or type(error).__name__)
            return None
        nodes = list(tree.children)
        meta = self._meta(nodes[0] if nodes and nodes[0].type == "front_matter" else None)
        if nodes and nodes[0].type == "front_matter":
            nodes = nodes[1:]
        return self._body(meta, nodes)

    def _decode(self, source: str | bytes) -> str | None:
        size = len(source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source)
        if size > MAX_BYTES:
            self.r.add("SC018", 1, size=size, limit=MAX_BYTES)
            return None
        if isinstance(source, bytes):
            if b"\x00" in source:
                self.r.add("SC017", 1, problem=self.r.text("fila er binær", "the file is binary"))
                return None
            try:
                source = source.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                self.r.add(
                    "SC017",
                    source[: error.start].count(b"\n") + 1,
                    problem=self.r.text("fila er ikke UTF-8-tekst", "the file is not UTF-8 text"),
                )
                return None
        if "\x00" in source:
            self.r.add("SC017", 1, problem=self.r.text("fila er binær", "the file is binary"))
            return None
        source = source.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
        if not source.strip():
            self.r.add("SC017", 1, problem=self.r.text("fila er tom", "the file is empty"))
            return None
        return source.lstrip("\ufeff")

    # --- front matter ------------------------------------------------------------------------

    def _meta(self, node: Block | None) -> Meta:
        data, key_lines = {}, {}
        if node is None:
            self.r.add(
                "SC017",
                1,
                problem=self.r.text(
                    "den mangler topptekst (metadata mellom `---`-linjer øverst)",
                    "it lacks front matter (metadata between `---` lines at the top)",
                ),
            )
        else:
            data, key_lines = self._yaml(node.content, 2)
        line_of: Callable[[str], int] = lambda key: key_lines.get(key, 1)  # noqa: E731

        for key in ("id", "title", "language", "summary", "roles"):
            if node is not None and not self.yaml_failed and data.get(key) in (None, "", []):
                self.r.add("SC011", 1, key=key)

        def text(key: str) -> str:
            value = data.get(key, "")
            if value is None:
                return ""
            if not isinstance(value, str | int | float):
                self.r.add(
                    "SC015", line_of(key), key=key, problem=self.r.text("forventet tekst", "expected text")
                )
                return ""
            return str(value).strip()

        def texts(key: str) -> tuple[str, ...]:
            value = data.get(key) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
                self.r.add(
                    "SC015",
                    line_of(key),
                    key=key,
                    problem=self.r.text("forventet en liste med tekst", "expected a list of text"),
                )
                return ()
            return tuple(str(v).strip() for v in value)

        def number(key: str, low: int, high: int, default: int | None) -> int | None:
            value = data.get(key, default)
            if value is None:
                return default
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                self.r.add(
                    "SC015",
                    line_of(key),
                    key=key,
                    problem=self.r.text(
                        f"forventet et heltall fra {low} til {high}",
                        f"expected a whole number from {low} to {high}",
                    ),
                )
                return default
            return value

        language = text("language")
        if language and language not in LANGUAGES:
            self.r.add(
                "SC015",
                line_of("language"),
                key="language",
                problem=self.r.text("språket må være nb, nn eller en", "the language must be nb, nn or en"),
            )
        roles = self._roles(data.get("roles"), line_of("roles"), key_lines)
        settings = data.get("settings") or {}
        if not isinstance(settings, dict):
            self.r.add(
                "SC015",
                line_of("settings"),
                key="settings",
                problem=self.r.text("forventet nøkkel: verdi-par", "expected key: value pairs"),
            )
            settings = {}
        parents = fold(text("parents") or "indicated")
        parents = {"indisert": "indicated", "kontraindisert": "contraindicated"}.get(parents, parents)
        if parents not in ("indicated", "contraindicated"):
            self.r.add(
                "SC015",
                line_of("parents"),
                key="parents",
                problem=self.r.text(
                    "bruk «indicated» eller «contraindicated»", "use 'indicated' or 'contraindicated'"
                ),
            )
            parents = "indicated"
        return Meta(
            id=text("id"),
            title=text("title"),
            language=language or "nb",
            summary=text("summary"),
            audience=texts("audience"),
            minutes=number("minutes", 1, 24 * 60, None),
            goals=texts("goals"),
            roles=roles,
            bti_level=number("bti_level", 0, 3, 0) or 0,
            settings={str(k): v for k, v in settings.items()},
            authors=texts("authors"),
            license=text("license"),
            version=text("version"),
            parents=parents,
            expectations=self._expectations(data.get("expectations"), line_of("expectations")),
            line=1,
        )

    def _yaml(self, content: str, first_line: int) -> tuple[dict, dict[str, int]]:
        """Load the front matter, remembering the line of each top-level key."""
        try:
            node = yaml.compose(content, Loader=yaml.SafeLoader)
            data = yaml.safe_load(content)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = first_line + (mark.line if mark else 0)
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            self.r.add("SC016", line, problem=problem)
            self.yaml_failed = True
            return {}, {}
        except RecursionError:
            self.r.add("SC016", first_line, problem="too deeply nested")
            self.yaml_failed = True
            return {}, {}
        if data is None:
            return {}, {}
        if not isinstance(data, dict):
            self.r.add(
                "SC016",
                first_line,
                problem=self.r.text("forventet nøkkel: verdi-par", "expected key: value pairs"),
            )
            self.yaml_failed = True
            return {}, {}
        lines: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                lines[str(key_node.value)] = first_line + key_node.start_mark.line
                if isinstance(value_node, yaml.SequenceNode):
                    for i, item in enumerate(value_node.value):
                        lines[f"{key_node.value}[{i}]"] = first_line + item.start_mark.line
        return data, lines

    def _roles(self, value: object, line: int, key_lines: dict[str, int]) -> tuple[Role, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.r.add(
                "SC015",
                line,
                key="roles",
                problem=self.r.text("forventet en liste med roller", "expected a list of roles"),
            )
            return ()
        roles: list[Role] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            item_line = key_lines.get(f"roles[{i}]", line)
            if isinstance(item, str):
                role_id, name = slugify(item), item.strip()
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                role_id = item["id"].strip()
                name = str(item.get("name") or role_id).strip()
            else:
                self.r.add(
                    "SC015",
                    item_line,
                    key="roles",
                    problem=self.r.text("hver rolle trenger minst en id", "each role needs at least an id"),
                )
                continue
            if role_id in seen:
                self.r.add("SC010", item_line, id=role_id, first=seen[role_id])
                continue
            seen[role_id] = item_line
            roles.append(Role(role_id, name, item_line))
        if roles and not 2 <= len(roles) <= 6:
            self.r.add(
                "SC015",
                line,
                key="roles",
                problem=self.r.text(
                    f"et scenario har 2 til 6 roller, ikke {len(roles)}",
                    f"a scenario has 2 to 6 roles, not {len(roles)}",
                ),
            )
        for role in roles:
            self.role_table[fold(role.id)] = role.id
            self.role_table.setdefault(fold(role.name), role.id)
        return tuple(roles)

    def _expectations(self, value: object, line: int) -> tuple[Expectation, ...]:
        if value in (None, []):
            return ()
        if not isinstance(value, list):
            self.r.add(
                "SC015",
                line,
                key="expectations",
                problem=self.r.text("forventet en liste", "expected a list"),
            )
            return ()
        found = []
        for item in value:
            if not isinstance(item, dict) or "action" not in item or "due" not in item:
                self.r.add(
                    "SC015",
                    line,
                    key="expectations",
                    problem=self.r.text(
                        "hver forventning trenger `action` og `due`",
                        "each expectation needs `action` and `due`",
                    ),
                )
                continue
            action = str(item["action"]).strip()
            canonical = vocab.ACTIONS.get(fold(action))
            if canonical is None and fold(action).startswith("bti:"):
                level = fold(action)[4:]
                canonical = f"bti:{level}" if level in ("1", "2", "3") else None
            if canonical is None:
                self.r.add(
                    "SC015",
                    line,
                    key="expectations",
                    problem=self.r.text(f"ukjent handling «{action}»", f"unknown action '{action}'"),
                )
                continue
            role = item.get("role")
            role_id = self.role_table.get(fold(str(role))) if role else None
            if role and role_id is None:
                self.r.add("SC007", line, role=role, known=self._known_roles())
            grace = item.get("grace", 0)
            if not isinstance(grace, int) or isinstance(grace, bool) or grace < 0:
                grace = 0
            found.append(Expectation(canonical, str(item["due"]).strip(), role_id, grace, line))
        return tuple(found)

    def _known_roles(self) -> list[str]:
        return sorted(set(self.role_table.values()))

    # --- body ----------------------------------------------------------------------------------

    def _body(self, meta: Meta, nodes: list[Block]) -> Scenario:
        intro_parts: list[Block] = []
        infos: list[Info] = []
        scenes: list[Scene] = []
        injects: list[Inject] = []
        endings: list[Ending] = []
        sections = self._split(nodes, 1)
        if sections and sections[0][0] is None:
            for node in sections[0][1]:
                self.r.add("SC032", self._line(node))
            sections = sections[1:]
        for heading_node, content in sections:
            heading = _Heading(heading_node)
            self._attrs_error(heading)
            kind = vocab.SECTIONS.get(heading.kind_word)
            if kind == "introduction":
                intro_parts.extend(content)
            elif kind == "information":
                infos.extend(self._infos(content))
            elif kind == "scene":
                scenes.append(self._scene(heading, content))
            elif kind == "inject":
                injects.append(self._inject(heading, content))
            elif kind == "ending":
                endings.append(self._ending(heading, content))
            else:
                self.r.add("SC023", heading.line, title=heading.text)
        return Scenario(
            meta=meta,
            intro=self._source(intro_parts),
            infos=tuple(infos),
            scenes=tuple(scenes),
            injects=tuple(injects),
            endings=tuple(endings),
            path=self.r.path,
        )

    def _split(self, nodes: list[Block], level: int) -> list[tuple[Block | None, list[Block]]]:
        """Group nodes under the headings of one level; content before the first goes under None."""
        groups: list[tuple[Block | None, list[Block]]] = []
        current: tuple[Block | None, list[Block]] = (None, [])
        for node in nodes:
            if node.type == "heading" and node.tag == f"h{level}":
                if current[0] is not None or current[1]:
                    groups.append(current)
                current = (node, [])
            else:
                current[1].append(node)
        if current[0] is not None or current[1]:
            groups.append(current)
        return groups

    def _line(self, node: Block) -> int:
        if node.map:
            return node.map[0] + 1
        for child in node.children or ():
            if child.map:
                return child.map[0] + 1
        return 1

    def _source(self, nodes: list[Block]) -> str:
        """The author's Markdown for these blocks, as written (dedented), checked for personal data."""
        chunks = []
        for node in nodes:
            if node.map:
                start, end = node.map
                chunk = textwrap.dedent("\n".join(self.lines[start:end])).strip("\n")
                self._personal_data(chunk, start + 1)
                chunks.append(chunk)
        return "\n\n".join(c for c in chunks if c.strip())

    def _personal_data(self, text: str, line: int) -> None:
        for kind in find_personal_data(text):
            self.r.add("SC035", line, kind=self.r.text(*PERSONAL_DATA_KINDS[kind]))

    def _attrs_error(
        self, heading: _Heading | None = None, *, line: int = 0, error: str | None = None
    ) -> None:
        problem = heading.attrs_error if heading else error
        if problem:
            self.r.add("SC022", heading.line if heading else line, problem=problem)

    def _id(self, heading: _Heading) -> str:
        return heading.attrs.pop("id", None) or slugify(heading.title)

    def _role(self, text: str, line: int) -> str | None:
        role = self.role_table.get(fold(text))
        if role is None:
            self.r.add("SC007", line, role=text.strip(), known=self._known_roles())
        return role

    def _roles_list(self, value: str, line: int) -> tuple[str, ...]:
        found = []
        for part in _split_list(value):
            if fold(part) in ("ingen", "none", "nobody"):
                continue
            if fold(part) in ("alle", "all", "everyone"):
                return tuple(self.role_table[fold(r)] for r in self._known_roles())
            role = self._role(part, line)
            if role:
                found.append(role)
        return tuple(found)

    def _int_attr(self, heading: _Heading, keys: tuple[str, ...], low: int, high: int) -> int | None:
        for key in keys:
            if key in heading.attrs:
                raw = heading.attrs.pop(key)
                try:
                    value = int(raw)
                except ValueError:
                    value = None
                if value is None or not low <= value <= high:
                    self.r.add(
                        "SC021",
                        heading.line,
                        key=key,
                        problem=raw,
                        hint=self.r.text(
                            f"Bruk et heltall fra {low} til {high}.",
                            f"Use a whole number from {low} to {high}.",
                        ),
                    )
                    return None
                return value
        return None

    def _leftover_attrs(self, heading: _Heading, known: str) -> None:
        for key in heading.attrs:
            self.r.add("SC020", heading.line, key=key, known=known)

    def _settings(self, node: Block, table: dict[str, str]) -> list[tuple[str, str, int, Block]]:
        """Read a `- Key: value` list into (canonical key, value, line, inline node) rows."""
        rows = []
        for item in node.children:
            paragraph = next((c for c in item.children if c.type == "paragraph"), None)
            if paragraph is None or not paragraph.children:
                continue
            inline = paragraph.children[0]
            line = self._line(item)
            key, sep, value = inline.content.partition(":")
            canonical = table.get(fold(key)) if sep else table.get(fold(inline.content))
            if canonical is None:
                known = sorted({k for k, v in table.items() if k == v or not k.isascii()})
                self.r.add(
                    "SC020", line, key=key.strip() if sep else inline.content.strip(), known=", ".join(known)
                )
                continue
            rows.append((canonical, value.strip(), line, inline))
        return rows

    @staticmethod
    def _is_settings(node: Block, table: dict[str, str]) -> bool:
        """A bullet list is a settings list when its first item starts with a known `Key:`."""
        if node.type != "bullet_list" or not node.children:
            return False
        first = node.children[0]
        paragraph = next((c for c in first.children if c.type == "paragraph"), None)
        if paragraph is None or not paragraph.children:
            return False
        key, sep, _ = paragraph.children[0].content.partition(":")
        return bool(sep) and fold(key) in table

    # --- information -------------------------------------------------------------------------

    def _infos(self, content: list[Block]) -> list[Info]:
        infos = []
        for heading_node, body in self._split(content, 2):
            if heading_node is None:
                continue  # a lead paragraph under "# Opplysninger" is allowed prose
            heading = _Heading(heading_node)
            self._attrs_error(heading)
            info_id = self._id(heading)
            raw_sensitivity = heading.attrs.pop("sensitivitet", None) or heading.attrs.pop(
                "sensitivity", "personal"
            )
            sensitivity = vocab.SENSITIVITIES.get(fold(raw_sensitivity))
            if sensitivity is None:
                self.r.add(
                    "SC021",
                    heading.line,
                    key="sensitivitet",
                    problem=raw_sensitivity,
                    hint=self.r.text(
                        "Bruk vanlig, personlig, helse, barnevern eller vold.",
                        "Use general, personal, health, child_welfare or abuse.",
                    ),
                )
                sensitivity = "personal"
            self._leftover_attrs(heading, "id, sensitivitet")
            holders: tuple[str, ...] = ()
            needs: list[Need] = []
            text_nodes = []
            for node in body:
                if self._is_settings(node, vocab.INFO_KEYS):
                    for key, value, line, _ in self._settings(node, vocab.INFO_KEYS):
                        if key == "holders":
                            holders += self._roles_list(value, line)
                        else:
                            needs.extend(self._needs(value, line))
                else:
                    text_nodes.append(node)
            infos.append(
                Info(
                    info_id,
                    heading.title,
                    self._source(text_nodes),
                    sensitivity,
                    holders,
                    tuple(needs),
                    heading.line,
                )
            )
        return infos

    def _needs(self, value: str, line: int) -> list[Need]:
        needs = []
        for part in _split_list(value):
            # A role name may itself end in parentheses, e.g. "Pedagogisk leder (barnehage)".
            who, qualifier = (part, None) if fold(part) in self.role_table else _paren_suffix(part)
            by = None
            if qualifier:
                words = qualifier.split()
                if words and fold(words[0]) in ("innen", "by", "før", "before"):
                    words = words[1:]
                by = words[-1] if words else None
            for role in self._roles_list(who, line):
                needs.append(Need(role, by, line))
        return needs

    # --- scenes --------------------------------------------------------------------------------

    def _scene(self, heading: _Heading, content: list[Block]) -> Scene:
        scene_id = self._id(heading)
        day = self._int_attr(heading, ("dag", "day"), 0, 100_000) or 0
        minutes = self._int_attr(heading, ("min", "minutter", "minutes"), 1, 24 * 60)
        self._leftover_attrs(heading, "id, dag, min")
        parts = self._split(content, 2)
        narrative: list[Block] = []
        roles: list[RoleSection] = []
        checkpoints: list[Checkpoint] = []
        transitions: list[Transition] = []
        for sub_node, body in parts:
            if sub_node is None:
                narrative.extend(body)
                continue
            sub = _Heading(sub_node)
            self._attrs_error(sub)
            part = vocab.SCENE_PARTS.get(sub.kind_word)
            if part == "transitions":
                transitions.extend(self._transitions(body))
            elif part == "checkpoint":
                checkpoints.append(self._checkpoint(sub, body))
            else:
                section = self._role_section(scene_id, sub, body)
                if section is not None:
                    roles.append(section)
        return Scene(
            scene_id,
            heading.title,
            day,
            minutes,
            self._source(narrative),
            tuple(roles),
            tuple(checkpoints),
            tuple(transitions),
            heading.line,
        )

    def _role_section(self, scene_id: str, heading: _Heading, body: list[Block]) -> RoleSection | None:
        role = self._role(heading.text, heading.line)
        if role is None:
            return None
        passive = any(vocab.FLAGS.get(fold(c)) == "passive" for c in heading.classes)
        self._leftover_attrs(heading, "")
        text_nodes, choices = [], []
        for node in body:
            if node.type == "bullet_list" and not choices:
                choices = [self._choice(scene_id, role, item) for item in node.children]
            elif node.type == "bullet_list":
                self.r.add(
                    "SC039",
                    self._line(node),
                    problem=self.r.text(
                        "rollen har allerede en valgliste", "the role already has a list of choices"
                    ),
                    hint=self.r.text("Samle alle valg i én punktliste.", "Keep all choices in one list."),
                )
            else:
                text_nodes.append(node)
        return RoleSection(role, self._source(text_nodes), tuple(choices), passive, heading.line)

    def _choice(self, scene_id: str, role: str, item: Block) -> Choice:
        line = self._line(item)
        first = item.children[0] if item.children else None
        inline = (
            first.children[0] if first is not None and first.type == "paragraph" and first.children else None
        )
        label = inline.content.strip() if inline is not None else ""
        meta = inline.meta if inline is not None else {}
        self._attrs_error(line=line, error=meta.get("attrs_error"))
        attrs = dict(meta.get("attrs", {}))
        classes = meta.get("classes", ())
        choice_id = attrs.pop("id", None) or slugify(label)
        self._personal_data(label, line)
        for key in attrs:
            self.r.add("SC020", line, key=key, known="id")
        fields: dict[str, object] = {
            "expert": any(vocab.FLAGS.get(fold(c)) == "expert" for c in classes),
        }
        rationale_nodes = []
        rest = item.children[1:] if inline is not None else item.children
        for node in rest:
            if (
                node.type == "bullet_list"
                and "set" not in fields
                and self._is_settings(node, vocab.CHOICE_KEYS)
            ):
                self._choice_settings(node, fields)
                fields["set"] = True
            else:
                rationale_nodes.append(node)
        fields.pop("set", None)
        return Choice(
            id=choice_id,
            label=label,
            role=role,
            scene=scene_id,
            line=line,
            rationale=self._source(rationale_nodes),
            **fields,  # type: ignore[arg-type]
        )

    def _choice_settings(self, node: Block, fields: dict[str, object]) -> None:
        for key, value, line, inline in self._settings(node, vocab.CHOICE_KEYS):
            if key == "requires":
                condition, text = self._condition(inline, value, line)
                fields["requires"], fields["requires_text"] = condition, text
            elif key == "set":
                fields["sets"] = tuple(fields.get("sets", ())) + tuple(self._assignments(value, line))
            elif key == "bti":
                fields["bti"] = self._bounded(value, line, "BTI", 0, 3)
            elif key == "share":
                fields["shares"] = tuple(fields.get("shares", ())) + tuple(self._shares(value, line))
            elif key == "baton":
                fields["baton"] = self._baton(value, line)
            elif key == "action":
                fields["actions"] = tuple(fields.get("actions", ())) + tuple(self._actions(value, line))
            elif key == "measure":
                fields["measure"] = self._measure(value, line)
            elif key == "follow_up":
                days = value.split()[0] if value.split() else ""
                fields["follow_up_days"] = self._bounded(days, line, key, 1, 3650)
            elif key == "assessment":
                fields["annotations"] = tuple(fields.get("annotations", ())) + tuple(
                    self._annotations(value, line)
                )
            elif key == "plan":
                fields["plan"] = slugify(value) if value else ""
            elif key == "feedback":
                fields["feedback"] = self._inline_source(inline, value)
                self._personal_data(value, line)
            elif key == "law":
                fields["laws"] = tuple(fields.get("laws", ())) + tuple(
                    p.strip() for p in value.split(";") if p.strip()
                )

    def _inline_source(self, inline: Block, value: str) -> str:
        """The Markdown after `Key:` in a settings item, which may run over several lines."""
        return " ".join(value.split()) if "\n" in value else value

    def _bounded(self, value: str, line: int, key: str, low: int, high: int) -> int | None:
        try:
            number = int(value.strip())
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.r.add(
                "SC021",
                line,
                key=key,
                problem=value,
                hint=self.r.text(
                    f"Bruk et heltall fra {low} til {high}.", f"Use a whole number from {low} to {high}."
                ),
            )
            return None
        return number

    def _condition(self, inline: Block, value: str, line: int) -> tuple[Condition | None, str]:
        code = next((c for c in inline_children(inline) if c.type == "code_inline"), None)
        text = code.content if code is not None else value
        try:
            return parse_condition(text, self.role_table), text
        except ConditionError as error:
            if hasattr(error, "role"):
                self.r.add("SC007", line, role=error.role, known=self._known_roles())
            else:
                self.r.add("SC019", line, problem=self.r.text(error.nb, error.en))
            return None, text

    def _assignments(self, value: str, line: int) -> list[Assignment]:
        found = []
        for part in _split_list(value):
            words = (
                part.replace("+=", " + ").replace("-=", " - ").replace("=", " = ").replace("+", " + ").split()
            )
            hint = self.r.text(
                "Skriv `flagg`, `ikke flagg`, `teller + 1`, `teller - 1` eller `teller = 3`.",
                "Write `flag`, `not flag`, `counter + 1`, `counter - 1` or `counter = 3`.",
            )
            if len(words) == 1 and self._is_name(words[0]):
                found.append(Assignment(words[0], "set", 1, line))
            elif len(words) == 2 and fold(words[0]) in ("ikke", "not") and self._is_name(words[1]):
                found.append(Assignment(words[1], "clear", 0, line))
            elif len(words) == 3 and self._is_name(words[0]) and words[1] in "+-=" and _is_int(words[2]):
                amount = int(words[2])
                op = "assign" if words[1] == "=" else "add"
                found.append(Assignment(words[0], op, -amount if words[1] == "-" else amount, line))
            else:
                self.r.add("SC021", line, key="Setter", problem=part, hint=hint)
        return found

    @staticmethod
    def _is_name(word: str) -> bool:
        return (
            bool(word)
            and (word[0].isalpha() or word[0] == "_")
            and all(ch.isalnum() or ch in "_-" for ch in word)
            and fold(word) not in vocab.CONDITION_WORDS
        )

    def _shares(self, value: str, line: int) -> list[Share]:
        shares = []
        hint = self.r.text(
            "Skriv `opplysning -> rolle (grunnlag)`, for eksempel `fravaer -> helsesykepleier (samtykke)`.",
            "Write `item -> role (basis)`, for example `absence -> nurse (consent)`.",
        )
        for clause in _split_list(value, ";"):
            clause = clause.replace("→", "->")
            left, arrow, right = clause.partition("->")
            if not arrow:
                self.r.add("SC021", line, key="Deler", problem=clause, hint=hint)
                continue
            targets, basis_text = _paren_suffix(right)
            if basis_text is None:
                self.r.add(
                    "SC021",
                    line,
                    key="Deler",
                    problem=self.r.text(
                        f"«{clause}» mangler grunnlag i parentes", f"'{clause}' lacks a basis in parentheses"
                    ),
                    hint=hint,
                )
                continue
            basis = vocab.BASES.get(fold(basis_text))
            if basis is None:
                self.r.add(
                    "SC021",
                    line,
                    key="Deler",
                    problem=basis_text,
                    hint=self.r.text(
                        "Grunnlag: samtykke, opplysningsplikt, avvergingsplikt, anonym, "
                        "tjenestlig behov eller uten.",
                        "Basis: consent, duty_to_report, duty_to_avert, anonymous, internal or none.",
                    ),
                )
                continue
            infos = tuple(_split_list(left))
            roles = self._roles_list(targets, line)
            if infos and roles:
                shares.append(Share(infos, roles, basis, line))
            elif not infos:
                self.r.add("SC021", line, key="Deler", problem=clause, hint=hint)
        return shares

    def _baton(self, value: str, line: int) -> Baton | None:
        folded = fold(value)
        for phrase in sorted(vocab.BATON, key=len, reverse=True):
            if folded == phrase or folded.startswith(phrase + " "):
                kind = vocab.BATON[phrase]
                rest = folded[len(phrase) :].strip()
                if kind == "propose":
                    if not rest:
                        break
                    role = self._role(rest, line)
                    return Baton(kind, role, line) if role else None
                if rest:
                    break
                return Baton(kind, None, line)
        self.r.add(
            "SC021",
            line,
            key="Stafett",
            problem=value,
            hint=self.r.text(
                "Skriv `foreslår <rolle>`, `tar imot`, `tar` eller `gir fra seg`.",
                "Write `propose <role>`, `accept`, `take` or `release`.",
            ),
        )
        return None

    def _actions(self, value: str, line: int) -> list[Action]:
        found = []
        for part in _split_list(value):
            name, qualifier = _paren_suffix(part)
            kind = vocab.ACTIONS.get(fold(name))
            if kind is None:
                self.r.add(
                    "SC021",
                    line,
                    key="Handling",
                    problem=name,
                    hint=self.r.text(
                        "Kjente handlinger: "
                        + ", ".join(sorted(k for k, v in vocab.ACTIONS.items() if "-" in k)),
                        "Known actions: " + ", ".join(sorted(set(vocab.ACTIONS.values()))),
                    ),
                )
                continue
            tags = []
            for tag_text in _split_list(qualifier or ""):
                tag = vocab.ACTION_TAGS.get(fold(tag_text))
                if tag is None:
                    self.r.add(
                        "SC021",
                        line,
                        key="Handling",
                        problem=tag_text,
                        hint=self.r.text(
                            "Kjente presiseringer: åpne spørsmål, ledende, sbar, bekreftet, forberedt, "
                            "uforberedt, "
                            "med samtykke, uten samtykke.",
                            "Known qualifiers: " + ", ".join(sorted(set(vocab.ACTION_TAGS.values()))),
                        ),
                    )
                else:
                    tags.append(tag)
            found.append(Action(kind, tuple(tags), line))
        return found

    def _measure(self, value: str, line: int) -> Measure | None:
        name, qualifier = _paren_suffix(value)
        domain = vocab.DOMAINS.get(fold(name))
        if domain is None:
            self.r.add(
                "SC021",
                line,
                key="Tiltak",
                problem=name,
                hint=self.r.text(
                    "Bruk læring, helse, omsorg eller sosialt, og gjerne `(felles plan)`.",
                    "Use learning, health, care or social, optionally `(shared plan)`.",
                ),
            )
            return None
        shared = qualifier is not None and any(
            w in fold(qualifier) for w in ("felles", "shared", "plan", "stafettlogg")
        )
        return Measure(domain, shared, line)

    def _annotations(self, value: str, line: int) -> list[Annotation]:
        found = []
        for part in _split_list(value):
            words = part.split()
            if len(words) < 2 or not _is_int(words[-1].replace("+", "")):
                self.r.add(
                    "SC021",
                    line,
                    key="Vurdering",
                    problem=part,
                    hint=self.r.text(
                        "Skriv dimensjon og tall fra -2 til +2, for eksempel `stemme +2, informasjon -1`.",
                        "Write a dimension and a number from -2 to +2, e.g. `voice +2, information -1`.",
                    ),
                )
                continue
            name = " ".join(words[:-1])
            amount = int(words[-1].replace("+", ""))
            dimension = vocab.DIMENSIONS.get(fold(name))
            if dimension is None:
                self.r.add(
                    "SC009",
                    line,
                    name=name,
                    known=sorted(
                        k
                        for k, v in vocab.DIMENSIONS.items()
                        if " " not in k
                        and not k.isascii()
                        or k in ("eskalering", "informasjon", "eierskap", "stemme", "foreldre", "samstemthet")
                    ),
                )
                continue
            if not -2 <= amount <= 2:
                self.r.add(
                    "SC021",
                    line,
                    key="Vurdering",
                    problem=part,
                    hint=self.r.text(
                        "Tallet går fra -2 (svært uheldig) til +2 (svært godt).",
                        "The number runs from -2 (very poor) to +2 (very good).",
                    ),
                )
                continue
            found.append(Annotation(dimension, amount, line))
        return found

    # --- transitions and checkpoints ----------------------------------------------------------

    def _transitions(self, body: list[Block]) -> list[Transition]:
        found = []
        for node in body:
            if node.type != "bullet_list":
                self.r.add(
                    "SC039",
                    self._line(node),
                    problem=self.r.text(
                        "under «Videre» står bare en punktliste med overganger",
                        "only a list of transitions belongs under 'Next'",
                    ),
                    hint=self.r.text(
                        "Skriv `- Hvis `betingelse`: [Tittel](#scene-id)` og `- Ellers: [Tittel](#id)`.",
                        "Write `- If `condition`: [Title](#scene-id)` and `- Otherwise: [Title](#id)`.",
                    ),
                )
                continue
            for item in node.children:
                transition = self._transition(item)
                if transition is not None:
                    found.append(transition)
        return found

    def _transition(self, item: Block) -> Transition | None:
        line = self._line(item)
        paragraph = next((c for c in item.children if c.type == "paragraph"), None)
        inline = paragraph.children[0] if paragraph is not None and paragraph.children else None
        hint = self.r.text(
            "Skriv `- Hvis `betingelse`: [Tittel](#scene-id)` eller `- Ellers: [Tittel](#id)`.",
            "Write `- If `condition`: [Title](#scene-id)` or `- Otherwise: [Title](#id)`.",
        )
        if inline is None:
            return None
        children = inline_children(inline)
        link = next((c for c in children if c.type == "link"), None)
        href = str(link.attrs.get("href", "")) if link is not None else ""
        if not href.startswith("#") or len(href) < 2:
            self.r.add(
                "SC021",
                line,
                key=self.r.text("overgang", "transition"),
                problem=self.r.text(
                    "mangler lenke til en scene, som `[Tittel](#scene-id)`",
                    "lacks a link to a scene, like `[Title](#scene-id)`",
                ),
                hint=hint,
            )
            return None
        target = href[1:]
        before = []
        for child in children:
            if child is link:
                break
            before.append(child)
        lead = "".join(c.content for c in before if c.type == "text").strip().rstrip(":").strip()
        code = next((c for c in before if c.type == "code_inline"), None)
        first_word = fold(lead.split()[0]) if lead.split() else ""
        if first_word in vocab.OTHERWISE and code is None:
            return Transition(None, "", target, line)
        if code is not None:
            text = code.content
        elif first_word in vocab.IF:
            text = lead.split(None, 1)[1] if len(lead.split()) > 1 else ""
        else:
            self.r.add(
                "SC021", line, key=self.r.text("overgang", "transition"), problem=lead or "–", hint=hint
            )
            return None
        try:
            condition = parse_condition(text, self.role_table)
        except ConditionError as error:
            if hasattr(error, "role"):
                self.r.add("SC007", line, role=error.role, known=self._known_roles())
            else:
                self.r.add("SC019", line, problem=self.r.text(error.nb, error.en))
            return None
        return Transition(condition, text, target, line)

    def _checkpoint(self, heading: _Heading, body: list[Block]) -> Checkpoint:
        checkpoint_id = self._id(heading)
        self._leftover_attrs(heading, "id")
        options: list[Option] = []
        explanation_nodes = []
        for node in body:
            if node.type in ("bullet_list", "ordered_list") and not options:
                for item in node.children:
                    paragraph = next((c for c in item.children if c.type == "paragraph"), None)
                    if paragraph is None or not paragraph.children:
                        continue
                    inline = paragraph.children[0]
                    line = self._line(item)
                    self._attrs_error(line=line, error=inline.meta.get("attrs_error"))
                    attrs = dict(inline.meta.get("attrs", {}))
                    correct = any(
                        vocab.FLAGS.get(fold(c)) == "correct" for c in inline.meta.get("classes", ())
                    )
                    option_id = attrs.pop("id", None) or slugify(inline.content)
                    options.append(Option(option_id, inline.content.strip(), correct, line))
            else:
                explanation_nodes.append(node)
        return Checkpoint(
            checkpoint_id, heading.title, tuple(options), self._source(explanation_nodes), heading.line
        )

    # --- injects and endings ----------------------------------------------------------------

    def _inject(self, heading: _Heading, content: list[Block]) -> Inject:
        inject_id = self._id(heading)
        self._leftover_attrs(heading, "id")
        to: tuple[str, ...] = ()
        reveals: tuple[str, ...] = ()
        trigger = Trigger("manual", None, None, heading.line)
        text_nodes = []
        for node in content:
            if self._is_settings(node, vocab.INJECT_KEYS):
                for key, value, line, _ in self._settings(node, vocab.INJECT_KEYS):
                    if key == "to":
                        to += self._roles_list(value, line)
                    elif key == "reveals":
                        reveals += tuple(_split_list(value))
                    else:
                        trigger = self._trigger(value, line)
            else:
                text_nodes.append(node)
        return Inject(inject_id, heading.title, self._source(text_nodes), to, trigger, reveals, heading.line)

    def _trigger(self, value: str, line: int) -> Trigger:
        words = value.replace(",", " ").split()
        kind, scene, after = "manual", None, None
        i = 0
        ok = bool(words)
        while i < len(words) and ok:
            word = vocab.TRIGGER_WORDS.get(fold(words[i]))
            if word == "manual":
                i += 1
            elif word == "scene" or fold(words[i]) == "scene":
                i += 1
                if i < len(words) and fold(words[i]) == "scene":
                    i += 1
                if i < len(words):
                    kind, scene = "scene", words[i]
                    i += 1
                else:
                    ok = False
            elif word == "after" and i + 1 < len(words) and words[i + 1].isdigit():
                after = int(words[i + 1])
                i += 2
                if i < len(words) and vocab.TRIGGER_WORDS.get(fold(words[i])) == "minutes":
                    i += 1
            else:
                ok = False
        if not ok or (after is not None and scene is None):
            self.r.add(
                "SC021",
                line,
                key=self.r.text("Utløses", "When"),
                problem=value,
                hint=self.r.text(
                    "Skriv `manuelt`, `i scene-id` eller `i scene-id etter 5 min`.",
                    "Write `manual`, `in scene-id` or `in scene-id after 5 min`.",
                ),
            )
            return Trigger("manual", None, None, line)
        return Trigger(kind, scene, after, line)

    def _ending(self, heading: _Heading, content: list[Block]) -> Ending:
        ending_id = self._id(heading)
        raw = heading.attrs.pop("vurdering", None) or heading.attrs.pop("rating", None)
        rating = vocab.RATINGS.get(fold(raw)) if raw else None
        if rating is None:
            self.r.add(
                "SC021",
                heading.line,
                key="vurdering",
                problem=raw or "–",
                hint=self.r.text(
                    "Gi slutten en vurdering: `{#id vurdering=god}`, `middels` eller `svak`.",
                    "Give the ending a rating: `{#id rating=good}`, `mixed` or `poor`.",
                ),
            )
            rating = "mixed"
        self._leftover_attrs(heading, "id, vurdering")
        return Ending(ending_id, heading.title, rating, self._source(content), heading.line)


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()
