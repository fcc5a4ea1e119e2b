"""The one configured Markdown parser for scenarios and courses, with the trailing-attributes plugin."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
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
    """Build the parser once: CommonMark without raw HTML, plus front matter and attributes."""
    return (
        MarkdownIt("commonmark", {"html": False})
        .disable(UNUSED_BLOCK_RULES)
        .use(front_matter_plugin)
        .use(trailing_attrs_plugin)
    )
