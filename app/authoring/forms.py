"""Forms of the authoring workspace: creating, editing, versioning, reviewing and sharing scenarios."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.authoring import services
from app.authoring.queries import my_scenarios
from app.authoring.services import MAX_TEXT_CHARS
from app.i18n import gettext as _
from app.library import library_versions
from app.models import ScenarioVersion
from app.models import User
from app.models.authoring import AuthoredScenario
from app.models.authoring import Sharing
from scenarios.check import check_source

# No scenario of at most 5 MB has more lines than this; a bigger number is refused before any query.
MAX_LINE = MAX_TEXT_CHARS


class TemplateForm(FlaskForm):
    """Start from the starter scenario; nothing to fill in but the button."""


class CopyForm(FlaskForm):
    """Start from a copy of a library scenario or one of my own; the view fills in the choices."""

    source = SelectField(
        _l("Scenario å kopiere"), choices=[], validators=[InputRequired(_l("Velg et scenario."))]
    )


# Browsers label a .md file in different ways; anything else (an image, a PDF, a Word file) is refused.
MARKDOWN_TYPES = {"text/markdown", "text/x-markdown", "text/plain", "application/octet-stream", ""}


def markdown_file(form: FlaskForm, field: FileField) -> None:
    """Accept only a file named .md or .markdown that the browser sends as text (or as unknown bytes)."""
    upload = field.data
    name = (upload.filename or "").casefold()
    kind = (upload.mimetype or "").casefold()
    if not name.endswith((".md", ".markdown")) or kind not in MARKDOWN_TYPES:
        raise ValidationError(
            _("Velg en Markdown-fil som slutter på .md eller .markdown. Andre filtyper kan ikke lastes inn.")
        )


class ImportForm(FlaskForm):
    """Upload a scenario written elsewhere as a Markdown file."""

    file = FileField(
        _l("Scenariofil (.md)"), validators=[FileRequired(_l("Velg en fil å laste opp.")), markdown_file]
    )


class EditorForm(FlaskForm):
    """The working copy, the revision it was loaded at, and an optional note for a saved version."""

    text = TextAreaField(
        _l("Scenarioteksten"),
        validators=[Length(max=MAX_TEXT_CHARS, message=_l("Teksten er for lang."))],
        render_kw={"spellcheck": "false", "autocapitalize": "off", "autocomplete": "off", "wrap": "off"},
    )
    revision = HiddenField(validators=[InputRequired()])
    note = StringField(
        _l("Hva er endret? (valgfritt)"),
        validators=[Length(max=300, message=_l("Notatet kan ha høyst %(max)d tegn."))],
        render_kw={"autocomplete": "off"},
    )


class PreviewForm(FlaskForm):
    """The text to check and which role's view of which scene to show."""

    text = TextAreaField(validators=[Length(max=MAX_TEXT_CHARS)])
    role = SelectField(_l("Rolle"), choices=[], validate_choice=False)
    scene = SelectField(_l("Scene"), choices=[], validate_choice=False)


class SubmitForm(FlaskForm):
    """Which saved version goes to review, and who reviews it."""

    version = SelectField(
        _l("Versjon"),
        choices=[],
        coerce=int,
        validators=[InputRequired(_l("Velg en lagret versjon uten feil."))],
    )
    reviewer = SelectField(
        _l("Hvem skal vurdere den?"),
        choices=[],
        validators=[InputRequired(_l("Velg hvem som skal vurdere."))],
    )


def _stripped(value: str | None) -> str | None:
    """Leading and trailing blanks removed, so a comment of spaces counts as empty."""
    return value.strip() if isinstance(value, str) else value


class CommentForm(FlaskForm):
    """A remark on one line (or on the whole version when the line is left empty)."""

    line = IntegerField(
        _l("Linje"),
        validators=[
            Optional(),
            NumberRange(min=1, message=_l("Linjenummeret må være 1 eller mer.")),
            NumberRange(max=MAX_LINE, message=_l("Linja finnes ikke i denne versjonen.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    body = TextAreaField(
        _l("Kommentar"),
        filters=[_stripped],
        validators=[
            DataRequired(_l("Skriv kommentaren.")),
            Length(max=4000, message=_l("Kommentaren kan ha høyst %(max)d tegn.")),
        ],
        render_kw={"rows": 3},
    )


class DecisionForm(FlaskForm):
    """Approve or send back, with a word to the author (required when sending back, checked in the view)."""

    body = TextAreaField(
        _l("Melding til forfatteren"),
        id="decision-body",
        validators=[Length(max=4000, message=_l("Meldingen kan ha høyst %(max)d tegn."))],
        render_kw={"rows": 2},
    )


class SharingForm(FlaskForm):
    """Whose library gets the published version."""

    sharing = RadioField(
        _l("Hvem skal finne scenariet i biblioteket?"),
        choices=[
            SelectChoice(Sharing.ORGANISATION.value, _l("Bare vår organisasjon")),
            SelectChoice(Sharing.ALL.value, _l("Alle organisasjoner i Laget")),
        ],
        validators=[InputRequired(_l("Velg hvem som skal få scenariet."))],
    )


class CoAuthorForm(FlaskForm):
    """Invite another author of the organisation to write along; the view fills in the choices."""

    user = SelectField(
        _l("Medforfatter"), choices=[], validators=[InputRequired(_l("Velg hvem som skal skrive med deg."))]
    )


class RemoveCoAuthorForm(FlaskForm):
    """Stop a co-author's access; a button and a CSRF token."""


class RetireForm(FlaskForm):
    """Take the scenario out of the library, once the owner has ticked that they understand what it does."""

    confirm = BooleanField(
        _l("Jeg forstår at scenariet forsvinner fra biblioteket, så ingen kan lage nye øvelser på det."),
        validators=[
            DataRequired(_l("Kryss av for at du forstår hva som skjer, så trekkes scenariet tilbake."))
        ],
    )


def copy_choices(user: User) -> list[SelectChoice]:
    """Scenarios an author may start from: the library (built-in and published) and their own."""
    library = [SelectChoice(f"v{v.id}", v.title) for v in library_versions(user.organisation_id)]
    own = [SelectChoice(f"s{s.public_id}", _("%(title)s (mitt)", title=s.title)) for s in my_scenarios(user)]
    return [SelectChoice("", _("Velg et scenario")), *library, *own]


def _people(users: list[User]) -> list[SelectChoice]:
    """A choice per person, after an empty "choose" option."""
    return [SelectChoice("", _("Velg"))] + [SelectChoice(str(u.id), u.display_name) for u in users]


def co_author_form(scenario: AuthoredScenario, fresh: bool = False) -> CoAuthorForm:
    """The invite form with the organisation's other authors as choices; ``fresh`` ignores posted data."""
    form = CoAuthorForm(formdata=None) if fresh else CoAuthorForm()
    form.user.choices = _people(services.co_author_candidates(scenario))
    return form


def submittable_versions(scenario: AuthoredScenario) -> list[ScenarioVersion]:
    """The saved versions without errors, newest first: the only ones a reviewer can be sent."""
    return [v for v in scenario.versions() if check_source(v.source).ok]


def submit_form(scenario: AuthoredScenario, fresh: bool = False) -> SubmitForm:
    """The review form with the error-free saved versions and the possible reviewers as choices."""
    form = SubmitForm(formdata=None) if fresh else SubmitForm()
    versions = submittable_versions(scenario)
    form.version.choices = [SelectChoice(v.number, _("Versjon %(n)d", n=v.number)) for v in versions]
    form.reviewer.choices = _people(services.reviewers_for(scenario))
    return form
