"""Forms for logging in, accepting an invitation, and changing or resetting a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import EqualTo
from wtforms.validators import InputRequired
from wtforms.validators import Length

from app.auth.passwords import PASSWORD_MAX_LENGTH
from app.auth.passwords import PASSWORD_MIN_LENGTH
from app.auth.passwords import StrongPassword

__all__ = ["PASSWORD_MAX_LENGTH", "PASSWORD_MIN_LENGTH"]


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


def new_password_field(label: str) -> PasswordField:
    """A field for choosing a password, held to the password rule."""
    return PasswordField(
        label,
        validators=[InputRequired(_l("Velg et passord.")), StrongPassword(lambda form: form.person())],
        render_kw={"autocomplete": "new-password"},
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice, checked against the person's own name and address.

    The view sets ``person_name`` and ``person_email``; a form with a name field uses that instead.
    """

    person_name = ""
    person_email = ""

    password = new_password_field(_l("Nytt passord"))
    password_again = PasswordField(
        _l("Gjenta passordet"),
        validators=[
            InputRequired(_l("Skriv passordet en gang til.")),
            EqualTo("password", _l("Passordene er ikke like.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def person(self) -> tuple[str, str]:
        """The name and e-mail address the password must not contain."""
        return self.person_name, self.person_email


class AcceptInvitationForm(NewPasswordForm):
    """The name a new user wants to be shown by, and their chosen password."""

    display_name = StringField(
        _l("Navnet ditt"),
        validators=[InputRequired(_l("Skriv inn navnet ditt.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    password = new_password_field(_l("Velg passord"))

    def person(self) -> tuple[str, str]:
        """The name being typed, and the invited address."""
        return self.display_name.data or "", self.person_email


class ChangePasswordForm(NewPasswordForm):
    """The current password, to prove it is the person, and the new one twice."""

    current_password = PasswordField(
        _l("Nåværende passord"),
        validators=[InputRequired(_l("Skriv inn passordet du har nå.")), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ResetRequestForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(
        _l("E-postadresse"),
        validators=[InputRequired(_l("Skriv inn e-postadressen din.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
