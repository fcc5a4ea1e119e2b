"""Unit leaders: who leads which unit, and the form admins choose that with on a person's admin page."""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import delete
from sqlalchemy import select
from wtforms import SelectChoice
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

from app.extensions import db
from app.i18n import gettext as _
from app.models import Unit
from app.models import User
from app.models.learning import UnitLeader
from app.transactions import begin_write


class UnitLeaderForm(FlaskForm):
    """The units a person leads; the choices are the organisation's units, so others fail validation."""

    units = SelectMultipleField(
        _l("Enhetsleder for"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def led_unit_ids(user: User) -> set[int]:
    """The ids of the units ``user`` leads."""
    return set(db.session.scalars(select(UnitLeader.unit_id).where(UnitLeader.user_id == user.id)))


def unit_leader_form(user: User, formdata: bool = False) -> UnitLeaderForm:
    """The unit-leader form for ``user``: their organisation's units, ticked where they lead or as posted."""
    form = (
        UnitLeaderForm() if formdata else UnitLeaderForm(units=[str(i) for i in sorted(led_unit_ids(user))])
    )
    form.units.choices = [SelectChoice(str(unit.id), unit.name) for unit in user.organisation.units]
    return form


def set_led_units(user: User, units: list[Unit]) -> User:
    """Make ``user`` leader of exactly ``units`` of their own organisation, adding and removing rows."""
    begin_write()
    wanted = {unit.id for unit in units if unit.organisation_id == user.organisation_id}
    current = led_unit_ids(user)
    if current - wanted:
        db.session.execute(
            delete(UnitLeader).where(
                UnitLeader.user_id == user.id, UnitLeader.unit_id.in_(sorted(current - wanted))
            )
        )
    for unit_id in sorted(wanted - current):
        db.session.add(UnitLeader(user_id=user.id, unit_id=unit_id))
    db.session.flush()
    return user


def saved_message(user: User, units: list[Unit]) -> str:
    """Say what the admin just saved as a plain sentence: who leads which units now, or none."""
    if not units:
        return _("Lagret: %(name)s leder ingen enheter nå.", name=user.display_name)
    names = format_list([unit.name for unit in units], locale=str(get_locale() or "nb"))
    return _("Lagret: %(name)s leder nå %(units)s.", name=user.display_name, units=names)
