"""The admin's form for an admission rule: which provider, which claim, which value."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length


class AdmissionForm(FlaskForm):
    """One rule; the provider choices are the configured providers, filled in by the view."""

    provider = SelectField(_l("Innloggingstjeneste"), choices=[])
    claim = StringField(
        _l("Opplysning (claim)"),
        validators=[
            InputRequired(_l("Skriv inn navnet på opplysningen, for eksempel eduPersonPrincipalName.")),
            Length(max=200, message=_l("Teksten kan ha høyst %(max)d tegn.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    value = StringField(
        _l("Verdi"),
        validators=[
            InputRequired(_l("Skriv inn verdien som gir tilgang.")),
            Length(max=300, message=_l("Teksten kan ha høyst %(max)d tegn.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
