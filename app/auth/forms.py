"""Forms for logging in and for accepting an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import EqualTo
from wtforms.validators import InputRequired
from wtforms.validators import Length

# ASVS 6.2.1 asks for at least 8 characters and recommends 15; 12 balances that with no MFA yet.
# 6.2.9 wants at least 64 allowed, and there are no composition rules (6.2.5).
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-postadresse"),
        validators=[InputRequired(_l("Skriv inn e-postadressen din.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Passord"),
        validators=[InputRequired(_l("Skriv inn passordet ditt.")), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class AcceptInvitationForm(FlaskForm):
    """The name a new user wants to be shown by, and their chosen password."""

    display_name = StringField(
        _l("Navnet ditt"),
        validators=[InputRequired(_l("Skriv inn navnet ditt.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Velg passord"),
        validators=[
            InputRequired(_l("Velg et passord.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                # WTForms fills in min and max after translation.
                message=_l("Passordet må ha minst %(min)d og høyst %(max)d tegn."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Gjenta passordet"),
        validators=[
            InputRequired(_l("Skriv passordet en gang til.")),
            EqualTo("password", _l("Passordene er ikke like.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
