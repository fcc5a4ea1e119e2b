"""The seven coordination dimensions as plain functions in a registry: `DIMENSIONS[name](scenario, timeline)`.

Every function returns a `DimensionScore` on 0–100 (None: not applicable). The rule-based part is
computed from the event log (each module documents its formula) and then blended with the authors'
annotations (`scoring.annotations`: score = 0.75·rule + 0.25·annotation by default) by
`scoring.dimensions.result.finish`.
"""

from __future__ import annotations

from collections.abc import Callable

from scenarios.model import Scenario
from scoring.dimensions.alignment import alignment
from scoring.dimensions.alignment import scene_agreement
from scoring.dimensions.child_voice import child_voice
from scoring.dimensions.escalation import escalation
from scoring.dimensions.follow_up import follow_up
from scoring.dimensions.information import information
from scoring.dimensions.ownership import ownership
from scoring.dimensions.parents import parents
from scoring.model import DimensionScore
from scoring.timeline import Timeline

__all__ = ["DIMENSIONS", "scene_agreement"]

DIMENSIONS: dict[str, Callable[[Scenario, Timeline], DimensionScore]] = {
    "escalation": escalation,
    "information": information,
    "ownership": ownership,
    "child_voice": child_voice,
    "parents": parents,
    "follow_up": follow_up,
    "alignment": alignment,
}
