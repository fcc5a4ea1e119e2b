"""Turn scenario Markdown into the immutable model, reporting problems instead of raising."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from scenarios import settings
from scenarios import vocabulary as vocab
from scenarios.conditions import ConditionError
from scenarios.conditions import parse_condition
from scenarios.frontmatter import read_front_matter
from scenarios.ids import slugify
from scenarios.markup import Block
from scenarios.markup import block_tree
from scenarios.markup import inline_children
from scenarios.markup import scenario_markdown
from scenarios.model import Checkpoint
from scenarios.model import Choice
from scenarios.model import Ending
from scenarios.model import Info
from scenarios.model import Inject
from scenarios.model import Meta
from scenarios.model import Option
from scenarios.model import RoleSection
from scenarios.model import Scenario
from scenarios.model import Scene
from scenarios.model import Transition
from scenarios.model import Trigger
from scenarios.reporter import Reporter
from scenarios.vocabulary import fold

MAX_BYTES = 5 * 1024 * 1024
LANGUAGES = ("nb", "nn", "en")


# Diagnostics about the front matter itself; when one of them is found, everything else follows from it.
ROOT_CAUSES = ("SC016", "SC017")


@dataclass(frozen=True)
class ParseResult:
    scenario: Scenario | None
    diagnostics: list
    front_matter_ok: bool = True


def parse(source: str | bytes, path: str = "", lang: str = "nb") -> ParseResult:
    """Parse scenario source into a `Scenario` plus every diagnostic found on the way.

    A broken or missing front matter is reported alone: without roles every role section, share and
    condition would otherwise add a follow-on error.
    """
    reporter = Reporter(path, lang)
    parser = _Parser(reporter)
    scenario = parser.run(source)
    if parser.yaml_failed:
        roots = [d for d in reporter.sorted() if d.code in ROOT_CAUSES]
        return ParseResult(scenario, roots, front_matter_ok=False)
    return ParseResult(scenario, reporter.sorted())


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
        self.ctx = settings.Context(reporter, self.role_table)
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
        head = nodes[0] if nodes and nodes[0].type == "front_matter" else None
        front = read_front_matter(
            head.content if head is not None else None,
            2,
            self.r,
            unclosed=bool(self.lines) and self.lines[0].strip() == "---",
        )
        self.yaml_failed = not front.ok
        self.role_table.update(front.roles)
        return self._body(front.meta, nodes[1:] if head is not None else nodes)

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
                settings.personal_data(self.ctx, chunk, start + 1)
                chunks.append(chunk)
        return "\n\n".join(c for c in chunks if c.strip())

    def _attrs_error(
        self, heading: _Heading | None = None, *, line: int = 0, error: str | None = None
    ) -> None:
        problem = heading.attrs_error if heading else error
        if problem:
            self.r.add("SC022", heading.line if heading else line, problem=problem)

    def _id(self, heading: _Heading) -> str:
        return heading.attrs.pop("id", None) or slugify(heading.title)

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
                known = ", ".join(f"`{w if w[0].isupper() else w.capitalize()}:`" for w in vocab.names(table))
                self.r.add("SC020", line, key=key.strip() if sep else inline.content.strip(), known=known)
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
            rows, text_nodes = [], []
            for node in body:
                if self._is_settings(node, vocab.INFO_KEYS):
                    rows += self._settings(node, vocab.INFO_KEYS)
                else:
                    text_nodes.append(node)
            fields = settings.merged(settings.INFO_SETTINGS, self.ctx, rows, ("holders", "needs"))
            infos.append(
                Info(
                    info_id,
                    heading.title,
                    self._source(text_nodes),
                    sensitivity,
                    fields.get("holders", ()),  # type: ignore[arg-type]
                    fields.get("needs", ()),  # type: ignore[arg-type]
                    heading.line,
                )
            )
        return infos

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
        role = settings.role_of(self.ctx, heading.text, heading.line)
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
        settings.personal_data(self.ctx, label, line)
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
        fields.update(settings.choice_fields(self.ctx, self._settings(node, vocab.CHOICE_KEYS)))

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
                self.r.add("SC007", line, role=error.role, known=settings.known_roles(self.ctx))
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
        rows, text_nodes = [], []
        for node in content:
            if self._is_settings(node, vocab.INJECT_KEYS):
                rows += self._settings(node, vocab.INJECT_KEYS)
            else:
                text_nodes.append(node)
        fields = settings.merged(settings.INJECT_SETTINGS, self.ctx, rows, ("to", "reveals"))
        return Inject(
            inject_id,
            heading.title,
            self._source(text_nodes),
            fields.get("to", ()),  # type: ignore[arg-type]
            fields.get("trigger", Trigger("manual", None, None, heading.line)),  # type: ignore[arg-type]
            fields.get("reveals", ()),  # type: ignore[arg-type]
            heading.line,
        )

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
