"""The legal model of sharing: judged by the roles' declared services, never by their ids.

The roles here have ids no table could know (`laerer-a`, `bv-1`, …); only `service:` says what they
are. Each row of the rule table is one rule of docs/scoring-rules.md.
"""

from __future__ import annotations

import pytest

from scenarios.check import check_source
from scenarios.model import Scenario
from scoring import score_drill
from scoring.annotations import annotation_value
from scoring.lawful import judge_share
from scoring.model import DrillLog
from tests.scoring.conftest import LIBRARY_NAMES
from tests.scoring.conftest import library

ROLES = {
    "laerer-a": ("Lærer A", "skole"),
    "rektor-1": ("Rektor", "leder"),
    "ppt-1": ("PP-rådgiver", "ppt"),
    "hs-1": ("Skolens helsesykepleier", "helse"),
    "bv-1": ("Saksbehandler", "barnevern"),
    "ped-b": ("Pedagogisk leder", "barnehage"),
}
SENSITIVITIES = {"vanlig": "general", "personlig": "personal", "helse": "health", "vold": "abuse"}


def _scenario() -> Scenario:
    roles = "".join(f"  - id: {r}\n    name: {n}\n    service: {s}\n" for r, (n, s) in ROLES.items())
    infos = "".join(
        f"## Opplysning {word} {{#{canonical} sensitivitet={word}}}\n\nTekst.\n\n- Kjent av: laerer-a\n\n"
        for word, canonical in SENSITIVITIES.items()
    )
    sections = "".join(
        f"## {n}\n\n- Vent {{#vent-{r} .ekspert}}\n  - Handling: vente\n\n" for r, (n, _) in ROLES.items()
    )
    source = (
        f"---\nid: regler\ntitle: Regler\nlanguage: nb\nsummary: Mia (9).\nroles:\n{roles}---\n\n"
        f"# Innledning\n\nMia.\n\n# Opplysninger\n\n{infos}"
        f"# Scene: Start {{#start dag=0}}\n\nDag 0.\n\n{sections}## Videre\n\n- Ellers: [Slutt](#slutt)\n\n"
        "# Slutt: Ferdig {#slutt vurdering=god}\n\nFerdig.\n"
    )
    result = check_source(source)
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    assert result.scenario is not None and not errors, errors
    return result.scenario


SCENARIO = _scenario()


def judge(sender: str, receiver: str, basis: str, sensitivity: str):
    share = {"from": sender, "to": receiver, "basis": basis, "info": sensitivity}
    return judge_share(share, SCENARIO)


@pytest.mark.parametrize(
    "sender, receiver, basis, sensitivity, lawful, reason, severity",
    [
        # 1. ordinary information is not confidential
        ("laerer-a", "ppt-1", "none", "general", True, "general", None),
        # 2.–3. anonymous consultation and consent
        ("laerer-a", "bv-1", "anonymous", "abuse", True, "anonymous", None),
        ("ppt-1", "laerer-a", "consent", "personal", True, "consent", None),
        # 4. the parents hold parental responsibility; a nurse's health information is a pbrl. § 3-4 call
        ("laerer-a", "foreldre", "none", "personal", True, "parents", None),
        ("hs-1", "foreldre", "none", "health", True, "parents_health", "warning"),
        # 5. the duty to report opens the way to the child welfare service only
        ("laerer-a", "bv-1", "duty_to_report", "personal", True, "duty_to_report", None),
        ("hs-1", "bv-1", "duty_to_report", "health", True, "duty_to_report", None),
        ("laerer-a", "ppt-1", "duty_to_report", "abuse", False, "duty_to_report_wrong_recipient", "critical"),
        # 6. strl. § 196 opens the way to whoever can avert: the police or the child welfare service
        ("laerer-a", "politi", "duty_to_avert", "abuse", True, "duty_to_avert", None),
        ("hs-1", "bv-1", "duty_to_avert", "abuse", True, "duty_to_avert", None),
        ("laerer-a", "ppt-1", "duty_to_avert", "abuse", False, "avert_wrong_recipient", "critical"),
        ("laerer-a", "nav", "duty_to_avert", "abuse", False, "avert_wrong_recipient", "critical"),
        # 7. fvl. § 13 b første ledd nr. 5: to another public body for the giver's own tasks
        ("laerer-a", "hs-1", "task", "personal", True, "task", None),
        ("ppt-1", "bv-1", "task", "personal", True, "task", None),
        ("bv-1", "laerer-a", "task", "personal", True, "task", None),
        ("hs-1", "laerer-a", "task", "health", False, "health_outside_care", "critical"),
        ("hs-1", "bup", "task", "health", True, "health_cooperation", None),
        ("hs-1", "fastlege", "task", "health", True, "health_cooperation", None),
        ("laerer-a", "bup", "task", "personal", True, "task", None),
        ("ppt-1", "nav", "task", "personal", True, "task", None),
        ("laerer-a", "foreldre", "task", "abuse", True, "parents", None),
        # 8. need to know inside a service, a leader's body, and health care
        ("laerer-a", "rektor-1", "internal", "personal", True, "internal", None),
        ("ped-b", "rektor-1", "internal", "abuse", True, "internal", None),
        ("hs-1", "bup", "internal", "health", True, "health_cooperation", None),
        ("laerer-a", "ppt-1", "internal", "personal", False, "internal_other_service", "warning"),
        ("laerer-a", "ppt-1", "internal", "abuse", False, "internal_other_service", "critical"),
        ("hs-1", "laerer-a", "internal", "health", False, "health_outside_care", "critical"),
        ("hs-1", "bv-1", "internal", "personal", False, "health_outside_care", "critical"),
        # 9. no basis: graded by sensitivity, sender and receiver
        ("laerer-a", "hs-1", "none", "personal", False, "no_basis", "warning"),
        ("laerer-a", "ppt-1", "none", "personal", False, "no_basis", "warning"),
        ("laerer-a", "ppt-1", "none", "health", False, "no_basis", "critical"),
        ("laerer-a", "bv-1", "none", "abuse", False, "no_basis", "critical"),
        ("laerer-a", "politi", "none", "personal", False, "no_basis", "critical"),
        ("laerer-a", "nav", "none", "personal", False, "no_basis", "critical"),
        ("laerer-a", "fastlege", "none", "personal", False, "no_basis", "critical"),
        ("laerer-a", "bup", "none", "personal", False, "no_basis", "critical"),
        ("laerer-a", "foreldre", "consent", "abuse", True, "consent", None),
        ("hs-1", "foreldre", "consent", "health", True, "consent", None),
        ("bv-1", "laerer-a", "none", "personal", False, "no_basis", "warning"),
        ("hs-1", "bup", "none", "health", False, "no_basis", "critical"),
    ],
)
def test_the_rule_table(sender, receiver, basis, sensitivity, lawful, reason, severity) -> None:
    verdict = judge(sender, receiver, basis, sensitivity)
    assert (verdict.lawful, verdict.reason, verdict.severity) == (lawful, reason, severity)
    assert verdict.rule


