"""Forms participants send: joining with a code, choosing, and answering a checkpoint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from app.drills.services import JOIN_CODE_LENGTH

# Ids in scenarios never contain whitespace; the runtime checks that they exist.
ID_PATTERN = r"^\S+$"
# Idempotency keys are uuid4 hex strings made when the form was rendered.
KEY_PATTERN = r"^[0-9a-f]{32}$"
# Hidden fields are never labelled on a page; an empty label spares WTForms translating a made-up one
# (loading its message catalogue from disk) on every request that builds the form.
HIDDEN = ""


class JoinForm(FlaskForm):
    """The drill's join code and the name the team will see."""

    code = StringField(
        _l("Kode"),
        validators=[
            InputRequired(_l("Skriv inn koden fra fasilitator.")),
            Length(min=JOIN_CODE_LENGTH, max=JOIN_CODE_LENGTH + 4, message=_l("Koden har seks tegn.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    display_name = StringField(
        _l("Navnet ditt"),
        validators=[
            InputRequired(_l("Skriv inn navnet de andre skal se.")),
            Length(max=60, message=_l("Navnet kan ha høyst %(max)d tegn.")),
        ],
        render_kw={"autocomplete": "name"},
    )
    seat_code = StringField(
        _l("Plasskode (hvis du har en)"),
        validators=[Optional(), Length(max=JOIN_CODE_LENGTH + 4, message=_l("Plasskoden har seks tegn."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class TakeRoleForm(FlaskForm):
    """An open role a participant takes in the lobby, when the facilitator allows it."""

    role = HiddenField(HIDDEN, validators=[InputRequired(), Length(max=100), Regexp(ID_PATTERN)])


class StepForm(FlaskForm):
    """Fields every step carries: the scene it was made in, and a one-time key against double submits."""

    scene = HiddenField(HIDDEN, validators=[InputRequired(), Length(max=100), Regexp(ID_PATTERN)])
    key = HiddenField(HIDDEN, validators=[InputRequired(), Regexp(KEY_PATTERN)])


class ChoiceStepForm(StepForm):
    """A choice in a scene; the pressed button carries the choice id. Solo practice sends just this."""

    choice = HiddenField(HIDDEN, validators=[InputRequired(), Length(max=100), Regexp(ID_PATTERN)])


class AnswerStepForm(StepForm):
    """An answer to one checkpoint question. Solo practice sends just this."""

    checkpoint = HiddenField(HIDDEN, validators=[InputRequired(), Length(max=100), Regexp(ID_PATTERN)])
    # Radio buttons in the page; a missing answer is reported in words, not as a bad request.
    option = HiddenField(HIDDEN, validators=[InputRequired(), Length(max=100), Regexp(ID_PATTERN)])


class _RoleForm(FlaskForm):
    """The role a drill participant acts as: one person may play several."""

    role = HiddenField(HIDDEN, validators=[InputRequired(), Length(max=50), Regexp(ID_PATTERN)])


class ChoiceForm(_RoleForm, ChoiceStepForm):
    """A role's choice in a scene."""


class AnswerForm(_RoleForm, AnswerStepForm):
    """A role's answer to one checkpoint question."""
