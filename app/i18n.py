"""Locale selection for Flask-Babel: bokmål by default, nynorsk and English on request."""

from __future__ import annotations

from typing import Any

from babel import Locale
from babel.support import NullTranslations
from flask import Flask
from flask import g
from flask import has_app_context
from flask import request
from flask import session
from flask_babel import get_locale
from flask_babel import get_translations
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


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext``, through the request's catalogue found once (see ``_catalogue``)."""
    translated = _catalogue().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext`` (``num`` is also a variable), through the request's catalogue."""
    variables.setdefault("num", num)
    return _catalogue().ungettext(singular, plural, num) % variables


def install_template_gettext(app: Flask) -> None:
    """Let templates translate through a catalogue looked up once per request, not once per string.

    Python code does the same through this module's ``gettext`` and ``ngettext``.

    Flask-Babel's own template callables find the request's domain, locale and catalogue anew for
    every string (a dozen context lookups each); a participant's screen has dozens of strings and is
    rendered on every changed poll. The catalogue is kept on ``g`` with the locale it belongs to, so
    ``flask_babel.refresh()`` or ``force_locale`` (a new locale object) still take effect at once.
    """
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _catalogue().ugettext(string),
        ngettext=lambda singular, plural, n: _catalogue().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, string: _catalogue().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: _catalogue().unpgettext(context, singular, plural, n),
    )


def _catalogue() -> NullTranslations:
    """This request's translations, found once per request and locale."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    cached = g.get("_laget_catalogue")
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        g._laget_catalogue = cached
    return cached[1]
