"""The library's quizzes cannot be passed by guessing from the options' form: cue figures stay in limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from courses import cues
from courses.check import check_course
from courses.model import MULTIPLE
from courses.model import SINGLE
from courses.model import Option
from courses.model import Question
from tests.courses.conftest import SCENARIOS
from tests.courses.conftest import broken_course

LIBRARY = Path(__file__).resolve().parents[2] / "courses" / "library"
FOLDERS = sorted(p for p in LIBRARY.iterdir() if p.is_dir())


def _question(kind: str, labels: list[str], correct: set[int]) -> Question:
    options = tuple(Option(chr(97 + i), label, i in correct, "Fordi.", i) for i, label in enumerate(labels))
    return Question("q", kind, "Hva gjør du?", options, "Forklaring.", 1)


def _courses():
    return [check_course(folder).course for folder in FOLDERS]


def _assert_within_limits(name: str, figures: cues.CueFigures) -> None:
    position, share = figures.top_position
    assert figures.key_longest_share <= cues.MAX_KEY_LONGEST, (
        f"{name}: key longest in {figures.key_longest} of {figures.single} single-answer questions"
    )
    assert figures.key_shortest_share <= cues.MAX_KEY_SHORTEST, (
        f"{name}: key shortest in {figures.key_shortest} of {figures.single} single-answer questions"
    )
    assert share <= cues.MAX_KEY_POSITION, f"{name}: key at position {position} in {share:.0%}"
    assert figures.all_but_one_share <= cues.MAX_ALL_BUT_ONE, (
        f"{name}: all but one correct in {figures.all_but_one} of {figures.multiple} multiple-answer ones"
    )


def test_the_library_has_courses_with_enough_questions_to_measure() -> None:
    courses = _courses()
    assert len(courses) >= 4
    for course in courses:
        figures = cues.cue_figures(course.questions)
        assert figures.single >= cues.MIN_SINGLE, course.meta.id
        assert figures.multiple >= cues.MIN_MULTIPLE, course.meta.id


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_each_course_stays_within_the_cue_limits(folder: Path) -> None:
    course = check_course(folder).course
    _assert_within_limits(course.meta.id, cues.cue_figures(course.questions))


def test_the_whole_library_stays_within_the_cue_limits() -> None:
    questions = [q for course in _courses() for q in course.questions]
    _assert_within_limits("library", cues.cue_figures(questions))


def test_figures_count_the_longest_key_the_favoured_position_and_tick_everything() -> None:
    questions = [
        _question(SINGLE, ["Kort", "Det lange og riktige svaret"], {1}),
        _question(SINGLE, ["Et langt, galt svar her", "Riktig"], {1}),
        _question(SINGLE, ["Lik", "Lik"], {0}),
        _question(MULTIPLE, ["A", "B", "C"], {0, 1}),
        _question(MULTIPLE, ["A", "B", "C", "D"], {0, 1}),
    ]
    figures = cues.cue_figures(questions)
    assert (figures.single, figures.key_longest, figures.key_shortest) == (3, 1, 1)
    assert figures.top_position == (2, pytest.approx(2 / 3))
    assert (figures.multiple, figures.all_but_one) == (2, 1)
    assert figures.all_but_one_share == 0.5


def test_a_course_with_cues_is_warned_about_each(tmp_path) -> None:
    # The fixture's final quiz: make every key the longest and first, and every multiple choice all-but-one.
    folder = broken_course(tmp_path, [])
    prove = folder / "prove.md"
    text = prove.read_text(encoding="utf-8")
    text = text.replace("- Alternativ B {#b}\n", "- B {#b}\n").replace("- Alternativ C {#c}\n", "- C {#c}\n")
    text = text.replace("- Alternativ D {#d}\n", "- D {#d}\n")
    lines = text.splitlines(keepends=True)
    keys_first = _keys_first(lines)
    prove.write_text(keys_first.replace("{#d}", "{#d .riktig}"), encoding="utf-8")
    result = check_course(folder, SCENARIOS)
    codes = {d.code for d in result.diagnostics}
    assert {"CO025", "CO026", "CO027"} <= codes, [d.format() for d in result.diagnostics]
    assert result.ok  # warnings only


def _keys_first(lines: list[str]) -> str:
    """Move each question's first correct option (with its feedback line) to the top of its list."""
    out: list[str] = []
    block: list[list[str]] = []
    for line in [*lines, "\n"]:
        if line.startswith("- "):
            block.append([line])
        elif line.startswith("  - ") and block:
            block[-1].append(line)
        else:
            if block:
                block.sort(key=lambda option: ".riktig" not in option[0])
                out.extend(part for option in block for part in option)
                block = []
            out.append(line)
    return "".join(out[:-1])
