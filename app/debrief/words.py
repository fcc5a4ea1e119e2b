"""The debrief in the reader's language: the scoring library's messages and codes, through gettext.

Stored reports hold message ids (bokmål msgids) with their parameters, dimension ids and rating
letters; these helpers turn them into words in the request's language (bokmål, nynorsk or English)
when a page, the projector, the PDF or an export is made. Scenario text in the parameters stays as
its author wrote it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations

from scoring.composite import RATING_LABELS
from scoring.debrief import PHASE_TITLES
from scoring.debrief import improvement_area
from scoring.messages import Message
from scoring.messages import render
from scoring.model import DIMENSION_LABELS
from scoring.model import DebriefPhase
from scoring.model import ImprovementPoint


def say(message: Message | str | None) -> str:
    """A message (or a stored sentence) in the reader's language."""
    return render(message, get_translations())


def translated(msgid: str) -> str:
    """One fixed msgid of the scoring library in the reader's language."""
    return get_translations().gettext(msgid)


def dimension_label(name: str) -> str:
    """A dimension's name, as in «Tydelig eierskap»."""
    label = DIMENSION_LABELS.get(name)
    return translated(label) if label else name


def dimension_labels() -> dict[str, str]:
    """Every dimension's name by its id, for tables and charts."""
    return {name: dimension_label(name) for name in DIMENSION_LABELS}


def rating_words() -> dict[str, str]:
    """The HSEEP ratings spelt out by letter, as in «Gjennomført uten utfordringer»."""
    return {letter: translated(label) for letter, label in RATING_LABELS.items()}


def phase_title(phase: DebriefPhase) -> str:
    """A PEARLS phase's title, as in «Reaksjoner»."""
    return translated(PHASE_TITLES.get(phase.name, phase.title))


def area(point: ImprovementPoint) -> str:
    """An improvement point's area: its dimension and rating."""
    return say(improvement_area(point))


def template_helpers() -> dict[str, Any]:
    """The helpers every debrief template may use."""
    return {"phase_title": phase_title, "improvement_area": area, "dimension_label": dimension_label}
