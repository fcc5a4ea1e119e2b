"""The parser: what authors write becomes the typed, immutable model, with lines kept."""

from __future__ import annotations

import dataclasses

import pytest

from scenarios.check import check_file
from scenarios.model import Baton
from scenarios.model import Share
from scenarios.parse import parse
from scenarios.parse import slugify
from tests.scenarios.conftest import BASE
from tests.scenarios.conftest import FIXTURES
from tests.scenarios.conftest import line_of


@pytest.fixture(scope="module")
def minimal():
    return check_file(FIXTURES / "minimal.md").scenario


def test_metadata(minimal) -> None:
    meta = minimal.meta
    assert (meta.id, meta.title, meta.language, meta.minutes, meta.bti_level) == (
        "minimal",
        "Et lite scenario",
        "nb",
        20,
        0,
    )
    assert [(r.id, r.name) for r in meta.roles] == [
        ("kontaktlaerer", "Kontaktlærer"),
        ("helsesykepleier", "Helsesykepleier"),
    ]
    assert meta.expectations[0].action == "report_bvt"
    assert meta.expectations[0].due == "uke2"


def test_every_element_keeps_its_source_line(minimal) -> None:
    source = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    scene = minimal.scene("uke1")
    assert scene.line == line_of(source, "# Scene: Uke 1")
    assert scene.roles[0].line == line_of(source, "## Kontaktlærer")
    choice = scene.choice("kontaktlaerer", "del")
    assert choice.line == line_of(source, "- Del fraværet")
    assert choice.shares[0].line == line_of(source, "- Deler: fravaer")
    assert scene.transitions[0].line == line_of(source, "- Hvis `delt")
    assert minimal.info("hodepine").line == line_of(source, "## Hodepine")
    assert minimal.ending("slutt-god").line == line_of(source, "# Slutt: Mia får hjelp")
    assert minimal.inject("mor-ringer").trigger.line == line_of(source, "- Utløses:")


def test_choice_effects(minimal) -> None:
    choice = minimal.scene("uke1").choice("kontaktlaerer", "del")
    assert choice.expert
    assert choice.shares == (Share(("fravaer",), ("helsesykepleier",), "consent", choice.shares[0].line),)
    assert [(a.name, a.op, a.value) for a in choice.sets] == [("delt", "set", 1), ("bekymring", "add", 1)]
    assert [(a.dimension, a.value) for a in choice.annotations] == [("information", 2)]
    assert choice.laws == ("fvl. § 13 a nr. 1",)
    assert choice.rationale == "Med samtykke kan du dele."
    nurse = minimal.scene("uke1").choice("helsesykepleier", "samtale")
    assert nurse.baton == Baton("take", None, nurse.baton.line)
    assert [(a.kind, a.tags) for a in nurse.actions] == [("talk_child", ("open_questions", "støttende"))]


def test_private_text_and_passive_roles(minimal) -> None:
    first, second = minimal.scenes
    assert first.narrative == "Det er mandag."
    assert first.section("kontaktlaerer").text == "Du ser at Mia er sliten."
    assert second.section("helsesykepleier").passive
    assert second.active_roles == ("kontaktlaerer",)


def test_checkpoint_and_inject(minimal) -> None:
    checkpoint = minimal.scene("uke1").checkpoints[0]
    assert checkpoint.answer == "n0"
    assert checkpoint.explanation == "Vi er fortsatt på nivå 0."
    inject = minimal.inject("mor-ringer")
    assert inject.to == ("kontaktlaerer",)
    assert (inject.trigger.kind, inject.trigger.scene, inject.trigger.after_minutes) == ("scene", "uke2", 5)


def test_model_is_immutable(minimal) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        minimal.meta.title = "Endret"  # type: ignore[misc]


