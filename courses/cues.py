"""Answer cues that let a learner pass a quiz by guessing: the longest (or shortest) option, one favoured
key position, and multiple-choice questions where ticking everything scores well.

The figures are shares of questions, so one course, the whole library or a test can use the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from courses.model import MULTIPLE
from courses.model import SINGLE
from courses.model import Question

# The limits the fagredaksjon set for issue 13: above them a guesser gains too much.
MAX_KEY_LONGEST = 0.40
# Rewriting keys to be short must not turn the shortest option into the new tell.
MAX_KEY_SHORTEST = 0.40
MAX_KEY_POSITION = 0.40
MAX_ALL_BUT_ONE = 0.30
# Below these counts a share says little (two questions with the key first is already 100 %).
MIN_SINGLE = 5
MIN_MULTIPLE = 3


@dataclass(frozen=True)
class CueFigures:
    """How often the key gives itself away in a set of questions."""

    single: int
    key_longest: int
    key_shortest: int
    key_positions: dict[int, int]
    multiple: int
    all_but_one: int

    @property
    def key_longest_share(self) -> float:
        """Share of single-answer questions whose key is strictly the longest option."""
        return self.key_longest / self.single if self.single else 0.0

    @property
    def key_shortest_share(self) -> float:
        """Share of single-answer questions whose key is strictly the shortest option."""
        return self.key_shortest / self.single if self.single else 0.0

    @property
    def top_position(self) -> tuple[int, float]:
        """The key position (1-based) used most often among single-answer questions, and its share."""
        if not self.single or not self.key_positions:
            return (0, 0.0)
        position, count = max(self.key_positions.items(), key=lambda item: (item[1], -item[0]))
        return (position, count / self.single)

    @property
    def all_but_one_share(self) -> float:
        """Share of multiple-answer questions where every option but one is correct."""
        return self.all_but_one / self.multiple if self.multiple else 0.0


def key_is_longest(question: Question) -> bool:
    """True when the single correct option is longer than every other option (ties give nothing away)."""
    keys = [o for o in question.options if o.correct]
    others = [len(o.label) for o in question.options if not o.correct]
    return len(keys) == 1 and bool(others) and len(keys[0].label) > max(others)


def key_is_shortest(question: Question) -> bool:
    """True when the single correct option is shorter than every other option."""
    keys = [o for o in question.options if o.correct]
    others = [len(o.label) for o in question.options if not o.correct]
    return len(keys) == 1 and bool(others) and len(keys[0].label) < min(others)


def key_position(question: Question) -> int:
    """The 1-based position of the first correct option as written, 0 when none is correct."""
    return next((i for i, o in enumerate(question.options, 1) if o.correct), 0)


def all_but_one_correct(question: Question) -> bool:
    """True when ticking every option of a multiple-answer question misses only one wrong option."""
    correct = sum(1 for o in question.options if o.correct)
    return len(question.options) >= 2 and correct == len(question.options) - 1


def cue_figures(questions: Iterable[Question]) -> CueFigures:
    """Count the cues over a set of questions."""
    items = list(questions)
    single = [q for q in items if q.kind == SINGLE and q.correct_ids]
    multiple = [q for q in items if q.kind == MULTIPLE and q.correct_ids]
    positions = Counter(key_position(q) for q in single)
    return CueFigures(
        single=len(single),
        key_longest=sum(1 for q in single if key_is_longest(q)),
        key_shortest=sum(1 for q in single if key_is_shortest(q)),
        key_positions=dict(positions),
        multiple=len(multiple),
        all_but_one=sum(1 for q in multiple if all_but_one_correct(q)),
    )
