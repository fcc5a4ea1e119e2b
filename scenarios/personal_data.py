"""Spot text that looks like real personal data, since scenarios must be fictional."""

from __future__ import annotations

import re

# These patterns look for data in authored prose; they are detectors, not the format's parser.
_DIGIT_RUN = re.compile(r"(?<![\d,])(?:\d[ .]?){7,10}\d(?!\d|[.,]\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_PHONE_PREFIX = re.compile(r"\+47[\s]?\d")

PERSONAL_DATA_KINDS = {
    "national_id": ("et gyldig fødselsnummer", "a valid national identity number"),
    "phone": ("et telefonnummer", "a phone number"),
    "email": ("en e-postadresse", "an e-mail address"),
}

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def is_national_id(digits: str) -> bool:
    """True for an 11-digit Norwegian fødselsnummer (or D-number) with valid check digits."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    numbers = [int(d) for d in digits]
    k1 = 11 - sum(w * n for w, n in zip(_W1, numbers[:9], strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * n for w, n in zip(_W2, numbers[:10], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    day = numbers[0] * 10 + numbers[1]
    month = numbers[2] * 10 + numbers[3]
    return k1 == numbers[9] and k2 == numbers[10] and 1 <= day % 40 <= 31 and 1 <= month % 40 <= 12


def find_personal_data(text: str) -> list[str]:
    """Name the kinds of personal data found in the text: national_id, phone, email."""
    kinds: list[str] = []
    for match in _DIGIT_RUN.finditer(text):
        digits = "".join(ch for ch in match.group() if ch.isdigit())
        if len(digits) == 11 and is_national_id(digits) and "national_id" not in kinds:
            kinds.append("national_id")
        elif len(digits) == 8 and digits[0] in "2345679" and "phone" not in kinds:
            kinds.append("phone")
    if _PHONE_PREFIX.search(text) and "phone" not in kinds:
        kinds.append("phone")
    if _EMAIL.search(text):
        kinds.append("email")
    return kinds
