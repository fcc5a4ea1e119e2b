"""The author-facing sentence for each action the services refuse, by the reason they give."""

from __future__ import annotations

from flask import Response

from app.authoring.loading import back_to
from app.authoring.services import AuthoringError
from app.authoring.services import NameTaken
from app.extensions import db
from app.i18n import gettext as _
from app.models.authoring import AuthoredScenario

ERROR_TEXTS = {
    "too_large": lambda: _("Fila er for stor (høyst 5 MB)."),
    "encoding": lambda: _(
        "Fila kan ikke leses som tekst. Lagre den som UTF-8-tekst (Markdown, .md) og prøv igjen."
    ),
    "unchanged": lambda: _("Teksten er lik den siste versjonen, så ingen ny versjon ble lagret."),
    "state": lambda: _("Det går ikke i scenariets nåværende tilstand."),
    "no_version": lambda: _("Den versjonen finnes ikke."),
    "errors": lambda: _("Versjonen har feil. Rett feilene, lagre en ny versjon og send den."),
    "reviewer": lambda: _("Velg en annen forfatter eller en administrator i organisasjonen din."),
    "forbidden": lambda: _("Du kan ikke gjøre dette med scenariet."),
    "share_all": lambda: _(
        "Bare en administrator i organisasjonen kan dele et scenario med alle organisasjoner i Laget."
    ),
    "no_line": lambda: _("Linja finnes ikke i denne versjonen."),
    "co_author": lambda: _("Velg en annen forfatter i organisasjonen din, som ikke vurderer scenariet."),
}


def refusal_text(error: AuthoringError) -> str:
    """The sentence for a refused action; an unknown reason reads as the wrong state."""
    if isinstance(error, NameTaken):
        return _(
            "Id-en eller tittelen er den samme som for «%(title)s», som allerede er i biblioteket. "
            "Gi scenariet en egen id og tittel i toppteksten (for eksempel id: %(id)s-ny), "
            "lagre en ny versjon og send den.",
            title=error.title,
            id=error.scenario_id,
        )
    return ERROR_TEXTS.get(error.reason, ERROR_TEXTS["state"])()


def refused(scenario: AuthoredScenario, error: AuthoringError) -> Response:
    """Undo the refused action, say why, and go back to the scenario's overview."""
    db.session.rollback()
    return back_to(scenario, refusal_text(error), "error")
