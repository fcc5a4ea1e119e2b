"""The pure readers behind the parser: every key has exactly one reader, and readers work on their own."""

from __future__ import annotations

from scenarios import settings
from scenarios import vocabulary as vocab
from scenarios.frontmatter import FIELDS
from scenarios.frontmatter import read_front_matter
from scenarios.model import Meta
from scenarios.model import Share
from scenarios.reporter import Reporter


def test_every_settings_key_has_one_reader() -> None:
    assert set(settings.CHOICE_SETTINGS) == set(vocab.CHOICE_KEYS.values())
    assert set(settings.INFO_SETTINGS) == set(vocab.INFO_KEYS.values())
    assert set(settings.INJECT_SETTINGS) == set(vocab.INJECT_KEYS.values())


def test_every_front_matter_field_is_read() -> None:
    handled = set(FIELDS) | {"roles", "expectations", "parents", "line"}
    assert handled == set(Meta.__dataclass_fields__)


def test_a_share_reader_needs_only_a_context() -> None:
    reporter = Reporter()
    ctx = settings.Context(reporter, {"helse": "helse", "helsesykepleier": "helse"})
    found = settings.shares(ctx, "fravaer, sovn -> Helsesykepleier, nav (oppgave); sovn -> ingen (uten)", 7)
    assert found == [Share(("fravaer", "sovn"), ("helse",), "task", 7, ("nav",))]
    assert [(d.code, d.line) for d in reporter.items] == [("SC042", 7)]


def test_repeated_adding_keys_accumulate() -> None:
    ctx = settings.Context(Reporter(), {"a": "a"})
    rows = [("law", "fvl. § 13", 1, None), ("law", "bvl. § 13-2; hpl. § 33", 2, None), ("bti", "2", 3, None)]
    fields = settings.choice_fields(ctx, rows)  # type: ignore[arg-type]
    assert fields == {"laws": ("fvl. § 13", "bvl. § 13-2", "hpl. § 33"), "bti": 2}


def test_front_matter_reader_alone() -> None:
    reporter = Reporter()
    content = (
        "id: x\ntitle: X\nlanguage: nb\nsummary: s\nroles:\n  - id: a\n    name: Kontaktlærer\n"
        "    service: skole\n  - id: b\n    name: BVT\n    service: barnevern\n"
        "parents: {contraindicated_when: meldt}\n"
    )
    front = read_front_matter(content, 2, reporter)
    assert front.ok and reporter.items == []
    assert front.roles == {"a": "a", "kontaktlærer": "a", "b": "b", "bvt": "b"}
    assert front.meta.parents == "contraindicated" and front.meta.parents_onset.flag == "meldt"
    assert front.meta.parents_onset.line == 13


def test_shown_names_are_the_documented_norwegian_words() -> None:
    assert vocab.names(vocab.INJECT_KEYS) == ["til", "utløses", "avdekker"]
    assert "støttende" in vocab.names(vocab.ACTION_TAGS) and "forberedt" in vocab.names(vocab.ACTION_TAGS)
    assert len(vocab.names(vocab.ACTIONS)) == len(set(vocab.ACTIONS.values())) == 17
