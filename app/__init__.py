"""The Laget web app: ``create_app`` wires configuration, extensions, blueprints and CLI together."""

from __future__ import annotations

import os
import secrets
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask import Response
from flask import request
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter

from app.errors import register_error_handlers
from app.extensions import babel
from app.extensions import csrf
from app.extensions import db
from app.extensions import login_manager
from app.extensions import migrate
from app.i18n import DEFAULT_LOCALE
from app.i18n import LOCALES
from app.i18n import install_template_gettext
from app.i18n import select_locale
from app.logs import configure_logging
from app.markdown import render_markdown
from app.sessions import CookieSessions
from app.transactions import WRITE_WAIT_MS
from app.transactions import install_transaction_control
from app.write_gate import GatedConnection
from app.write_gate import database_file
from app.write_gate import gate_for

REPO_ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = (
    # Images may also be embedded in scenario text (data: URIs of raster types; see scenarios.images).
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'self'; form-action 'self'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Same-origin keeps invitation tokens in URLs away from other sites, while Flask-WTF's HTTPS
    # referrer check still sees our own pages.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# The largest id a database integer column holds (PostgreSQL's and SQLite's 32-bit-safe range).
MAX_DATABASE_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """An ``<int:…>`` URL part that fits a database integer, so a huge number is a 404, never a 500."""

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None
    ) -> None:
        super().__init__(map, fixed_digits, min, MAX_DATABASE_INT if max is None else max)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a configured Laget app; ``test_config`` overrides everything else."""
    app = Flask(__name__, instance_relative_config=True, static_folder=str(REPO_ROOT / "static"))
    app.url_map.converters["int"] = DatabaseIntConverter
    app.session_interface = CookieSessions()
    app.config.from_mapping(_defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("LAGET")
    else:
        app.config.from_mapping(test_config)
    _finish_config(app)

    configure_logging(app)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)

    _gate_sqlite_writes(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, default_locale=DEFAULT_LOCALE, locale_selector=select_locale)
    install_template_gettext(app)
    if not event.contains(Engine, "connect", _set_sqlite_pragmas):
        event.listen(Engine, "connect", _set_sqlite_pragmas)
    install_transaction_control()

    # Imported here so that importing ``app`` never drags in every view (and no import cycles form).
    from app.admin.views import bp as admin_bp
    from app.audit.views import bp as audit_bp
    from app.auth.mfa_pages import bp as mfa_bp
    from app.auth.password_pages import bp as passwords_bp
    from app.auth.views import bp as auth_bp
    from app.authoring.views import bp as authoring_bp
    from app.debrief.views import bp as debrief_bp
    from app.drills.views import bp as drills_bp
    from app.facilitate.session_views import bp as sessions_bp
    from app.facilitate.views import bp as facilitate_bp
    from app.learning.views import bp as learning_bp
    from app.lti.admin_views import bp as lti_admin_bp
    from app.lti.views import bp as lti_bp
    from app.main.views import bp as main_bp
    from app.observing.views import bp as observing_bp
    from app.oidc import providers as oidc_providers
    from app.oidc.views import bp as oidc_bp
    from app.participation.views import bp as participation_bp
    from app.privacy.views import bp as privacy_bp
    from app.solo.views import bp as solo_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(passwords_bp)
    app.register_blueprint(mfa_bp)
    app.register_blueprint(oidc_bp)
    oidc_providers.init_app(app)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(drills_bp)
    app.register_blueprint(participation_bp)
    app.register_blueprint(facilitate_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(debrief_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(solo_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(observing_bp)
    app.register_blueprint(lti_bp)
    app.register_blueprint(lti_admin_bp)

    register_error_handlers(app)
    app.after_request(_set_response_headers)
    app.context_processor(_template_context)
    _register_template_helpers(app)
    return app


def _defaults(instance_path: str) -> dict[str, Any]:
    """Return the built-in configuration, overridden by instance config, environment and tests."""
    return {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SCENARIO_LIBRARY": str(REPO_ROOT / "scenarios" / "library"),
        "COURSE_LIBRARY": str(REPO_ROOT / "courses" / "library"),
        "LOG_LEVEL": "INFO",
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "SESSION_COOKIE_NAME": "laget_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        # Absolute session lifetime (ASVS 7.3.2), checked in the auth blueprint.
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=12),
        # Staff sessions end after this many minutes without a request (ASVS 7.3.1); see app/auth/idle.py.
        "IDLE_TIMEOUT_MINUTES": 60,
        # Drill pages stay open for hours; the token is bound to the session instead of a clock.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
        # RFC 9106 low-memory profile (argon2-cffi's default): Argon2id, t=3, m=64 MiB, p=4.
        "ARGON2_PARAMS": {"time_cost": 3, "memory_cost": 65536, "parallelism": 4},
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
        # Failed logins within LOGIN_FAILURE_WINDOW before each try must wait (app/auth/throttle.py).
        "LOGIN_FAILURES_PER_ACCOUNT": 5,
        # Generous, because a whole venue of participants may share one NAT address.
        "LOGIN_FAILURES_PER_IP": 100,
        # The longest wait, in seconds, per account and per address; delays double up to these.
        "LOGIN_ACCOUNT_MAX_DELAY": 300,
        "LOGIN_ADDRESS_MAX_DELAY": 15,
        # Wrong join codes per IP address within LOGIN_FAILURE_WINDOW before each join must wait (429).
        # Generous, since a training day shares one address; the code space (32^6) makes guessing
        # hopeless at this rate.
        "JOIN_FAILURES_PER_IP": 200,
        # Successful joins per IP address within LOGIN_FAILURE_WINDOW before each join must wait: a
        # training day of 190 teams of four behind one NAT address stays under it.
        "JOINS_PER_IP": 1000,
        # Seats in one drill (one team): more than any scenario's roles plus observers, fewer than a flood.
        "JOIN_SEATS_PER_DRILL": 20,
        "INVITATION_LIFETIME": timedelta(days=7),
        # Number of trusted proxies in front of the app setting X-Forwarded-For/-Proto; 0 trusts none.
        "PROXY_FIX_X_FOR": 0,
        # Outgoing e-mail (password reset links); without a host and sender no mail is sent.
        "SMTP_HOST": "",
        "SMTP_PORT": 587,
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": True,
        "MAIL_FROM": "",
        # A password reset link works once, within this time.
        "PASSWORD_RESET_LIFETIME": timedelta(minutes=30),
        # Days the audit trail keeps a record before ``laget retention run`` deletes it.
        "AUDIT_RETENTION_DAYS": 365,
        # Months after a drill ends before ``laget retention run`` replaces its participants' names.
        "RETENTION_MONTHS": 12,
        # xAPI: the LRS's endpoint (…/xAPI/) turns statements on; the base IRI names people and
        # activities (docs/xapi-profile.md) and must stay the same for the installation's lifetime.
        "XAPI_ENDPOINT": None,
        "XAPI_USERNAME": None,
        "XAPI_PASSWORD": None,
        "XAPI_BASE_IRI": None,
        "XAPI_TIMEOUT": 10,
        "XAPI_BATCH": 50,
        "XAPI_SEND_INTERVAL": 5,
        # OpenID Connect providers (Feide, ID-porten) by key; see app/oidc/providers.py and the README.
        "OIDC_PROVIDERS": {},
        # LTI 1.3 (app/lti): a retired signing key stays in our JWKS this long; a login must be
        # answered by a launch within LTI_LOGIN_LIFETIME and is forgotten after LTI_LOGIN_KEEP.
        # ``laget serve`` sends due scores every LTI_SEND_INTERVAL seconds (0: only ``laget lti send``).
        "LTI_KEY_OVERLAP": timedelta(days=7),
        "LTI_LOGIN_LIFETIME": timedelta(minutes=10),
        "LTI_LOGIN_KEEP": timedelta(days=1),
        "LTI_TIMEOUT": 10,
        "LTI_SEND_INTERVAL": 5,
    }


def _database_url(instance_path: str) -> str:
    """Read ``DATABASE_URL`` and steer PostgreSQL URLs to the psycopg 3 driver we ship."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'laget.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


