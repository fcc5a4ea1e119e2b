"""Debrief findings are stored as message ids and parameters, rendered in any catalogue's language."""

from __future__ import annotations

import json

import pytest

from scenarios.vocabulary import DIMENSION_LABELS as SCENARIO_DIMENSION_LABELS
from scoring import rewrite_debrief
from scoring import score_drill
from scoring.debrief import DAYS
from scoring.debrief import FLAG_WORDS
from scoring.debrief import counted
from scoring.messages import Message
from scoring.messages import catalogue
from scoring.messages import render
from scoring.model import DIMENSION_LABELS
from scoring.storage import legacy_debrief
from scoring.storage import report_from_data
from scoring.storage import report_to_data
from tests.scoring.conftest import INFOS
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import old_shape
from tests.scoring.conftest import scene


@pytest.fixture(scope="module")
def breach():
    nurse = [
        choice("del", "Deler: sovn -> kontaktlaerer (uten)", "Hjemmel: hpl. § 21"),
        choice("samtykke", "Handling: samtykke", "Deler: sovn -> kontaktlaerer (samtykke)", expert=True),
    ]
    teacher = [choice("samtale", "Handling: samtale-barn (åpne spørsmål)", expert=True)]
    first = scene("s1", 0, {"helsesykepleier": nurse, "kontaktlaerer": teacher}, passive=("bvt",))
    return build(first, infos=INFOS)


@pytest.fixture(scope="module")
def played(breach):
    log = Drill(breach).choose("helsesykepleier", "del").choose("kontaktlaerer", "samtale").log()
    return breach, log, score_drill(breach, log)


def _stored(report) -> dict:
    return json.loads(json.dumps(report_to_data(report), ensure_ascii=False))


def test_a_flag_finding_carries_its_message_ids_and_parameters_not_sentences(played) -> None:
    _, _, report = played
    first = report.debrief.phase("analysis").findings[0]
    observation, concern, question = FLAG_WORDS["unlawful_disclosure"]
    assert (first.observed.id, first.concern.id, first.question.id) == (observation, concern, question)
    assert first.observed.params["who"] == "Helsesykepleier"  # the scenario's own role name
    assert render(first.observed.params["to"][0]) == "Kontaktlærer"
    assert first.concern.params == {"child": "Mia"}
    data = report_to_data(report)["debrief"]["phases"][2]["findings"][0]
    assert "text" not in data and "observation" not in data
    assert data["observed"]["id"] == observation and data["question"] == {
        "id": question,
        "params": {},
        "plural": None,
        "literal": False,
        "case": None,
    }


def test_every_finding_and_improvement_is_a_message_that_survives_json(played) -> None:
    _, _, report = played
    back = report_from_data(_stored(report))
    assert not legacy_debrief(back)
    for before, after in zip(report.debrief.findings, back.debrief.findings, strict=True):
        assert all(isinstance(m, Message) and not m.literal for m in after.parts)
        assert after.parts == before.parts and after.text == before.text
    assert [p.remedy for p in back.debrief.improvements] == [p.remedy for p in report.debrief.improvements]


def test_the_same_message_renders_in_bokmal_nynorsk_and_english(played) -> None:
    _, _, report = played
    first = report.debrief.phase("analysis").findings[0]
    assert render(first.question) == "Hva gjorde at det føltes riktig å dele da?"
    assert render(first.question, catalogue("nn")) == "Kva gjorde at det kjendest rett å dele då?"
    assert render(first.question, catalogue("en")) == "What made sharing feel right at that point?"
    english = render(first.observed, catalogue("en"))
    assert english.startswith("Helsesykepleier shared “Søvn og hodepine” with Kontaktlærer without consent")
    assert "day 0" in english


def test_counts_pick_the_plural_form_in_each_language() -> None:
    assert [render(counted(n, DAYS)) for n in (1, 3)] == ["1 dag", "3 dager"]
    assert [render(counted(n, DAYS), catalogue("nn")) for n in (1, 3)] == ["1 dag", "3 dagar"]
    assert [render(counted(n, DAYS), catalogue("en")) for n in (1, 3)] == ["1 day", "3 days"]


def test_a_report_stored_as_sentences_reads_as_literal_messages_and_can_be_rewritten(played) -> None:
    scenario, log, report = played
    old = report_from_data(old_shape(_stored(report)))
    assert legacy_debrief(old)
    first = old.debrief.phase("analysis").findings[0]
    assert first.observed.literal and first.text == report.debrief.phase("analysis").findings[0].text
    # A stored sentence that is itself a msgid (a fixed question) is translated even so.
    assert render(first.question, catalogue("en")) == "What made sharing feel right at that point?"
    rewritten = rewrite_debrief(scenario, log, old)
    assert not legacy_debrief(rewritten)
    assert [f.parts for f in rewritten.debrief.findings] == [f.parts for f in report.debrief.findings]
    assert rewrite_debrief(scenario, log, report) is report


def test_dimension_names_are_the_scenario_vocabulary_s_words() -> None:
    assert DIMENSION_LABELS == SCENARIO_DIMENSION_LABELS


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_bokmal() -> None:
    class Broken:
        def gettext(self, message: str) -> str:
            return "100 % %(missing)s"

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return self.gettext(singular)

    message = Message("Ekspertvalget var «%(label)s».", {"label": "Vent"})
    assert render(message, Broken()) == "Ekspertvalget var «Vent»."
