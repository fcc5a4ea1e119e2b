"""One URL per resource: a full page for browsers, a fragment for htmx swaps."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import make_response
from flask import render_template
from flask import request


def is_htmx() -> bool:
    """Tell whether this request wants a fragment: an htmx swap that is not a history restore."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, partial: str, **context: Any) -> Response:
    """Render ``partial`` for htmx swaps and ``page`` otherwise, marking the response as varying."""
    response = make_response(render_template(partial if is_htmx() else page, **context))
    # Without Vary a browser or proxy cache could serve a fragment as a whole page, or the reverse.
    response.vary.add("HX-Request")
    return response
