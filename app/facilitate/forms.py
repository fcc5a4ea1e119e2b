"""Forms the facilitator uses: creating drills, casting roles, the scene timer, and test drills."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import AnyOf
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp

from app.facilitate.services import MAX_TEAMS
from app.facilitate.services import MAX_TIMER_MINUTES
from app.facilitate.services import PLAY_MYSELF
from scenarios.play import MAX_MESSAGE_LENGTH

KEY_PATTERN = r"^[0-9a-f]{32}$"


class CreateDrillForm(FlaskForm):
    """Which scenario, what the team is called, and how many teams play it at once."""

    # Choices are the library's newest versions, filled in by the view.
    scenario = RadioField(_l("Scenario"), choices=[], validators=[InputRequired(_l("Velg et scenario."))])
    team_name = StringField(
        _l("Navn på laget"),
        validators=[
            InputRequired(_l("Gi laget et navn, for eksempel «Nordbyen skole».")),
            Length(max=90, message=_l("Navnet kan ha høyst %(max)d tegn.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    teams = IntegerField(
        _l("Antall lag"),
        default=1,
        validators=[
            InputRequired(_l("Skriv hvor mange lag som skal spille.")),
            NumberRange(min=1, max=MAX_TEAMS, message=_l("Velg mellom %(min)s og %(max)s lag.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_TEAMS},
    )
    session_name = StringField(
        _l("Navn på økten (når det er flere lag)"),
        validators=[Optional(), Length(max=100, message=_l("Navnet kan ha høyst %(max)d tegn."))],
        render_kw={"autocomplete": "off"},
    )


class TimerForm(FlaskForm):
    """Minutes the current scene gets from now; empty or 0 removes the timer."""

    minutes = IntegerField(
        _l("Minutter igjen i scenen"),
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_TIMER_MINUTES, message=_l("Velg mellom %(min)s og %(max)s minutter.")),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_TIMER_MINUTES},
    )


class AdvanceForm(FlaskForm):
    """The scene the facilitator is closing, and a one-time key against double clicks."""

    scene = HiddenField(validators=[InputRequired(), Length(max=100)])
    key = HiddenField(validators=[InputRequired(), Regexp(KEY_PATTERN)])


class RolesOpenForm(FlaskForm):
    """Let participants take an open role themselves ("1"), or leave casting to the facilitator ("0")."""

    open = HiddenField(validators=[InputRequired(), AnyOf(["1", "0"])])


class TestMarkForm(FlaskForm):
    """Mark the drill as a test ("1") or let it count again ("0"); the button says which."""

    test = HiddenField(validators=[InputRequired(), AnyOf(["1", "0"])])


class DeleteDrillForm(FlaskForm):
    """Delete a test drill, once the facilitator has ticked that everything in it goes for good."""

    confirm = BooleanField(
        _l("Jeg forstår at øvelsen, hendelsene, debriefen og forbedringspunktene slettes for godt."),
        validators=[DataRequired(_l("Kryss av for at du forstår hva som slettes, så slettes øvelsen."))],
    )


def role_field_name(role_id: str) -> str:
    """The form field that holds the participant chosen for a role."""
    return f"role-{role_id}"


def assignment_choices(participants: list, own_seat_id: int | None) -> list[SelectChoice]:
    """The options for every role: nobody, each participant, or the facilitator."""
    choices = [SelectChoice("", _l("Ingen ennå"))]
    choices += [SelectChoice(str(p.id), p.display_name) for p in participants if p.id != own_seat_id]
    choices.append(SelectChoice(PLAY_MYSELF, _l("Spill selv")))
    return choices


class AssignmentForm(FlaskForm):
    """One select per role; the view adds the fields, since roles differ between scenarios."""


def assignment_form(
    roles: list, participants: list, holders: dict, own_seat_id: int | None
) -> AssignmentForm:
    """Build the role-casting form for a drill, preselecting who plays what now."""

    class DrillAssignmentForm(AssignmentForm):
        pass

    choices = assignment_choices(participants, own_seat_id)
    for role in roles:
        holder = holders.get(role.id)
        current = (
            PLAY_MYSELF
            if holder is not None and holder.id == own_seat_id
            else str(holder.id if holder else "")
        )
        field = SelectField(role.name, choices=choices, default=current, validate_choice=True)
        setattr(DrillAssignmentForm, role_field_name(role.id), field)
    return DrillAssignmentForm()


class SessionControlForm(FlaskForm):
    """A session-wide button (start all, pause all, resume all); only the CSRF token is posted."""


class BroadcastForm(FlaskForm):
    """The facilitator's own message to all or chosen teams and roles, with a key against double sends."""

    text = TextAreaField(
        _l("Melding"),
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            DataRequired(_l("Skriv meldingen som skal sendes.")),
            Length(max=MAX_MESSAGE_LENGTH, message=_l("Meldingen kan ha høyst %(max)d tegn.")),
        ],
    )
    teams = SelectMultipleField(_l("Lag (ingen valgt: alle lag)"), choices=[], validate_choice=True)
    roles = SelectMultipleField(_l("Roller (ingen valgt: alle roller)"), choices=[], validate_choice=True)
    key = HiddenField(validators=[InputRequired(), Regexp(KEY_PATTERN)])


class CoFacilitatorForm(FlaskForm):
    """A colleague of the same organisation who will share the console of the session's drills."""

    user = SelectField(
        _l("Medfasilitator"),
        choices=[],
        validators=[InputRequired(_l("Velg en kollega."))],
        validate_choice=True,
    )
