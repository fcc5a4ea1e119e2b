"""The one Markdown renderer for author text (scenarios and courses): safe HTML, cached per text.

Author text is user input, so the parser is markdown-it's ``js-default`` preset (raw HTML is shown
as text, never passed through) with the same block rules switched off as the scenario parser uses,
and links are allowed only to ``http(s)`` and ``mailto`` addresses.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from scenarios.markup import UNUSED_BLOCK_RULES

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _validate_link(url: str) -> bool:
    """Allow absolute web and e-mail links only; relative links point nowhere inside a drill."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in ALLOWED_LINK_SCHEMES


def _build_parser() -> MarkdownIt:
    """Configure the parser once: CommonMark plus tables and strikethrough, no raw HTML."""
    md = MarkdownIt("js-default").disable(UNUSED_BLOCK_RULES)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _link_open)
    return md


def _link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    """Open author links without telling the target site which drill page the reader came from."""
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    return renderer.renderToken(tokens, idx, options, env)


_PARSER = _build_parser()


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Render author Markdown to HTML; the result depends only on the text, so it is cached."""
    return Markup(_PARSER.render(text or ""))
