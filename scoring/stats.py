"""Agreement statistics for comparing roles and teams, validated against published worked examples.

Formulas
--------
Fleiss' kappa (Fleiss 1971), for N subjects each rated by the same number n of raters into k
categories, with n_ij raters putting subject i in category j:

    p_j   = Σ_i n_ij / (N n)                        share of all ratings in category j
    P_i   = (Σ_j n_ij² − n) / (n (n − 1))           agreement on subject i (share of agreeing rater pairs)
    P̄     = mean_i P_i                              observed (raw) agreement
    P̄e    = Σ_j p_j²                                agreement expected by chance
    κ     = (P̄ − P̄e) / (1 − P̄e)

κ is undefined (NaN) when P̄e = 1, i.e. every rating falls in one category. κ depends on category
prevalence (one dominant category gives low κ despite high agreement), so P̄ is always returned too.

Kendall's W (Kendall & Babington Smith 1939), for m raters ranking n items (scores are ranked per
rater, ties get average ranks):

    R_j = Σ_i r_ij,   S = Σ_j (R_j − m (n + 1) / 2)²
    T   = Σ_i Σ_groups (t³ − t)                     t = size of each tie group within a rater
    W   = 12 S / (m² (n³ − n) − m T)
    χ²  = m (n − 1) W  with n − 1 degrees of freedom

With the tie correction, χ² equals Friedman's tie-corrected statistic, so W = χ²_F / (m (n − 1)).

Shannon entropy is H = −Σ p log_b p over the observed categories (scipy.stats.entropy); the
percentile rank uses the "mean" definition: (below + ½·equal) / n · 100.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as _scipy_stats

from scoring.model import KendallsWResult


@dataclass(frozen=True)
class FleissKappaResult:
    """Fleiss' kappa with raw agreement beside it: kappa alone misleads when one category dominates."""

    statistic: float  # kappa; NaN when chance agreement is 1
    p_bar: float  # observed (raw) agreement
    p_e: float  # agreement expected by chance
    subjects: int
    raters: int
    categories: int
    category_shares: tuple[float, ...]
    subject_agreement: tuple[float, ...]


def fleiss_kappa(counts: Sequence[Sequence[float]] | np.ndarray) -> FleissKappaResult:
    """Fleiss' kappa for a subjects × categories table of rater counts, every subject rated by n raters.

    :raise ValueError: when the table is not 2-D, has negative or fractional counts, fewer than two
        raters, or subjects rated by different numbers of raters.
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or table.shape[0] < 1 or table.shape[1] < 1:
        raise ValueError("counts must be a non-empty subjects × categories table")
    if np.any(table < 0) or np.any(table != np.round(table)):
        raise ValueError("counts must be non-negative whole numbers of raters")
    raters_per_subject = table.sum(axis=1)
    n = raters_per_subject[0]
    if not np.all(raters_per_subject == n):
        raise ValueError("every subject must be rated by the same number of raters")
    if n < 2:
        raise ValueError("Fleiss' kappa needs at least two raters per subject")
    subjects, categories = table.shape
    shares = table.sum(axis=0) / (subjects * n)
    agreement = (np.square(table).sum(axis=1) - n) / (n * (n - 1))
    p_bar = float(agreement.mean())
    p_e = float(np.square(shares).sum())
    kappa = float("nan") if np.isclose(p_e, 1.0) else (p_bar - p_e) / (1.0 - p_e)
    return FleissKappaResult(
        statistic=kappa,
        p_bar=p_bar,
        p_e=p_e,
        subjects=subjects,
        raters=int(n),
        categories=categories,
        category_shares=tuple(float(s) for s in shares),
        subject_agreement=tuple(float(a) for a in agreement),
    )


def category_counts(ratings: Sequence[Sequence[Any]]) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Turn subjects × raters labels into the subjects × categories count table `fleiss_kappa` takes."""
    labels = sorted({label for row in ratings for label in row}, key=str)
    index = {label: j for j, label in enumerate(labels)}
    table = np.zeros((len(ratings), len(labels)))
    for i, row in enumerate(ratings):
        for label in row:
            table[i, index[label]] += 1
    return table, tuple(labels)


def kendalls_w(ratings: Sequence[Sequence[float]] | np.ndarray) -> KendallsWResult:
    """Kendall's coefficient of concordance W, tie-corrected, for a raters × items table of scores or ranks.

    :raise ValueError: with fewer than two raters or two items, or non-finite values.
    """
    table = np.asarray(ratings, dtype=float)
    if table.ndim != 2 or table.shape[0] < 2 or table.shape[1] < 2:
        raise ValueError("ratings must be a raters × items table with at least two of each")
    if not np.all(np.isfinite(table)):
        raise ValueError("ratings must be finite numbers")
    m, n = table.shape
    ranks = _scipy_stats.rankdata(table, axis=1)
    rank_sums = ranks.sum(axis=0)
    s = float(np.square(rank_sums - m * (n + 1) / 2.0).sum())
    ties = 0.0
    for row in table:
        _, sizes = np.unique(row, return_counts=True)
        ties += float(np.sum(sizes.astype(float) ** 3 - sizes))
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 0:  # every rater tied every item: no ranking to agree on
        return KendallsWResult(float("nan"), float("nan"), float("nan"), n - 1, m, n)
    w = 12.0 * s / denominator
    chi2 = m * (n - 1) * w
    pvalue = float(_scipy_stats.chi2.sf(chi2, n - 1))
    return KendallsWResult(float(w), float(chi2), pvalue, n - 1, m, n)


def shannon_entropy(values: Iterable[Any], base: float = 2.0, *, normalised: bool = False) -> float:
    """Entropy of the category labels in `values`; normalised divides by log(number of labels seen).

    With one label (or none) the entropy is 0: everyone agrees.
    """
    counts = np.array(list(Counter(values).values()), dtype=float)
    if counts.size <= 1:
        return 0.0
    h = float(_scipy_stats.entropy(counts, base=base))
    if normalised:
        return h / (np.log(counts.size) / np.log(base))
    return h


def percentile_rank(value: float, population: Sequence[float] | np.ndarray) -> float | None:
    """Percentile (0–100) of `value` among `population`, counting ties half ("mean" kind); None if empty.

    NaN values in the population are ignored.
    """
    data = np.asarray(population, dtype=float)
    data = data[~np.isnan(data)]
    if data.size == 0 or value is None or np.isnan(value):
        return None
    below = np.count_nonzero(data < value)
    equal = np.count_nonzero(data == value)
    return float((below + 0.5 * equal) / data.size * 100.0)
