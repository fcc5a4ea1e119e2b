"""Lawful information sharing: the rule table, F-beta of precision and recall, and the two hard flags."""

from __future__ import annotations

import math

import pytest

from scoring import score_drill
from tests.scoring.conftest import Drill
from tests.scoring.conftest import build
from tests.scoring.conftest import choice
from tests.scoring.conftest import scene

INFOS = """\
# Opplysninger

## Fravær {#fravaer sensitivitet=personlig}

Mia har 20 % fravær.

- Kjent av: kontaktlaerer
- Trengs av: helsesykepleier (innen s2)

## Søvn og hodepine {#sovn sensitivitet=helse}

Mia sover dårlig.

- Kjent av: helsesykepleier
- Trengs av: kontaktlaerer (innen s2)

## Timeplanen {#timeplan sensitivitet=vanlig}

Mia har gym på mandager.

- Kjent av: kontaktlaerer
"""


def information_scenario(inject: str = ""):
    teacher = [
        choice("del-samtykke", "Deler: fravaer -> helsesykepleier (samtykke)", expert=True),
        choice("del-uten", "Deler: fravaer -> helsesykepleier (uten)", "Hjemmel: fvl. § 13"),
        choice("del-anonym", "Deler: fravaer -> helsesykepleier (anonym)"),
        choice("del-timeplan", "Deler: timeplan -> helsesykepleier (uten)"),
        choice("tie", "Handling: vente"),
    ]
    nurse = [
        choice("h-samtykke", "Handling: samtykke", "Deler: sovn -> kontaktlaerer (samtykke)", expert=True),
        choice("h-intern", "Deler: sovn -> kontaktlaerer (tjenestlig behov)"),
        choice("h-uten", "Deler: sovn -> kontaktlaerer (uten)"),
        choice("h-plikt", "Deler: sovn -> kontaktlaerer (opplysningsplikt)"),
        choice("h-spor", "Handling: samtykke"),
        choice("h-tie", "Handling: vente"),
    ]
    first = scene(
        "s1", 0, {"kontaktlaerer": teacher, "helsesykepleier": nurse}, next_id="s2", passive=("bvt",)
    )
    second = scene(
        "s2",
        7,
        {"kontaktlaerer": [choice("vent2", "Handling: vente", expert=True)]},
        next_id="s3",
        passive=("helsesykepleier", "bvt"),
    )
    third = scene(
        "s3",
        21,
        {
            "kontaktlaerer": [
                choice("sent", "Deler: fravaer -> helsesykepleier (samtykke)"),
                choice("vent3", expert=True),
            ],
            "helsesykepleier": [
                choice("h-sent", "Deler: sovn -> kontaktlaerer (samtykke)"),
                choice("h-vent3", expert=True),
            ],
        },
        passive=("bvt",),
    )
    return build(first, second, third, infos=INFOS + inject)


def run(scenario, teacher: str, nurse: str, late: tuple[str, str] = ("vent3", "h-vent3")):
    log = (
        Drill(scenario)
        .choose("kontaktlaerer", teacher)
        .choose("helsesykepleier", nurse)
        .choose("kontaktlaerer", "vent2")
        .choose("kontaktlaerer", late[0])
        .choose("helsesykepleier", late[1])
        .log()
    )
    report = score_drill(scenario, log)
    return report, report.dimension("information")


def test_lawful_sharing_with_consent_delivers_everything_and_scores_full() -> None:
    report, dim = run(information_scenario(), "del-samtykke", "h-samtykke")
    assert dim.details["precision"] == 1.0 and dim.details["recall"] == 1.0
    assert dim.rule_score == 100.0
    assert not report.flags


def test_a_teacher_telling_the_nurse_about_absence_is_a_warning_not_a_critical_breach() -> None:
    report, dim = run(information_scenario(), "del-uten", "h-samtykke")
    flag = next(f for f in report.flags if f.code == "unlawful_disclosure")
    assert flag.severity == "warning"
    assert flag.rule.startswith("fvl. § 13") and "§ 13 b første ledd nr. 5" in flag.rule
    assert (flag.role, flag.scene, flag.day) == ("kontaktlaerer", "s1", 0)
    assert flag.params["info_title"] == "Fravær" and flag.params["to"] == ("helsesykepleier",)
    assert flag.params["laws"] == ("fvl. § 13",)  # the choice's own Hjemmel, for the debrief
    assert dim.details["precision"] == 0.5  # one of two shares was lawful
    assert not report.capped


def test_health_information_to_the_teacher_without_basis_is_critical_and_caps_the_total() -> None:
    report, _ = run(information_scenario(), "del-samtykke", "h-uten")
    flag = next(f for f in report.flags if f.code == "unlawful_disclosure")
    assert flag.severity == "critical" and flag.role == "helsesykepleier"
    assert flag.rule.startswith("hpl. § 21")
    assert report.capped and report.total <= 50.0


