"""The composite: weights in one place, the critical-error cap, and the HSEEP P/S/M/U rating.

    total = Σ_d w_d · D_d / Σ_d w_d          over the dimensions that apply to this drill (D_d not None)
    total = min(total, 50)                  if any critical flag was raised (the critical-error gate)

Renormalising over the applicable dimensions keeps a drill without, say, parent involvement from
being punished for a dimension the scenario never tested. The critical flags are a graded
`unlawful_disclosure` (`scoring.lawful`: a low-sensitivity slip between public services is only a
warning), `missed_report` (an expected report to BVT never made, or to the police where the scenario
marks the strl. § 196 threshold as met) and `parents_confronted_first` (contact with the parents
where they are contraindicated, before anyone reported). `Report.capped` is true whenever one was
raised, even if the total was already below the cap; `Report.cap_lowered` says whether the cap
actually lowered the total, and only then does the debrief say the total was capped.

Alignment (the shared mental model) has weight 0 by default and is reported beside the total: its
checkpoint part depends on optional answers, Fleiss' kappa over 2–6 raters and a handful of items is
very noisy, and agreeing is not the same as being right (domain notes e.4 and F.3). A caller who wants
it in the composite passes `weights={"alignment": 0.1}`; weights given are merged over the defaults.

Ratings follow HSEEP (domain notes e.1, thresholds marked [U] for calibration):
P ≥ 85, S ≥ 65, M ≥ 40, else U. The total's rating is at most S when any warning or critical flag
was raised (`overall_rating`: «uten utfordringer» cannot sit beside a named challenge), and an
incomplete drill is labelled «Ufullstendig øvelse», never «Gjennomført …» (`rating_label`).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping

from scoring.messages import N_
from scoring.messages import catalogue
from scoring.model import CRITICAL
from scoring.model import WARNING
from scoring.model import DimensionScore
from scoring.model import Flag

WEIGHTS: dict[str, float] = {
    "escalation": 0.20,
    "information": 0.20,
    "ownership": 0.20,
    "child_voice": 0.15,
    "parents": 0.10,
    "follow_up": 0.15,
    "alignment": 0.0,
}

RATING_THRESHOLDS: tuple[tuple[float, str], ...] = ((85.0, "P"), (65.0, "S"), (40.0, "M"))
RATING_LABELS = {
    "P": N_("Gjennomført uten utfordringer"),
    "S": N_("Gjennomført med noen utfordringer"),
    "M": N_("Gjennomført med store utfordringer"),
    "U": N_("Ikke gjennomført"),
}


INCOMPLETE_LABEL = N_("Ufullstendig øvelse – skåret bare på det som ble spilt")


def overall_rating(total: float | None, flags: Iterable[Flag]) -> str | None:
    """The rating of the total: as `rating`, but never P when the team was flagged.

    P means «gjennomført uten utfordringer»; a warning or critical flag (a late report, a share without
    an assessment, leading questions) is a challenge the debrief names, so the total is then at most S
    (HSEEP: S is performed, with opportunities to improve identified). Info flags do not count.
    """
    found = rating(total)
    if found == "P" and any(f.severity in (CRITICAL, WARNING) for f in flags):
        return "S"
    return found


def rating_label(rating_letter: str | None, complete: bool = True, lang: str = "nb") -> str:
    """The words for a total's rating in `lang` (the app's catalogue); an incomplete drill is never
    «Gjennomført …»."""
    label = INCOMPLETE_LABEL if not complete else RATING_LABELS.get(rating_letter or "")
    return catalogue(lang).gettext(label) if label else ""


def rating(score: float | None) -> str | None:
    """HSEEP rating of a 0–100 score: P, S, M or U (None when the score does not apply)."""
    if score is None:
        return None
    for threshold, label in RATING_THRESHOLDS:
        if score >= threshold:
            return label
    return "U"


def merged_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The default weights with the caller's overrides on top.

    :raise ValueError: on an unknown dimension or a negative weight.
    """
    merged = dict(WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in WEIGHTS:
            raise ValueError(f"unknown dimension in weights: {name!r}")
        if value < 0:
            raise ValueError(f"weight of {name!r} must not be negative")
        merged[name] = float(value)
    return merged


def composite(dimensions: Iterable[DimensionScore], weights: Mapping[str, float]) -> float | None:
    """Weighted mean of the applicable dimension scores, renormalised over their weights."""
    pairs = [(weights.get(d.name, 0.0), d.score) for d in dimensions if d.score is not None]
    total_weight = sum(w for w, _ in pairs)
    if total_weight <= 0:
        return None
    return sum(w * s for w, s in pairs) / total_weight


def cap(
    total: float | None, flags: Iterable[Flag], limit: float
) -> tuple[float | None, bool, tuple[str, ...]]:
    """Apply the critical-error gate: the capped total, whether it bit, and the distinct critical codes."""
    reasons = tuple(dict.fromkeys(f.code for f in flags if f.severity == CRITICAL))
    if not reasons or total is None:
        return total, bool(reasons), reasons
    return min(total, limit), True, reasons