def test_a_warning_explains_that_the_share_needed_a_documented_assessment() -> None:
    verdict = judge("laerer-a", "hs-1", "none", "personal")
    assert "fvl. § 13 b første ledd nr. 5" in verdict.rule


def test_rules_cite_the_right_statute_for_the_sender() -> None:
    assert judge("hs-1", "bv-1", "duty_to_report", "health").rule == "hpl. § 33"
    assert judge("laerer-a", "bv-1", "duty_to_report", "personal").rule == "bvl. § 13-2"
    assert judge("hs-1", "laerer-a", "consent", "health").rule == "hpl. § 22"
    assert judge("laerer-a", "hs-1", "consent", "personal").rule == "fvl. § 13 a nr. 1"
    assert judge("laerer-a", "hs-1", "task", "personal").rule == "fvl. § 13 b første ledd nr. 5"
    assert judge("hs-1", "bup", "task", "health").rule == "hpl. § 25"
    assert "hpl. § 25" in judge("hs-1", "laerer-a", "internal", "health").rule


def test_the_judgement_reads_the_service_not_the_id() -> None:
    """A role called `bvt` that is a teacher is judged as a teacher."""
    source = (
        "---\nid: navn\ntitle: Navn\nlanguage: nb\nsummary: Mia (9).\nroles:\n"
        "  - id: bvt\n    name: Lærer\n    service: skole\n"
        "  - id: laerer\n    name: Barneverntjenesten\n    service: barnevern\n---\n\n"
        "# Innledning\n\nMia.\n\n"
        "# Opplysninger\n\n## Fravær {#fravaer sensitivitet=personlig}\n\nTekst.\n\n- Kjent av: bvt\n\n"
        "# Scene: Start {#start dag=0}\n\nDag 0.\n\n## Lærer\n\n- Vent {#a .ekspert}\n  - Handling: vente\n\n"
        "## Barneverntjenesten\n\n- Vent {#b .ekspert}\n  - Handling: vente\n\n"
        "## Videre\n\n- Ellers: [Slutt](#slutt)\n\n# Slutt: Ferdig {#slutt vurdering=god}\n\nFerdig.\n"
    )
    scenario = check_source(source).scenario
    to_welfare = {"from": "bvt", "to": "laerer", "basis": "duty_to_report", "info": "fravaer"}
    to_teacher = {"from": "laerer", "to": "bvt", "basis": "duty_to_report", "info": "fravaer"}
    assert judge_share(to_welfare, scenario).lawful
    assert not judge_share(to_teacher, scenario).lawful


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_the_legal_model_agrees_with_the_authors_on_every_library_share(name: str) -> None:
    """Each share the authors mark as bad for information sharing is flagged, and no other is."""
    scenario = library(name)
    for scene in scenario.scenes:
        for section in scene.roles:
            for choice in section.choices:
                verdicts = [
                    judge_share({"from": choice.role, "to": to, "basis": share.basis, "info": info}, scenario)
                    for share in choice.shares
                    for info in share.infos
                    for to in (*share.to, *share.external)
                ]
                if not verdicts:
                    continue
                clean = all(v.lawful and v.severity is None for v in verdicts)
                assert clean == (annotation_value(choice, "information") >= 0), (choice.id, verdicts)
                if choice.expert:
                    assert clean, choice.id


