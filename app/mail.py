"""Sending e-mail through the SMTP server the operator configures (``LAGET_SMTP_*``, ``LAGET_MAIL_FROM``).

Messages are handed to a short-lived thread, so a page answers as fast whether or not it sent mail
(the reset page must not reveal which addresses have accounts) and a slow server never holds a worker.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from email.message import EmailMessage
from logging import Logger
from typing import Any

from flask import current_app


def mail_configured() -> bool:
    """Tell whether an SMTP server and a sender address are configured."""
    return bool(current_app.config.get("SMTP_HOST") and current_app.config.get("MAIL_FROM"))


def send_mail(to: str, subject: str, body: str) -> threading.Thread:
    """Send one plain-text message in the background and return the thread doing it."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    settings = {key: config.get(key) for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD")}
    settings["SMTP_STARTTLS"] = config.get("SMTP_STARTTLS")
    thread = threading.Thread(
        target=_deliver, args=(settings, message, current_app.logger), name="laget-mail", daemon=True
    )
    thread.start()
    return thread


def _deliver(settings: dict[str, Any], message: EmailMessage, logger: Logger) -> None:
    """Talk SMTP (STARTTLS and login when configured); failures are logged without the message body."""
    try:
        with smtplib.SMTP(settings["SMTP_HOST"], int(settings["SMTP_PORT"]), timeout=10) as smtp:
            if settings["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if settings["SMTP_USER"]:
                smtp.login(settings["SMTP_USER"], settings["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        logger.error("mail not sent", extra={"event": "mail_failed", "reason": type(error).__name__})
