"""Ids in a scenario: lower-case a–z, digits and hyphens, so they are safe in URLs, files and exports."""

from __future__ import annotations

import re
import unicodedata

_VALID = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*")
_SPELLED = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "þ": "th", "ð": "d", "ł": "l"})


def valid_id(text: str) -> bool:
    """True for an id of lower-case a–z, 0–9 and inner hyphens."""
    return bool(_VALID.fullmatch(text))


def slugify(text: str) -> str:
    """Make a valid id from a title or a bad id: `Hva nå, BVT?` becomes `hva-na-bvt`."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).casefold().translate(_SPELLED))
    out, dash = [], False
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif unicodedata.combining(ch):
            continue
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:60].strip("-") or "x"


def show_id(text: str) -> str:
    """An id as it can be shown in a message: line breaks and other control characters written out."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
