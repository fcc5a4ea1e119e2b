"""Property tests: no text, however broken, makes the parser or checker raise."""

from __future__ import annotations

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from scenarios.check import check_source
from scenarios.diagnostics import CODES
from tests.scenarios.conftest import BASE

_LINES = BASE.splitlines(keepends=True)

# Fragments that exercise the format's syntax, so mutations hit interesting paths.
_FRAGMENTS = [
    "# Scene: X {#x}\n",
    "## Videre\n",
    "- Hvis `a og`: [X](#x)\n",
    "- Ellers: [Y](#nope)\n",
    "  - Deler: fravaer -> \n",
    "  - Stafett: tar imot\n",
    "{#",
    "}",
    "---\n",
    "```\n",
    "> ",
    "## Sjekkpunkt: ?\n",
    "- Valg {#v .ekspert}\n",
    "  - Setter: x + \n",
    "# Slutt: Z {#z}\n",
    "roles: 3\n",
    "\x00",
    "\ufeff",
    "\t",
    "\u202e",
    "- [ ] ",
    "1. ",
    "  - Krever: `((((`\n",
]


def _assert_clean(result) -> None:
    for d in result.diagnostics:
        assert d.code in CODES
        assert d.line >= 1
        assert d.message and d.hint is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_arbitrary_text_never_raises(text: str) -> None:
    _assert_clean(check_source(text))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _assert_clean(check_source(data))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "insert", "swap", "truncate"]),
            st.integers(min_value=0, max_value=len(_LINES) - 1),
            st.sampled_from(_FRAGMENTS) | st.text(max_size=40),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_scenarios_never_raise(mutations) -> None:
    lines = list(_LINES)
    for op, index, fragment in mutations:
        index = min(index, len(lines) - 1) if lines else 0
        if not lines:
            lines = [fragment]
        elif op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(index, lines[index])
        elif op == "insert":
            lines.insert(index, fragment)
        elif op == "swap":
            other = (index * 7 + 3) % len(lines)
            lines[index], lines[other] = lines[other], lines[index]
        else:
            lines[index] = lines[index][: len(lines[index]) // 2]
    _assert_clean(check_source("".join(lines)))
