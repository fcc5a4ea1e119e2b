"""The scores of a saved version's expert path and cautious team, shown beside its test play.

Authors see the same numbers as `laget scenarios score --path expert|cautious`: total, rating,
whether the drill was complete, the ending, each dimension and the flags. Scoring is pure and the
text of a version never changes, so the cards are computed once per process per text.
"""

from __future__ import annotations

from functools import lru_cache

from app.models import ScenarioVersion
from app.models.drills import parsed_scenario
from scenarios.profiles import CAUTIOUS
from scenarios.profiles import EXPERT
from scoring.scorecard import Scorecard
from scoring.scorecard import score_path


@lru_cache(maxsize=32)
def _cards(sha256: str) -> tuple[Scorecard, ...]:
    """Score both machine-played paths of the version with this text hash."""
    scenario = parsed_scenario(sha256)
    return tuple(score_path(scenario, profile) for profile in (EXPERT, CAUTIOUS))


def version_scorecards(version: ScenarioVersion, playable: bool) -> tuple[Scorecard, ...]:
    """The expert and cautious scorecards of a version the reader may test-play; none otherwise."""
    return _cards(version.sha256) if playable else ()
