"""Observer forms: the facilitator adds one; the observer opens the drill with a code and takes notes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length

from app.drills.services import JOIN_CODE_LENGTH
from app.models import NOTE_MAX_LENGTH


def _stripped(value: str | None) -> str | None:
    """The text without surrounding spaces, so a note of only spaces counts as empty."""
    return value.strip() if isinstance(value, str) else value


class AddObserverForm(FlaskForm):
    """The name of an observer the facilitator adds to a drill."""

    name = StringField(
        _l("Observatørens navn"),
        filters=[_stripped],
        validators=[
            DataRequired(_l("Skriv inn navnet til observatøren.")),
            Length(max=60, message=_l("Navnet kan ha høyst %(max)d tegn.")),
        ],
        id="observer-name",
        render_kw={"autocomplete": "off"},
    )


class ObserverCodeForm(FlaskForm):
    """The observer code the facilitator gave."""

    code = StringField(
        _l("Observatørkode"),
        validators=[
            InputRequired(_l("Skriv inn observatørkoden fra fasilitator.")),
            Length(min=JOIN_CODE_LENGTH, max=JOIN_CODE_LENGTH + 4, message=_l("Koden har seks tegn.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class NoteForm(FlaskForm):
    """An observer's note; the server ties it to the scene the team is in when it is saved."""

    text = TextAreaField(
        _l("Notat"),
        filters=[_stripped],
        validators=[
            DataRequired(_l("Skriv notatet før du lagrer.")),
            Length(max=NOTE_MAX_LENGTH, message=_l("Notatet kan ha høyst %(max)d tegn.")),
        ],
        id="note-text",
        render_kw={"rows": 4},
    )
