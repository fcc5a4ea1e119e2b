"""The language switcher form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import SelectChoice
from wtforms import SelectField

from app.i18n import LOCALES


class LanguageForm(FlaskForm):
    """The chosen language and the page to return to."""

    locale = SelectField(
        _l("Språk"),
        choices=[SelectChoice(code, name, render_kw={"lang": code}) for code, name in LOCALES.items()],
    )
    next = HiddenField()