DURATION_KEYS = (
    "SESSION_ABSOLUTE_LIFETIME",
    "LOGIN_FAILURE_WINDOW",
    "INVITATION_LIFETIME",
    "PASSWORD_RESET_LIFETIME",
    "LTI_KEY_OVERLAP",
    "LTI_LOGIN_LIFETIME",
    "LTI_LOGIN_KEEP",
)


def _finish_config(app: Flask) -> None:
    """Derive settings that depend on others: the secret key, the cookie name and the instance folder."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    for key in DURATION_KEYS:
        # Environment variables arrive as numbers (seconds); the code works with timedeltas.
        if isinstance(app.config[key], int | float):
            app.config[key] = timedelta(seconds=app.config[key])
    if app.config["XAPI_ENDPOINT"] and not app.config["XAPI_BASE_IRI"]:
        raise RuntimeError("XAPI_BASE_IRI must be set when XAPI_ENDPOINT is (see docs/xapi-profile.md)")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path) / "secret_key")
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and path=/.
    if app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == "laget_session":
        app.config["SESSION_COOKIE_NAME"] = "__Host-laget_session"


def _instance_secret_key(path: Path) -> str:
    """Read the instance's secret key, creating it once so sessions survive restarts without setup."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


def _gate_sqlite_writes(app: Flask) -> None:
    """Open SQLite connections as ``GatedConnection``s, so write transactions queue at the write gate."""
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["connect_args"] = {"factory": GatedConnection, **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _set_sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Tune each new SQLite connection for concurrent web use; other databases are left alone."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    if isinstance(dbapi_connection, GatedConnection) and (path := database_file(dbapi_connection)):
        dbapi_connection.gate = gate_for(path)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # SQLite's busy handler retries a blocked write for this long, then the request gets a 503.
    cursor.execute(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # SQLite's built-in lower() folds only ASCII; searching for "åse" must also find "Åse".
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value: Any) -> Any:
    """Lower-case text the way Python does, for SQLite's ``lower()``."""
    return value.lower() if isinstance(value, str) else value


def _set_response_headers(response: Response) -> Response:
    """Add the security headers, the content language and a no-store default to every response.

    A header the view set already is kept. One pass over the headers, since every poll comes here.
    """
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # Pages show personal and tenant data; keep them out of shared and back-button caches.
        if "cache-control" not in present:
            headers.add("Cache-Control", "no-store")
        if "content-language" not in present:
            headers.add("Content-Language", str(get_locale() or DEFAULT_LOCALE))
    return response


def _register_template_helpers(app: Flask) -> None:
    """Give templates the Markdown filter for author text, the score format and the drill wording helpers."""
    from app.auth.passwords import password_hint
    from app.debrief import words
    from app.debrief.screens import score_text
    from app.drills import wording

    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(score_text, "score")
    app.add_template_filter(words.say, "say")
    for name, helper in words.template_helpers().items():
        app.add_template_global(helper, name)
    app.add_template_global(password_hint, "password_hint")
    app.add_template_global(wording.day_label, "day_label")
    app.add_template_global(wording.waiting_text, "waiting_text")
    app.add_template_global(wording.duration, "duration")
    app.add_template_global(wording.rating_label, "rating_label")
    app.add_template_global(wording.status_label, "status_label")
    app.add_template_global(wording.total_rating_label, "total_rating_label")
    app.add_template_global(wording.dimension_label, "dimension_label")


def _template_context() -> dict[str, Any]:
    """Give every template the current language code and the list of languages."""
    return {"current_locale": str(get_locale() or DEFAULT_LOCALE), "locales": LOCALES}
