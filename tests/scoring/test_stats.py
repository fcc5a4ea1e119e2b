"""The agreement statistics against published worked examples and against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from scoring.stats import category_counts
from scoring.stats import fleiss_kappa
from scoring.stats import kendalls_w
from scoring.stats import percentile_rank
from scoring.stats import shannon_entropy

# Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa", Worked example): 10 subjects, 14 raters,
# 5 categories; published p_j = .143 .200 .279 .150 .229, P̄ = 0.378, P̄e = 0.213, κ = 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_matches_the_wikipedia_worked_example() -> None:
    result = fleiss_kappa(WIKIPEDIA_FLEISS)
    assert result.statistic == pytest.approx(0.210, abs=5e-4)
    assert result.p_bar == pytest.approx(0.378, abs=5e-4)
    assert result.p_e == pytest.approx(0.213, abs=5e-4)
    assert [round(p, 3) for p in result.category_shares] == [0.143, 0.2, 0.279, 0.15, 0.229]
    assert result.subject_agreement[0] == pytest.approx(1.0)
    assert result.subject_agreement[1] == pytest.approx(0.253, abs=5e-4)
    assert (result.subjects, result.raters, result.categories) == (10, 14, 5)


@pytest.mark.parametrize(
    "counts, message",
    [
        ([[2, 1], [1, 1]], "same number of raters"),
        ([[1, 0], [0, 1]], "at least two raters"),
        ([[1.5, 0.5]], "whole numbers"),
        ([[-1, 3]], "non-negative"),
        ([1, 2, 3], "subjects × categories"),
    ],
)
def test_fleiss_kappa_rejects_malformed_tables(counts, message) -> None:
    with pytest.raises(ValueError, match=message):
        fleiss_kappa(counts)


def test_fleiss_kappa_is_undefined_but_raw_agreement_is_one_when_everyone_picks_one_category() -> None:
    result = fleiss_kappa([[4, 0], [4, 0]])
    assert math.isnan(result.statistic)
    assert result.p_bar == 1.0


def test_prevalence_paradox_high_raw_agreement_low_kappa() -> None:
    # One category dominates: nine unanimous items and one 3–1 split give P̄ = 0.95 but κ < 0.
    table = [[4, 0]] * 9 + [[3, 1]]
    result = fleiss_kappa(table)
    assert result.p_bar == pytest.approx(0.95)
    assert result.statistic < 0.0


def test_category_counts_turns_labels_into_a_count_table() -> None:
    table, labels = category_counts([["a", "a", "b"], ["b", "b", "b"]])
    assert labels == ("a", "b")
    assert table.tolist() == [[2, 1], [0, 3]]


# Siegel (1956) / Siegel & Castellan (1988), the classic three judges ranking six objects:
# rank sums 8, 14, 11, 11, 11, 8; s = 25.5; W = 12·25.5 / (3²·(6³ − 6)) = 0.162.
SIEGEL_RANKS = [
    [1, 6, 3, 2, 5, 4],
    [1, 5, 6, 4, 2, 3],
    [6, 3, 2, 5, 4, 1],
]

# "The Kendall's coefficient of concordance W", Example 1 (scribd 659863121): four judges rank ten
# projects; the worked solution gives Σ D² = 1048, so W = 12·1048 / (4²·(10³ − 10)) = 0.794.
PROJECTS = np.array(
    [
        [1, 3, 4, 5, 2, 8, 6, 7, 10, 9],
        [2, 1, 4, 5, 6, 3, 8, 7, 10, 9],
        [3, 2, 1, 5, 7, 4, 6, 8, 9, 10],
        [4, 2, 3, 1, 6, 7, 5, 9, 8, 10],
    ]
)


def test_kendalls_w_matches_siegel_three_judges_six_objects() -> None:
    result = kendalls_w(SIEGEL_RANKS)
    assert result.statistic == pytest.approx(25.5 * 12 / (9 * 210))
    assert round(result.statistic, 3) == 0.162
    assert result.chi2 == pytest.approx(3 * 5 * result.statistic)
    assert result.df == 5 and (result.raters, result.items) == (3, 6)
    assert result.pvalue == pytest.approx(scipy_stats.chi2.sf(result.chi2, 5))


def test_kendalls_w_matches_the_four_judges_ten_projects_example() -> None:
    result = kendalls_w(PROJECTS)
    assert result.statistic == pytest.approx(12 * 1048 / (16 * 990))
    assert round(result.statistic, 2) == 0.79


@pytest.mark.parametrize("table", [SIEGEL_RANKS, PROJECTS.tolist()])
def test_kendalls_w_equals_friedman_over_m_n_minus_one_without_ties(table) -> None:
    m, n = np.shape(table)
    friedman = scipy_stats.friedmanchisquare(*np.asarray(table).T)
    result = kendalls_w(table)
    assert result.statistic == pytest.approx(friedman.statistic / (m * (n - 1)))
    assert result.pvalue == pytest.approx(friedman.pvalue)


def test_kendalls_w_tie_correction_agrees_with_friedmans_tie_corrected_statistic() -> None:
    scores = np.array([[1, 2, 2, 4, 5], [3, 1, 2, 2, 5], [1, 1, 3, 4, 5]], dtype=float)
    friedman = scipy_stats.friedmanchisquare(*scores.T)
    result = kendalls_w(scores)
    # By hand: ranks give R = (6.5, 5, 8, 10.5, 15) around a mean of 9, so S = 61.5; each rater has
    # one pair of ties, T = 6 + 6 + 6 = 18; W = 12·61.5 / (9·120 − 3·18) = 738 / 1026.
    assert result.statistic == pytest.approx(738 / 1026)
    assert result.chi2 == pytest.approx(friedman.statistic)


def test_kendalls_w_is_one_for_perfect_agreement_and_rejects_small_tables() -> None:
    assert kendalls_w([[1, 2, 3], [1, 2, 3]]).statistic == pytest.approx(1.0)
    with pytest.raises(ValueError):
        kendalls_w([[1, 2, 3]])
    with pytest.raises(ValueError):
        kendalls_w([[1, float("nan")], [1, 2]])
    assert math.isnan(kendalls_w([[1, 1], [2, 2]]).statistic)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=4, max_size=4), min_size=2, max_size=6))
def test_kendalls_w_stays_in_unit_interval_and_matches_friedman(rows) -> None:
    result = kendalls_w(rows)
    if math.isnan(result.statistic):
        return
    assert -1e-9 <= result.statistic <= 1 + 1e-9
    if len(rows) >= 2:
        friedman = scipy_stats.friedmanchisquare(*np.asarray(rows, dtype=float).T)
        if np.isfinite(friedman.statistic):
            assert result.chi2 == pytest.approx(friedman.statistic)


def test_shannon_entropy() -> None:
    assert shannon_entropy(["a", "a", "a"]) == 0.0
    assert shannon_entropy([]) == 0.0
    assert shannon_entropy(["a", "b"]) == pytest.approx(1.0)
    assert shannon_entropy(["a", "b", "c", "d"]) == pytest.approx(2.0)
    assert shannon_entropy(["a", "a", "b", "c"], normalised=True) == pytest.approx(1.5 / math.log2(3))


@settings(max_examples=80, deadline=None)
@given(
    st.floats(0, 100, allow_nan=False),
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40),
)
def test_percentile_rank_agrees_with_scipy_mean_kind(value, population) -> None:
    expected = scipy_stats.percentileofscore(population, value, kind="mean")
    assert percentile_rank(value, population) == pytest.approx(expected)


def test_percentile_rank_ignores_nan_and_handles_empty() -> None:
    assert percentile_rank(50.0, []) is None
    assert percentile_rank(50.0, [float("nan"), 40.0, 60.0]) == pytest.approx(50.0)
