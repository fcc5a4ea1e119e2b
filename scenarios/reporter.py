"""Collects diagnostics in one language for one file, so every stage reports every problem."""

from __future__ import annotations

from scenarios.diagnostics import Diagnostic
from scenarios.diagnostics import make


class Reporter:
    """Gathers diagnostics for one file; stages call `add` and never raise on bad input."""

    def __init__(self, path: str = "", lang: str = "nb") -> None:
        self.path = path
        self.lang = lang
        self.items: list[Diagnostic] = []

    def add(self, code: str, line: int, **params: object) -> None:
        self.items.append(make(code, line, lang=self.lang, path=self.path, **params))

    def text(self, nb: str, en: str) -> str:
        """Pick the message variant for this reporter's language."""
        return en if self.lang == "en" else nb

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.line, d.code))
