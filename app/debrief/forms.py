"""The debrief's one form: an action point of the team's improvement plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional


class ActionPointForm(FlaskForm):
    """What the team will do, who is responsible, and by when."""

    what = StringField(
        _l("Hva skal gjøres"),
        validators=[
            InputRequired(_l("Skriv hva som skal gjøres.")),
            Length(max=500, message=_l("Teksten kan ha høyst %(max)d tegn.")),
        ],
    )
    who = StringField(
        _l("Hvem har ansvaret"),
        validators=[
            InputRequired(_l("Skriv hvem som har ansvaret.")),
            Length(max=100, message=_l("Teksten kan ha høyst %(max)d tegn.")),
        ],
    )
    due = DateField(_l("Frist"), validators=[Optional()])
