"""Property tests: no text or bytes in a lesson, course or quiz file makes the parser or checker raise."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from courses.check import check_course
from courses.diagnostics import CODES
from tests.courses.conftest import MINI
from tests.courses.conftest import SCENARIOS

_LESSON = (MINI / "01-start.md").read_text(encoding="utf-8")
_LINES = _LESSON.splitlines(keepends=True)
_FRAGMENTS = [
    "## Spørsmål {#q}\n",
    "## Spørsmål {#q .flervalg}\n",
    "## Øv: X {#ov}\n",
    "## Refleksjon\n",
    "- Scenario: \n",
    "- Rolle: x\n",
    "- Profil: ?\n",
    "  - Tilbakemelding:\n",
    "- Svar {#a .riktig}\n",
    "{#",
    "}",
    "---\n",
    "```\n",
    "![](x.svg)\n",
    "Forklaring:\n",
    "id: [\n",
    "\x00",
    "\ufeff",
    "\t",
    "- ",
    "1. ",
]


def _check(name: str, content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "mini-kurs"
        shutil.copytree(MINI, folder)
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        result = check_course(folder, SCENARIOS)
        assert all(d.code in CODES and d.line >= 1 for d in result.diagnostics)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_in_a_lesson_never_raises(text: str) -> None:
    _check("01-start.md", text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary())
def test_arbitrary_bytes_in_a_lesson_never_raise(data: bytes) -> None:
    _check("02-midt.md", data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(_LINES)), st.sampled_from(_FRAGMENTS) | st.text(max_size=20)),
        max_size=6,
    ),
    st.sampled_from(["01-start.md", "course.md", "prove.md", "03-ov.md"]),
)
def test_mutated_files_never_raise(edits: list[tuple[int, str]], name: str) -> None:
    lines = (MINI / name).read_text(encoding="utf-8").splitlines(keepends=True)
    for index, fragment in edits:
        lines.insert(min(index, len(lines)), fragment)
    _check(name, "".join(lines))
