"""Forms of solo practice: starting a run and starting again; its steps send the drills' step forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from app.drills.forms import ID_PATTERN
from app.solo.services import ORIGIN_LENGTH
from app.solo.services import PROFILES


class StartForm(FlaskForm):
    """A scenario (by key, or an exact version for test play), the role to play and the others' profile."""

    scenario = StringField(
        _l("Scenario"),
        validators=[Optional(), Length(max=100), Regexp(ID_PATTERN, message=_l("Ukjent scenario."))],
    )
    version = StringField(
        _l("Versjon"), validators=[Optional(), Regexp(r"^[0-9]{1,12}$", message=_l("Ukjent versjon."))]
    )
    role = StringField(
        _l("Rollen du spiller"),
        validators=[
            InputRequired(_l("Velg rollen du vil spille.")),
            Length(max=50),
            Regexp(ID_PATTERN, message=_l("Velg en av rollene i scenariet.")),
        ],
    )
    profile = StringField(
        _l("De andre rollene"),
        validators=[Optional(), AnyOf(PROFILES, message=_l("Velg hvordan de andre rollene skal spilles."))],
    )
    origin = StringField(validators=[Optional(), Length(max=ORIGIN_LENGTH)])
    next = StringField(validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:  # type: ignore[override]
        """Also require exactly one of a scenario key and a version id."""
        if not super().validate(extra_validators):
            return False
        if bool(self.scenario.data) == bool(self.version.data):
            self.scenario.errors = [*self.scenario.errors, str(_l("Velg ett scenario."))]
            return False
        return True


class RestartForm(FlaskForm):
    """Start the same practice again (only the CSRF token)."""
