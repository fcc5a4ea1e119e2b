"""The explorer: which endings and scenes a team can reach, exhaustively or by seeded sampling."""

from __future__ import annotations

from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.explore import explore
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import FIXTURES


def test_exhaustive_small_scenario() -> None:
    scenario = check_file(FIXTURES / "minimal.md").scenario
    report = explore(scenario)
    assert report.exhaustive
    assert report.endings_reached == ("slutt-god", "slutt-svak")
    assert report.endings_unreached == ()
    assert report.scenes_unreached == ()
    assert report.ending_counts == {"slutt-god": 1, "slutt-svak": 1}
    assert (report.path_length_min, report.path_length_max) == (1, 2)


def test_reports_ending_that_no_choice_leads_to() -> None:
    source = BASE.replace("- Hvis `delt`: [Andre](#s2)", "- Hvis `delt og laerer valgte vent`: [Andre](#s2)")
    scenario = check_source(source).scenario
    report = explore(scenario)
    assert "god" in report.endings_unreached
    assert "s2" in report.scenes_unreached


def test_sampling_is_seeded_and_says_so() -> None:
    scenario = check_file(FIXTURES / "minimal.md").scenario
    first = explore(scenario, samples=50, seed=7, max_states=1)
    second = explore(scenario, samples=50, seed=7, max_states=1)
    assert not first.exhaustive
    assert first == second
    assert first.paths > 50  # the expert path and its one-step neighbours come first
    assert set(first.endings_reached) == {"slutt-god", "slutt-svak"}


def test_loop_that_never_lets_go_is_found_and_terminates() -> None:
    # Once shared, the flag stays set, so the second scene always sends the team back.
    source = BASE.replace("- Ellers: [God](#god)", "- Hvis `delt`: [Første](#s1)\n- Ellers: [God](#god)")
    report = explore(check_source(source).scenario)
    assert report.exhaustive
    assert report.cyclic
    assert report.path_length_max is None
    assert report.endings_reached == ("svak",)
    assert report.endings_unreached == ("god",)
