"""Which images author Markdown may show: Laget's own files, or pictures embedded in the text.

An image from any other address would make every participant's browser fetch it, telling that
host who is in a drill and when. The web app drops such images when it renders; the checker warns
about them (SC047) so the author can embed the picture instead.
"""

from __future__ import annotations

import re

# Laget's own files, served from the app's /static/ folder.
STATIC_PREFIX = "/static/"
# A course's own pictures, which the app serves from the course folder.
_COURSE_IMAGE = re.compile(r"^/courses/[A-Za-z0-9._-]+/bilder/[A-Za-z0-9._-]+$")
# Embedded pictures of plain raster types; SVG is left out, since it is a document that can hold links.
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$", re.IGNORECASE)
# An inline image in Markdown source: ![alt](url ...). A detector for the checker, not the parser.
_INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def is_allowed_image(url: str) -> bool:
    """Whether an image address is one of Laget's own files (static, a course's pictures) or embedded."""
    url = url.strip()
    if any(part in url for part in ("..", "//", "\\")) and not url.startswith("data:"):
        return False
    if url.startswith(STATIC_PREFIX) or _COURSE_IMAGE.match(url):
        return True
    return bool(_DATA_IMAGE.match(url))


def foreign_images(source: str) -> list[tuple[int, str]]:
    """Each image in the source that is not allowed, as (line number, address)."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        for match in _INLINE_IMAGE.finditer(line):
            if not is_allowed_image(match.group(1)):
                found.append((number, match.group(1)))
    return found
