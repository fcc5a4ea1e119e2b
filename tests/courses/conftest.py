"""Shared helpers for the course tests: the small valid fixture course and ways to break a copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini-kurs"
SCENARIOS = {"fravaer-og-hodepine": ["kontaktlaerer", "ppt", "bvt", "helsesykepleier"]}

# One edit: (file name, old fragment or None for the whole file, new text/bytes or None to delete the file).
Edit = tuple[str, str | None, str | bytes | None]


def broken_course(tmp_path: Path, edits: list[Edit]) -> Path:
    """Copy the fixture course into `tmp_path` and apply the edits, failing loudly on a missing fragment."""
    folder = tmp_path / "mini-kurs"
    shutil.copytree(MINI, folder)
    for name, old, new in edits:
        path = folder / name
        if new is None:
            path.unlink()
        elif old is None:
            path.write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))
        else:
            text = path.read_text(encoding="utf-8")
            assert old in text, old
            path.write_text(text.replace(old, str(new), 1), encoding="utf-8")
    return folder


def line_of(path: Path, marker: str | int | None) -> int:
    """The 1-based line of the first line holding the marker; 1 without one; a number is the line."""
    if marker is None:
        return 1
    if isinstance(marker, int):
        return marker
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")
