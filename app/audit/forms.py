"""The audit page's filter: action, person and a date range, sent by GET so a filtered view can be linked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.audit.record import ACTION_LABELS
from app.models import User


class AuditFilterForm(FlaskForm):
    """Narrow the trail; every field may be left empty."""

    class Meta:
        # A GET filter changes nothing, so it needs no CSRF token (and links to it stay clean).
        csrf = False

    action = SelectField(_l("Handling"), default="", validate_choice=True)
    person = SelectField(_l("Person"), default="", validate_choice=True)
    start = DateField(_l("Fra og med dato"), validators=[Optional()])
    end = DateField(_l("Til og med dato"), validators=[Optional()])

    def fill_choices(self, members: list[User]) -> AuditFilterForm:
        """Offer every recorded kind of action and the organisation's people."""
        self.action.choices = [SelectChoice("", _l("Alle handlinger"))] + [
            SelectChoice(code, label)
            for code, label in sorted(ACTION_LABELS.items(), key=lambda i: str(i[1]))
        ]
        self.person.choices = [SelectChoice("", _l("Alle personer"))] + [
            SelectChoice(str(user.id), f"{user.display_name} ({user.email})") for user in members
        ]
        return self

    def validate_end(self, field: DateField) -> None:
        """Refuse a range that ends before it starts."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("Til-datoen kan ikke være før fra-datoen."))
