"""The person's own solo runs in the catalogue, and the words the solo pages use."""

from __future__ import annotations

import re

from tests.app.test_solo_runs import library  # noqa: F401 (a fixture)
from tests.app.test_solo_runs import started


def test_two_runs_of_one_case_and_role_differ_by_start_time_profile_and_test_play(
    client,
    auth,
    library,  # noqa: F811
):
    auth.login()
    started(client, scenario="minimal", role="kontaktlaerer", profile="expert")
    started(client, scenario="minimal", role="kontaktlaerer", profile="cautious", origin="authoring:abc123")
    html = client.get("/solo/").get_data(as_text=True)
    mine = re.search(r'<section aria-labelledby="mine-heading">(.*?)</section>', html, re.S).group(1)
    assert "Mine soloøvelser" in html
    entries = re.findall(r"<li>(.*?)</li>", mine, re.S)
    assert len(entries) == 2
    assert all(re.search(r"Startet \d{1,2}\. \w+\.? 20\d\d kl\. \d\d:\d\d", entry) for entry in entries)
    assert sum("med et erfarent team" in entry for entry in entries) == 1
    assert sum("med et forsiktig team" in entry for entry in entries) == 1
    (test_play,) = [entry for entry in entries if "Testspill av utkast" in entry]
    assert "med et forsiktig team" in test_play


def test_solo_pages_say_ovelse_and_do_not_promise_a_solo_duration(client, auth, library):  # noqa: F811
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    catalogue = client.get("/solo/").get_data(as_text=True)
    play = client.get(url).get_data(as_text=True)
    for html in (catalogue, play):
        assert "øving" not in html.lower()
    assert "Start øvelsen" in catalogue
    assert "minutter i team" not in catalogue
    assert "Beregnet på teamøvelser på ca." in catalogue
