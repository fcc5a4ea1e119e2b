"""When a case-level marker starts to hold (parents contraindicated, § 196 threshold met), read and judged."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping

from scenarios.model import Onset
from scenarios.vocabulary import fold


def onset_holds(onset: Onset | None, visited_scenes: Iterable[str], flags: Mapping[str, object]) -> bool:
    """True when the marker holds for a team that has visited these scenes and has these flags."""
    if onset is None:
        return False
    if onset.always:
        return True
    if onset.scene is not None:
        return onset.scene in set(visited_scenes)
    return onset.flag is not None and bool(flags.get(onset.flag))


def read_onset(
    value: object, never: tuple[str, ...], always: tuple[str, ...], from_key: str, when_key: str, line: int
) -> tuple[Onset | None, bool]:
    """Read a front-matter marker: a word for never or always, or `{from_key: scene}` / `{when_key: flag}`.

    Returns the onset (None for never) and whether the value was understood.
    """
    if value is None:
        return None, True
    if isinstance(value, str):
        word = fold(value)
        if word in never:
            return None, True
        if word in always:
            return Onset(True, None, None, line), True
        return None, False
    if isinstance(value, dict) and len(value) == 1:
        ((key, target),) = value.items()
        if isinstance(target, str) and target.strip():
            if fold(str(key)) == from_key:
                return Onset(False, target.strip(), None, line), True
            if fold(str(key)) == when_key:
                return Onset(False, None, target.strip(), line), True
    return None, False
