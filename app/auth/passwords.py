"""The password rule (ASVS 6.2): long enough, hard to guess, and free of the person's own name or address.

Guessability is zxcvbn's estimate, whose bundled frequency lists hold the most common leaked
passwords (so the top-3000 of ASVS 6.2.4 are refused), along with keyboard patterns, repeats,
dates and dictionary words. There are no composition rules (6.2.5) and up to 256 characters (6.2.9).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms import Form
from wtforms.validators import ValidationError
from zxcvbn import zxcvbn

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from an offline slow-hash scenario".
MIN_SCORE = 3
# zxcvbn's cost grows with length; the estimate of the first 100 characters is plenty.
ESTIMATE_LENGTH = 100
# Name and address parts shorter than this are too common inside ordinary words to refuse.
PERSONAL_PART_LENGTH = 3


def personal_parts(name: str, email: str) -> list[str]:
    """The words of a name and e-mail address a password must not contain, lower-cased."""
    local, _, domain = email.lower().partition("@")
    words = re.split(r"[\s.,_\-+@]+", f"{name.lower()} {local} {domain.split('.')[0]}")
    parts = {word for word in words if len(word) >= PERSONAL_PART_LENGTH}
    if email:
        parts.add(email.lower())
    return sorted(parts)


def password_problem(password: str, name: str = "", email: str = "") -> str | None:
    """What is wrong with ``password`` for this person, in their language, or None when it is good."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return str(_l("Passordet må ha minst %(min)d tegn.", min=PASSWORD_MIN_LENGTH))
    if len(password) > PASSWORD_MAX_LENGTH:
        return str(_l("Passordet kan ha høyst %(max)d tegn.", max=PASSWORD_MAX_LENGTH))
    lowered = password.lower()
    if any(part in lowered for part in personal_parts(name, email)):
        return str(_l("Passordet kan ikke inneholde navnet ditt eller e-postadressen din."))
    estimate = zxcvbn(password[:ESTIMATE_LENGTH], user_inputs=personal_parts(name, email))
    if estimate["score"] < MIN_SCORE:
        return str(
            _l(
                "Passordet er for vanlig eller lett å gjette. Prøv flere ord som ikke hører sammen, "
                "for eksempel «tre grønne sykler i regnet»."
            )
        )
    return None


def password_hint() -> str:
    """The rule in one sentence, shown under every new-password field."""
    return str(
        _l(
            "Minst %(min)d tegn, og ikke navnet ditt eller e-postadressen din. Flere ord som ikke hører "
            "sammen, er både sikkert og lett å huske.",
            min=PASSWORD_MIN_LENGTH,
        )
    )


class StrongPassword:
    """A WTForms validator applying ``password_problem`` with the person's name and address from ``who``."""

    def __init__(self, who: Callable[[Form], tuple[str, str]]) -> None:
        self.who = who

    def __call__(self, form: Form, field: Field) -> Any:
        name, email = self.who(form)
        if problem := password_problem(field.data or "", name, email):
            raise ValidationError(problem)
