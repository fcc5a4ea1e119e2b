"""Locale selection for Flask-Babel: bokmål by default, nynorsk and English on request."""

from __future__ import annotations

from babel import Locale
from flask import request
from flask import session
from flask_login import current_user

# Each language is named in itself, so a reader can find their own language in the switcher.
LOCALES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}
DEFAULT_LOCALE = "nb"


# Parsed once: Flask-Babel takes a Locale as it is, instead of parsing the code on every request.
_PARSED = {code: Locale.parse(code) for code in LOCALES}


def select_locale() -> Locale:
    """The ``Locale`` of ``locale_code()``."""
    return _PARSED[locale_code()]


def locale_code() -> str:
    """Pick the user's stored choice, then the session's, then the browser's best match."""
    # Without a user id in the session nobody is logged in, and no user need be loaded to know it.
    if "_user_id" in session and current_user.is_authenticated and current_user.preferred_locale in LOCALES:
        return current_user.preferred_locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    # Browsers often send a bare "no" (Norwegian), which has no catalogue of its own: treat it as bokmål.
    best = request.accept_languages.best_match([*LOCALES, "no"])
    return best if best in LOCALES else DEFAULT_LOCALE
