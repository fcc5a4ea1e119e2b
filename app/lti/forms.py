"""Forms of LTI: the teacher's pick of content, and an admin registering a platform."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

_ADDRESS = r"^https?://[^\s/]+(/\S*)?$"


class PickForm(FlaskForm):
    """Which course or solo scenario the platform's link opens; choices are filled in by the view."""

    target = RadioField(_l("Innhold"), validators=[InputRequired(_l("Velg et kurs eller et scenario."))])


def _address(label: str) -> URLField:
    return URLField(
        label,
        validators=[
            InputRequired(_l("Fyll inn adressen.")),
            Length(max=500),
            Regexp(_ADDRESS, message=_l("Skriv en hel adresse som begynner med https://.")),
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )


class PlatformForm(FlaskForm):
    """What the platform's administrator page shows about Laget's registration there."""

    name = StringField(
        _l("Navn"),
        validators=[InputRequired(_l("Gi plattformen et navn, for eksempel KS Læring.")), Length(max=200)],
    )
    issuer = StringField(
        _l("Utsteder (issuer)"),
        validators=[
            InputRequired(_l("Fyll inn plattformens utsteder.")),
            Length(max=500),
            Regexp(_ADDRESS, message=_l("Skriv en hel adresse som begynner med https://.")),
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    client_id = StringField(
        _l("Klient-ID"),
        validators=[InputRequired(_l("Fyll inn klient-ID-en plattformen ga Laget.")), Length(max=200)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    deployment_ids = TextAreaField(
        _l("Utrullings-ID-er (deployment ID)"),
        validators=[InputRequired(_l("Fyll inn minst én utrullings-ID."))],
        render_kw={"rows": 3, "spellcheck": "false"},
    )
    auth_login_url = _address(_l("Adresse for innlogging (authentication request URL)"))
    token_url = _address(_l("Adresse for tilgangsnøkler (access token URL)"))
    jwks_url = _address(_l("Adresse til plattformens nøkler (public keyset URL)"))

    def validate_deployment_ids(self, field: TextAreaField) -> None:
        """One id per line, each at most 255 characters, at most 50 of them."""
        ids = self.deployment_id_list()
        if not ids:
            raise ValidationError(_l("Fyll inn minst én utrullings-ID."))
        if len(ids) > 50 or any(len(i) > 255 for i in ids):
            raise ValidationError(_l("Skriv én utrullings-ID per linje, hver på høyst 255 tegn."))

    def fields(self) -> dict[str, object]:
        """The platform's columns as typed, trimmed."""
        return {
            "name": self.name.data.strip(),
            "issuer": self.issuer.data.strip(),
            "client_id": self.client_id.data.strip(),
            "deployment_ids": self.deployment_id_list(),
            "auth_login_url": self.auth_login_url.data.strip(),
            "token_url": self.token_url.data.strip(),
            "jwks_url": self.jwks_url.data.strip(),
        }

    def deployment_id_list(self) -> list[str]:
        """The deployment ids, one per line, without blanks or repeats."""
        lines = (line.strip() for line in (self.deployment_ids.data or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))
