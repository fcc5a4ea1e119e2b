"""Forms learners send: an answer to a lesson question, a private reflection, and the final quiz.

Question options and quiz answers are plain request fields (their names depend on the course), read
by the views; these forms carry the CSRF token and the fields with fixed names.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Regexp
from wtforms.validators import StopValidation

from app.learning.services import REFLECTION_MAX


class CsrfForm(FlaskForm):
    """A form with nothing but the CSRF token: marking a lesson done, answering a lesson question."""


def _words_unless_deleting(form: ReflectionForm, field: TextAreaField) -> None:
    """Saving needs some words; deleting the saved answer does not look at the box."""
    if form.delete.data:
        raise StopValidation()
    if not (field.data or "").strip():
        raise StopValidation(_l("Skriv noen ord før du lagrer."))


class ReflectionForm(FlaskForm):
    """The learner's private answer to one reflection prompt, saved or deleted."""

    text = TextAreaField(
        _l("Ditt svar (bare du kan se det)"),
        validators=[
            _words_unless_deleting,
            Length(max=REFLECTION_MAX, message=_l("Teksten kan ha høyst %(max)d tegn.")),
        ],
        render_kw={"rows": 5},
    )
    delete = SubmitField(_l("Slett refleksjonen"))


class QuizForm(FlaskForm):
    """The attempt being answered; the answers themselves are the ``q-<question id>`` fields."""

    attempt = HiddenField(validators=[InputRequired(), Length(max=32), Regexp(r"^[A-Za-z0-9_-]+$")])
