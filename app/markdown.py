"""The one Markdown renderer for author text (scenarios and courses): safe HTML, cached per text.

Author text is user input, so the parser is markdown-it's ``js-default`` preset (raw HTML is shown
as text, never passed through) with the same block rules switched off as the scenario parser uses.
Links go only to ``http(s)`` and ``mailto`` addresses; images come only from Laget's own static
files or are embedded in the text (``scenarios.images``), since a remote image would tell its host
who is in a drill. Other images are dropped, leaving their alt text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from scenarios.images import is_allowed_image
from scenarios.markup import UNUSED_BLOCK_RULES

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _is_web_link(url: str) -> bool:
    """Whether a link goes to a web page or an e-mail address."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in ALLOWED_LINK_SCHEMES


def _validate_link(url: str) -> bool:
    """Let through web and e-mail links, and the image addresses images may use (checked again below)."""
    return _is_web_link(url) or is_allowed_image(url)


def _build_parser() -> MarkdownIt:
    """Configure the parser once: CommonMark plus tables and strikethrough, no raw HTML."""
    md = MarkdownIt("js-default").disable(UNUSED_BLOCK_RULES)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


def _link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    """Open author links without telling the target site which drill page the reader came from."""
    token = tokens[idx]
    if not _is_web_link(str(token.attrGet("href") or "")):
        # An image address used as a link target: keep the text, drop the target.
        token.attrs.pop("href", None)
    token.attrSet("rel", "noopener noreferrer nofollow")
    return renderer.renderToken(tokens, idx, options, env)


def _image(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
    """Show allowed images; for any other address show only the alt text, so no remote host is asked."""
    token = tokens[idx]
    if is_allowed_image(str(token.attrGet("src") or "")):
        return renderer.image(tokens, idx, options, env)
    return escapeHtml(renderer.renderInlineAsText(token.children or [], options, env))


_PARSER = _build_parser()


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Render author Markdown to HTML; the result depends only on the text, so it is cached."""
    return Markup(_PARSER.render(text or ""))