def test_ids_are_derived_from_titles_when_missing() -> None:
    source = BASE.replace(
        "# Slutt: God {#god vurdering=god}", "# Slutt: Mia får hjelp {vurdering=god}"
    ).replace("[God](#god)", "[God](#mia-far-hjelp)")
    result = parse(source)
    assert [e.id for e in result.scenario.endings] == ["mia-far-hjelp", "svak"]
    assert result.diagnostics == []


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("  Hva nå, BVT? ", "hva-na-bvt"),
        ("Kontaktlærer", "kontaktlaerer"),
        ("Møte på Åsen", "mote-pa-asen"),
        ("Café; drop table", "cafe-drop-table"),
        ("!!!", "x"),
    ],
)
def test_derived_ids_are_ascii(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_english_keywords_are_accepted() -> None:
    source = (
        BASE.replace("# Innledning", "# Introduction")
        .replace("# Opplysninger", "# Information")
        .replace("- Kjent av:", "- Known by:")
        .replace("- Trengs av: helse (innen s2)", "- Needed by: helse (by s2)")
        .replace("  - Deler: fravaer -> helse (samtykke)", "  - Share: fravaer -> helse (consent)")
        .replace("  - Setter: delt", "  - Set: delt")
        .replace("## Videre", "## Next")
        .replace("- Hvis `delt`", "- If `delt`")
        .replace("- Ellers:", "- Otherwise:")
        .replace("# Slutt: God {#god vurdering=god}", "# Ending: God {#god rating=good}")
    )
    result = parse(source)
    assert result.diagnostics == []
    assert result.scenario.scene("s1").choice("laerer", "del").shares[0].basis == "consent"
    assert result.scenario.ending("god").rating == "good"


def test_condition_without_backticks() -> None:
    result = parse(BASE.replace("- Hvis `delt`: [Andre](#s2)", "- Hvis delt: [Andre](#s2)"))
    assert result.diagnostics == []
    assert result.scenario.scene("s1").transitions[0].condition_text == "delt"


def test_raw_html_is_kept_as_text_not_markup() -> None:
    result = parse(BASE.replace("Mia er mye borte.", "Mia er mye borte. <script>alert(1)</script>"))
    assert "<script>" in result.scenario.intro  # the source is kept; rendering escapes it


def test_role_name_with_parentheses_in_needs() -> None:
    source = (
        BASE.replace("name: Helsesykepleier", "name: Helsesykepleier (skole)")
        .replace("## Helsesykepleier", "## Helsesykepleier (skole)")
        .replace("- Trengs av: helse (innen s2)", "- Trengs av: Helsesykepleier (skole), laerer (innen s2)")
    )
    result = parse(source)
    assert result.diagnostics == []
    needs = result.scenario.info("fravaer").needs
    assert [(n.role, n.by) for n in needs] == [("helse", None), ("laerer", "s2")]


def test_role_name_with_comma_in_lists() -> None:
    """A name like «Rektor, Nordbakken skole» is one role in `Trengs av`, `Til` and `Deler`, not two."""
    source = (
        BASE.replace("name: Helsesykepleier", "name: Rektor, Nordbakken skole")
        .replace("## Helsesykepleier", "## Rektor, Nordbakken skole")
        .replace(
            "- Trengs av: helse (innen s2)", "- Trengs av: Rektor, Nordbakken skole (innen s2), Kontaktlærer"
        )
        .replace("fravaer -> helse (samtykke)", "fravaer -> Rektor, Nordbakken skole, foreldre (samtykke)")
    )
    result = parse(source)
    assert result.diagnostics == []
    needs = result.scenario.info("fravaer").needs
    assert [(n.role, n.by) for n in needs] == [("helse", "s2"), ("laerer", None)]
    share = result.scenario.scenes[0].choice("laerer", "del").shares[0]
    assert (share.to, share.external) == (("helse",), ("foreldre",))


def test_unknown_role_in_a_list_explains_the_separator() -> None:
    source = BASE.replace("- Trengs av: helse (innen s2)", "- Trengs av: Kontaktlærer; helse")
    result = parse(source)
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "SC007"
    assert "Kontaktlærer; helse" in diagnostic.message
    assert "skilles med komma (ikke semikolon)" in diagnostic.hint
