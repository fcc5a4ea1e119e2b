"""Forms for inviting people and changing their role."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Regexp

from app.models import ROLE_LABELS
from app.models import Role

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]

# Deliberately loose: the invited person proves the address works by receiving the link.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class InvitationForm(FlaskForm):
    """Who to invite, with which role, and optionally to which unit."""

    email = EmailField(
        _l("E-postadresse"),
        validators=[
            InputRequired(_l("Skriv inn e-postadressen til personen du vil invitere.")),
            Length(max=254),
            Regexp(
                EMAIL_PATTERN, message=_l("Skriv inn en gyldig e-postadresse, for eksempel navn@kommune.no.")
            ),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = SelectField(_l("Rolle"), choices=ROLE_CHOICES, default=Role.PARTICIPANT.value)
    # Choices are the organisation's units, filled in by the view.
    unit_id = SelectField(_l("Enhet"), choices=[], default="")


class RoleForm(FlaskForm):
    """The new role for one person."""

    role = SelectField(_l("Ny rolle"), choices=ROLE_CHOICES)


class SettingsForm(FlaskForm):
    """The organisation's own settings: MFA for staff, the xAPI actor, and its two public statements."""

    mfa_required = BooleanField(
        _l("Krev tofaktorinnlogging for administratorer, fasilitatorer, forfattere og enhetsledere")
    )
    xapi_actor_email = BooleanField(_l("Identifiser personer med e-postadresse i xAPI"))
    privacy_statement = TextAreaField(
        _l("Personvernerklæring (Markdown)"),
        validators=[Length(max=50000, message=_l("Teksten kan ha høyst %(max)d tegn."))],
        render_kw={"rows": 12},
    )
    accessibility_statement = TextAreaField(
        _l("Tilgjengelighetserklæring (Markdown)"),
        validators=[Length(max=50000, message=_l("Teksten kan ha høyst %(max)d tegn."))],
        render_kw={"rows": 12},
    )


class ConfirmForm(FlaskForm):
    """A button that changes something; only the CSRF token is checked."""