def test_health_information_from_the_nurse_to_a_teacher_needs_consent_even_on_need_to_know() -> None:
    report, _ = run(information_scenario(), "del-samtykke", "h-intern")
    flag = next(f for f in report.flags if f.code == "unlawful_disclosure")
    assert flag.role == "helsesykepleier"
    assert flag.rule.startswith("hpl. § 21; hpl. § 25")
    assert flag.params["reason"] == "health_outside_care" and flag.severity == "critical"


def test_the_duty_to_report_does_not_open_sharing_with_anyone_but_the_child_welfare_service() -> None:
    report, _ = run(information_scenario(), "del-samtykke", "h-plikt")
    flag = next(f for f in report.flags if f.code == "unlawful_disclosure")
    assert flag.params["reason"] == "duty_to_report_wrong_recipient"
    assert flag.rule.startswith("hpl. § 33")


def test_general_information_needs_no_basis() -> None:
    report, dim = run(information_scenario(), "del-timeplan", "h-samtykke")
    assert not any(f.code == "unlawful_disclosure" for f in report.flags)
    assert dim.details["precision"] == 1.0


def test_an_anonymous_consultation_is_lawful_but_does_not_deliver_the_information() -> None:
    report, dim = run(information_scenario(), "del-anonym", "h-samtykke")
    assert not report.capped
    assert dim.details["precision"] == 1.0
    assert dim.details["recall"] == 0.5
    need = next(n for n in report.info_flow.needs if n.info == "fravaer")
    assert need.via == "anonymous" and not need.on_time


def test_late_delivery_earns_partial_credit_and_f_beta_weighs_precision() -> None:
    report, dim = run(information_scenario(), "tie", "h-samtykke", late=("sent", "h-vent3"))
    late_credit = math.exp(-14 / 14)  # needed by day 7, delivered day 21
    recall = (1 + late_credit) / 2
    assert dim.details["recall"] == pytest.approx(recall)
    f_half = 1.25 * 1.0 * recall / (0.25 * 1.0 + recall)
    assert dim.rule_score == pytest.approx(100 * f_half, abs=0.05)
    assert any(e.kind == "need" and e.params["reached_day"] == 21 for e in dim.evidence)


def test_confidentiality_as_an_excuse_is_flagged_when_consent_existed_but_nothing_was_shared() -> None:
    report, _ = run(information_scenario(), "del-samtykke", "h-spor")
    flag = next(f for f in report.flags if f.code == "confidentiality_as_excuse")
    assert flag.severity == "warning"
    assert flag.role == "helsesykepleier"
    assert flag.params["needed_by"] == "kontaktlaerer" and flag.params["basis"] == "consent"
    assert not report.capped


def test_no_flag_when_there_was_no_lawful_way_to_share() -> None:
    nurse = [
        choice("h-uten", "Deler: sovn -> kontaktlaerer (uten)"),
        choice("h-tie", "Handling: vente", expert=True),
    ]
    teacher = [choice("del-samtykke", "Deler: fravaer -> helsesykepleier (samtykke)", expert=True)]
    only = scene("s1", 0, {"kontaktlaerer": teacher, "helsesykepleier": nurse}, passive=("bvt",))
    scenario = build(only, infos=INFOS.replace(" (innen s2)", ""))
    report = score_drill(
        scenario,
        Drill(scenario).choose("kontaktlaerer", "del-samtykke").choose("helsesykepleier", "h-tie").log(),
    )
    assert any(n.info == "sovn" and not n.on_time for n in report.info_flow.needs)
    assert not any(f.code == "confidentiality_as_excuse" for f in report.flags)


def test_keeping_what_an_open_lawful_choice_would_have_shared_is_flagged_on_that_scene() -> None:
    report, _ = run(information_scenario(), "del-samtykke", "h-tie")
    (flag,) = [f for f in report.flags if f.code == "confidentiality_as_excuse"]
    assert (flag.role, flag.scene, flag.params["info"], flag.params["basis"]) == (
        "helsesykepleier",
        "s1",
        "sovn",
        "consent",
    )


def test_information_revealed_by_an_inject_is_not_the_teams_work() -> None:
    inject = (
        "\n# Hendelse: Mor ringer {#mor}\n\nMor ringer.\n\n"
        "- Til: Helsesykepleier\n- Utløses: i s1\n- Avdekker: fravaer\n"
    )
    report, dim = run(information_scenario(inject), "tie", "h-samtykke")
    need = next(n for n in report.info_flow.needs if n.info == "fravaer")
    assert need.via == "inject"
    assert dim.details["needs"] == 1 and dim.details["recall"] == 1.0
