"""The one configured Markdown parser for scenarios and courses, with the trailing-attributes plugin."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs
from mdit_py_plugins.front_matter import front_matter_plugin


def trailing_attrs_plugin(md: MarkdownIt) -> None:
    """Read `{#id .class key=value}` at the end of a heading or paragraph into `token.meta["attrs"]`.

    Authors write `# Scene: Mandag {#mandag dag=1}`; the braces leave the visible text and their
    contents (djot attribute syntax, parsed by mdit-py-plugins) are kept on the inline token.
    """
    md.core.ruler.before("inline", "trailing_attrs", _trailing_attrs_rule)


def _trailing_attrs_rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline":
            continue
        content = token.content.rstrip()
        if not content.endswith("}"):
            continue
        start = content.rfind("{")
        if start < 0 or not _looks_like_attrs(content[start + 1 :]):
            continue
        try:
            end, attrs = parse_attrs(content[start:])
        except ParseError as error:
            token.meta["attrs_error"] = str(error)
            token.content = content[:start].rstrip()
            continue
        if start + end != len(content) - 1:
            token.meta["attrs_error"] = "unexpected text after the closing brace"
            continue
        classes = attrs.pop("class", "")
        token.meta["attrs"] = attrs
        token.meta["classes"] = tuple(classes.split())
        token.content = content[:start].rstrip()


def _looks_like_attrs(inner: str) -> bool:
    """Only braces that start like attributes count, so prose with braces is left alone."""
    inner = inner.lstrip()
    if inner.startswith(("#", ".")):
        return True
    key = inner.split("=", 1)[0]
    return "=" in inner and key.replace("-", "").replace("_", "").isalnum()


# Rules authors never need and that surprise them: "Tekst" over a "---" line turning into a
# heading (lheading), indented rationale turning into a code block (code), raw HTML, and link
# reference definitions. Leaving them out also makes parsing about a third faster.
UNUSED_BLOCK_RULES = ["lheading", "code", "html_block", "reference"]


@cache
def scenario_markdown() -> MarkdownIt:
    """Build the parser once: CommonMark without raw HTML, plus front matter and attributes.

    Inline parsing is left to `Block.children` on demand: the scenario structure needs inline
    tokens only in a few places (transition links, conditions in backticks), and skipping it for
    every narrative paragraph saves a fifth of the parse time.
    """
    return (
        MarkdownIt("commonmark", {"html": False})
        .disable(UNUSED_BLOCK_RULES)
        .disable("inline")
        .use(front_matter_plugin)
        .use(trailing_attrs_plugin)
    )


class Inline:
    """One inline token of a parsed line; links carry their attributes (`href`)."""

    __slots__ = ("attrs", "content", "type")

    def __init__(self, type_: str, content: str, attrs: dict) -> None:
        self.type = type_
        self.content = content
        self.attrs = attrs


class Block:
    """A container node of the block tree built from markdown-it tokens, lighter than `SyntaxTreeNode`.

    Leaves (inline text, fences, front matter) stay markdown-it `Token`s.
    """

    __slots__ = ("children", "content", "map", "meta", "tag", "type")

    def __init__(self, token: Token | None, type_: str) -> None:
        self.type = type_
        self.tag = token.tag if token is not None else ""
        self.map = token.map if token is not None else None
        self.content = token.content if token is not None else ""
        self.meta = token.meta if token is not None else {}
        self.children: list = []


def inline_children(token: Token) -> list[Inline]:
    """Parse an inline token's content into tokens, once, when a caller needs them."""
    cached = token.meta.get("_inline")
    if cached is None:
        md = scenario_markdown()
        tokens: list[Token] = []
        md.inline.parse(token.content, md, {}, tokens)
        cached = [
            Inline("link" if t.type == "link_open" else t.type, t.content, dict(t.attrs)) for t in tokens
        ]
        token.meta["_inline"] = cached
    return cached


def block_tree(tokens: list[Token]) -> Block:
    """Nest the flat token stream into blocks: `x_open … x_close` pairs become parents."""
    root = Block(None, "root")
    stack = [root]
    for token in tokens:
        if token.nesting == 1:
            node = Block(token, token.type[:-5])
            stack[-1].children.append(node)
            stack.append(node)
        elif token.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].children.append(token)
    return root
