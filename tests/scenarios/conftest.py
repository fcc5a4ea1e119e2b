"""Shared scenario sources for the scenario tests: one small valid scenario and ways to break it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.check import check_source

FIXTURES = Path(__file__).parent / "fixtures"

BASE = """\
---
id: test
title: Test
language: nb
summary: Et lite testscenario.
roles:
  - id: laerer
    name: Kontaktlærer
    service: skole
  - id: helse
    name: Helsesykepleier
    service: helse
---

# Innledning

Mia er mye borte.

# Opplysninger

## Fravær {#fravaer}

Mia har mye fravær.

- Kjent av: laerer
- Trengs av: helse (innen s2)

# Scene: Første {#s1 dag=0}

Mandag.

## Kontaktlærer

- Del {#del .ekspert}
  - Deler: fravaer -> helse (samtykke)
  - Setter: delt

  Med samtykke kan du dele.

- Vent {#vent}

  Å vente er risikabelt.

## Helsesykepleier

- Samtale {#samtale .ekspert}
  - Handling: samtale-barn (støttende)

  Godt.

## Videre

- Hvis `delt`: [Andre](#s2)
- Ellers: [Svak](#svak)

# Scene: Andre {#s2 dag=7}

## Kontaktlærer

- Meld {#meld .ekspert}
  - Handling: melding-bvt

  Riktig.

## Videre

- Ellers: [God](#god)

# Slutt: God {#god vurdering=god}

Bra.

# Slutt: Svak {#svak vurdering=svak}

Dårlig.
"""


def line_of(source: str, marker: str) -> int:
    """The 1-based line of the first line containing `marker`, so tests do not hard-code numbers."""
    for number, line in enumerate(source.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"marker not found: {marker!r}")


def codes(source: str | bytes) -> list[tuple[str, int]]:
    """The (code, line) pairs the checker reports for a source."""
    return [(d.code, d.line) for d in check_source(source).diagnostics]


@pytest.fixture
def base() -> str:
    return BASE