ABSENCE = "## Fravær {#fravaer sensitivitet=personlig}\n\nTekst.\n\n- Kjent av: laerer-a\n\n"
DUTY_ROLES = (
    ("laerer-a", "Lærer A", "skole"),
    ("hs-1", "Helsesykepleier", "helse"),
    ("bv-1", "Saksbehandler", "barnevern"),
)


def _story(meta: str, sections: str, infos: str = ABSENCE) -> Scenario:
    roles = "".join(f"  - id: {r}\n    name: {n}\n    service: {s}\n" for r, n, s in DUTY_ROLES)
    source = (
        f"---\nid: plikt\ntitle: Plikt\nlanguage: nb\nsummary: Mia (9).\nroles:\n{roles}{meta}---\n\n"
        f"# Innledning\n\nMia.\n\n# Opplysninger\n\n{infos}"
        f"# Scene: Start {{#start dag=0}}\n\nDag 0.\n\n{sections}## Videre\n\n- Ellers: [Slutt](#slutt)\n\n"
        "# Slutt: Ferdig {#slutt vurdering=god}\n\nFerdig.\n"
    )
    result = check_source(source)
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    assert result.scenario is not None and not errors, errors
    return result.scenario


def _sections(**choices: str) -> str:
    parts = []
    for role, name, _ in DUTY_ROLES:
        body = choices.get(role, "- Vent {#vent-" + role + " .ekspert}\n  - Handling: vente\n")
        parts.append(f"## {name}\n\n{body}\n")
    return "".join(parts)


@pytest.mark.parametrize("role, rule", [("hs-1", "hpl. § 33; bvl. § 13-2"), ("laerer-a", "bvl. § 13-2")])
def test_a_missed_report_cites_the_duty_of_the_service_that_had_it(role: str, rule: str) -> None:
    meta = f"expectations:\n  - action: melding-bvt\n    due: start\n    role: {role}\n"
    scenario = _story(meta, _sections())
    events = [
        {"type": "choose", "role": r, "choice": f"vent-{r}", "at": 1.0 + i}
        for i, r in enumerate(scenario.role_ids)
    ]
    report = score_drill(scenario, DrillLog.of(events))
    flag = next(f for f in report.flags if f.code == "missed_report")
    assert (flag.role, flag.rule, flag.severity) == (role, rule, "critical")


def test_the_report_duty_counts_as_a_way_to_share_only_with_the_child_welfare_service() -> None:
    """Confidentiality as an excuse: a need of the child welfare service once the report was due."""
    infos = (
        "## Fravær {#fravaer sensitivitet=personlig}\n\nTekst.\n\n- Kjent av: laerer-a\n- Trengs av: bv-1\n\n"
        "## Timer {#timer sensitivitet=personlig}\n\nTekst.\n\n- Kjent av: laerer-a\n- Trengs av: hs-1\n\n"
    )
    meta = "expectations:\n  - action: melding-bvt\n    due: start\n    role: laerer-a\n"
    teacher = (
        "- Meld uten opplysninger {#meld .ekspert}\n  - Handling: melding-bvt\n"
        "- Meld med fraværet {#meld-alt}\n  - Handling: melding-bvt\n"
        "  - Deler: fravaer -> bv-1 (opplysningsplikt)\n"
        "- Gi helsesykepleier timene på opplysningsplikt {#timer-hs}\n"
        "  - Deler: timer -> hs-1 (opplysningsplikt)\n"
    )
    scenario = _story(meta, _sections(**{"laerer-a": teacher}), infos)
    events = [
        {"type": "choose", "role": "laerer-a", "choice": "meld", "at": 1.0},
        {"type": "choose", "role": "hs-1", "choice": "vent-hs-1", "at": 2.0},
        {"type": "choose", "role": "bv-1", "choice": "vent-bv-1", "at": 3.0},
    ]
    report = score_drill(scenario, DrillLog.of(events))
    excuses = [f for f in report.flags if f.code == "confidentiality_as_excuse"]
    assert [(f.role, f.params["needed_by"], f.params["basis"]) for f in excuses] == [
        ("laerer-a", "bv-1", "duty_to_report")
    ]
