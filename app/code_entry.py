"""The answer every page that takes a code (join, observe) gives an address that guessed too often."""

from __future__ import annotations

from flask import Response
from flask import make_response
from flask import render_template
from flask import request
from flask_wtf import FlaskForm

from app.auth.throttle import join_wait
from app.i18n import ngettext


def too_many_tries(form: FlaskForm, template: str) -> Response | None:
    """A 429 with Retry-After and the wait in words on the code field, or None when the address may try."""
    wait = join_wait(request.remote_addr or "?")
    if not wait:
        return None
    form.code.errors.append(
        ngettext(
            "For mange forsøk fra denne adressen. Vent %(num)d sekund og prøv igjen.",
            "For mange forsøk fra denne adressen. Vent %(num)d sekunder og prøv igjen.",
            wait,
        )
    )
    response = make_response(render_template(template, form=form), 429)
    response.headers["Retry-After"] = str(wait)
    return response
