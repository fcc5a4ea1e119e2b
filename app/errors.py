"""Friendly error pages in the user's language, never a traceback."""

from __future__ import annotations

from typing import TypeVar

from flask import Flask
from flask import Response
from flask import abort
from flask import current_app
from flask import make_response
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from app.extensions import db
from app.transactions import RETRY_AFTER_SECONDS
from app.transactions import DatabaseBusy
from app.transactions import is_locked

Found = TypeVar("Found")

ERROR_TEXTS = {
    400: (
        _l("Noe var galt med forespørselen"),
        _l("Nettleseren sendte noe vi ikke kunne tolke. Gå tilbake og prøv igjen."),
    ),
    403: (
        _l("Du har ikke tilgang"),
        _l("Kontoen din har ikke tilgang til denne siden. Spør en administrator i kommunen om tilgang."),
    ),
    404: (
        _l("Fant ikke siden"),
        _l("Siden finnes ikke, eller den er flyttet. Sjekk adressen, eller gå til forsiden."),
    ),
    405: (
        _l("Handlingen er ikke tillatt her"),
        _l("Denne adressen kan ikke brukes slik. Gå tilbake og bruk knappene på siden."),
    ),
    413: (
        _l("Innholdet er for stort"),
        _l("Det du sendte er større enn vi tar imot. Prøv med mindre innhold."),
    ),
    429: (
        _l("For mange forsøk"),
        _l("Du har prøvd for mange ganger på kort tid. Vent noen minutter og prøv igjen."),
    ),
    500: (
        _l("Noe gikk galt hos oss"),
        _l("Det oppstod en feil på serveren. Feilen er logget. Prøv igjen om litt."),
    ),
}

BUSY_TEXT = (
    _l("Mange bruker Laget akkurat nå"),
    _l("Det du sendte, ble ikke lagret. Vent et par sekunder og prøv igjen."),
)

# A guest (in a drill by its code, without an account) is not told about an account they do not have.
GUEST_403_TEXT = _l(
    "Denne siden er for innloggede brukere. Som gjest kan du bare se øvelsen du er med i. "
    "Har du en konto, kan du logge inn."
)

CSRF_TEXT = (
    _l("Skjemaet er utløpt"),
    _l("Skjemaet var for gammelt eller ble sendt fra et annet sted. Last siden på nytt og prøv igjen."),
)


def or_404(found: Found | None) -> Found:
    """What a loader found, or abort with 404 so a missing object never reaches a view as None."""
    if found is None:
        abort(404)
    return found


def render_error(code: int, title: str, message: str) -> Response:
    """Render the shared error page with a status code."""
    return make_response(render_template("errors/error.html", code=code, title=title, message=message), code)


def _handle_http_error(error: HTTPException) -> HTTPException | Response:
    """Show our own page for the codes we have text for and pass any other code through."""
    if error.code not in ERROR_TEXTS:
        return error
    if error.code == 403:
        current_app.logger.warning(
            "access denied", extra={"event": "access_denied", "user_id": current_user.get_id()}
        )
    title, message = ERROR_TEXTS[error.code]
    if error.code == 403 and not current_user.is_authenticated:
        message = GUEST_403_TEXT
    response = render_error(error.code, str(title), str(message))
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _handle_csrf_error(error: CSRFError) -> Response:
    """Explain a failed CSRF check in words a user can act on."""
    current_app.logger.warning(
        "csrf check failed", extra={"event": "csrf_failed", "reason": error.description}
    )
    title, message = CSRF_TEXT
    return render_error(400, str(title), str(message))


def _handle_server_error(error: InternalServerError) -> Response:
    """Log the real exception and show a calm page instead of a traceback."""
    current_app.logger.error(
        "unhandled exception", exc_info=error.original_exception or error, extra={"event": "server_error"}
    )
    title, message = ERROR_TEXTS[500]
    return render_error(500, str(title), str(message))


def busy_response(response: Response) -> Response:
    """Mark a response as "overloaded, nothing stored": 503 with the time to wait before trying again."""
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _handle_busy(error: DatabaseBusy | OperationalError) -> Response:
    """Ask the person to try again when the database stayed locked; any other database error is a 500."""
    if isinstance(error, OperationalError) and not is_locked(error):
        raise error
    db.session.rollback()
    current_app.logger.warning("database busy", extra={"event": "database_busy"})
    title, message = BUSY_TEXT
    return busy_response(render_error(503, str(title), str(message)))


def register_error_handlers(app: Flask) -> None:
    """Attach the error pages to ``app``."""
    app.register_error_handler(DatabaseBusy, _handle_busy)
    app.register_error_handler(OperationalError, _handle_busy)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(InternalServerError, _handle_server_error)
    app.register_error_handler(HTTPException, _handle_http_error)
