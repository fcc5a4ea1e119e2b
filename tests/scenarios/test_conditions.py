"""The condition language: parsing to the model and evaluating against the team's state."""

from __future__ import annotations

import pytest

from scenarios.conditions import ConditionError
from scenarios.conditions import Env
from scenarios.conditions import UnknownRole
from scenarios.conditions import evaluate
from scenarios.conditions import parse_condition
from scenarios.model import And
from scenarios.model import Chose
from scenarios.model import Compare
from scenarios.model import Knows
from scenarios.model import Name
from scenarios.model import Not
from scenarios.model import Number
from scenarios.model import Or
from scenarios.model import RoleRef

ROLES = {"kontaktlaerer": "kontaktlaerer", "kontaktlærer": "kontaktlaerer", "bvt": "bvt"}


def env(**overrides) -> Env:
    values = {
        "flags": {"samtykke": True, "meldt": False},
        "counters": {"bekymring": 2},
        "bti": 1,
        "owners": ("kontaktlaerer",),
        "chosen": {"kontaktlaerer": "meld"},
        "knows": lambda role, info: (role, info) == ("bvt", "blamerker"),
    }
    values.update(overrides)
    return Env(**values)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("samtykke", Name("samtykke")),
        ("ikke samtykke", Not(Name("samtykke"))),
        ("samtykke og bti >= 2", And((Name("samtykke"), Compare(">=", Name("bti"), Number(2))))),
        ("a eller b og c", Or((Name("a"), And((Name("b"), Name("c")))))),
        ("(a or b) and not c", And((Or((Name("a"), Name("b"))), Not(Name("c"))))),
        ("Kontaktlærer valgte meld", Chose("kontaktlaerer", "meld")),
        ("bvt vet blamerker", Knows("bvt", "blamerker")),
        ("eier == ingen", Compare("==", Name("owner"), RoleRef(None))),
        ("stafettholder = bvt", Compare("==", Name("owner"), RoleRef("bvt"))),
        ("bekymring > -1", Compare(">", Name("bekymring"), Number(-1))),
    ],
)
def test_parse(text, tree) -> None:
    assert parse_condition(text, ROLES) == tree


@pytest.mark.parametrize(
    "text",
    ["", "og", "a og", "(a", "a)", "bti >", "a $ b", "3", "eier > bvt", "bti >= 2 3", "x" * 600],
)
def test_syntax_errors_have_messages_in_both_languages(text) -> None:
    with pytest.raises(ConditionError) as error:
        parse_condition(text, ROLES)
    assert error.value.nb and error.value.en


def test_unknown_role_is_its_own_error() -> None:
    with pytest.raises(UnknownRole) as error:
        parse_condition("rektor valgte x", ROLES)
    assert error.value.role == "rektor"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("samtykke", True),
        ("meldt", False),
        ("ukjent", False),
        ("bekymring >= 2 og bti == 1", True),
        ("bekymring", True),
        ("kontaktlaerer valgte meld", True),
        ("kontaktlaerer valgte vent", False),
        ("bvt vet blamerker", True),
        ("kontaktlaerer vet blamerker", False),
        ("eier == kontaktlaerer", True),
        ("eier != kontaktlaerer", False),
        ("eier == ingen", False),
        ("ikke (samtykke og meldt)", True),
        ("sant og ikke usant", True),
    ],
)
def test_evaluate(text, expected) -> None:
    assert evaluate(parse_condition(text, ROLES), env()) is expected


def test_nobody_holds_the_baton() -> None:
    assert evaluate(parse_condition("eier == ingen", ROLES), env(owners=())) is True
