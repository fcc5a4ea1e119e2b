"""The ``laget`` command: serve the app, set it up, and manage accounts and the database."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup
from flask_babel import force_locale
from flask_migrate import upgrade

from app import REPO_ROOT
from app import create_app
from app import serving
from app.admin import services as admin_services
from app.auth.passwords import password_problem
from app.extensions import db
from app.install import SetupError
from app.install import compile_translations
from app.install import htmx_installed
from app.install import install_htmx
from app.install import translations_compiled
from app.library import SyncReport
from app.library import sync_library
from app.lti import grades as lti_grades
from app.lti import keys as lti_keys
from app.models import Organisation
from app.models import Role
from app.models import Unit
from app.models import User
from app.retention import run_retention
from app.transactions import begin_write
from app.xapi.outbox import deliver
from app.xapi.outbox import start_sender
from courses.cli import courses as courses_group
from scenarios.cli import scenarios as scenarios_group
from scoring.cli import score_command

DEMO_ORGANISATION = "Demo kommune"
DEMO_EMAIL = "fasilitator@demo-kommune.invalid"
NPM_WORK_DIR = REPO_ROOT / "build" / "npm"

cli = FlaskGroup(
    name="laget",
    create_app=create_app,
    help="Laget: samtrening for tverrfaglige team rundt barn.",
)
scenarios_group.add_command(score_command)
cli.add_command(scenarios_group)
cli.add_command(courses_group)


def _translations_dir() -> Path:
    """The folder Flask-Babel reads catalogues from."""
    return Path(current_app.root_path) / "translations"


def _run_setup(*, only_missing: bool) -> None:
    """Vendor htmx and compile translations, skipping what is already done when ``only_missing``."""
    static_folder = Path(current_app.static_folder or REPO_ROOT / "static")
    if not (only_missing and htmx_installed(static_folder)):
        click.echo("Henter htmx fra npm …")
        try:
            target = install_htmx(static_folder, NPM_WORK_DIR)
        except SetupError as error:
            raise click.ClickException(str(error)) from error
        click.secho(f"htmx er lagt i {target}", fg="green")
    if not (only_missing and translations_compiled(_translations_dir())):
        compiled = compile_translations(_translations_dir())
        click.secho(f"Kompilerte {len(compiled)} oversettelser.", fg="green")


@cli.command("setup")
@click.option("--if-missing", is_flag=True, help="Skip the steps that are already done.")
def setup_command(if_missing: bool) -> None:
    """Install the pinned htmx into static/vendor and compile the translations."""
    _run_setup(only_missing=if_missing)


def _create_demo_account() -> tuple[str, str] | None:
    """On the very first start, create a demo municipality and facilitator so there is a way in."""
    if db.session.scalar(db.select(User.id).limit(1)) is not None:
        return None
    organisation = Organisation.by_slug(admin_services.slugify(DEMO_ORGANISATION))
    organisation = organisation or admin_services.create_organisation(DEMO_ORGANISATION)
    password = secrets.token_urlsafe(15)
    admin_services.create_user(organisation, DEMO_EMAIL, "Demo-fasilitator", Role.FACILITATOR, password)
    db.session.commit()
    return DEMO_EMAIL, password


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=serving.default_workers,
    show_default="one per core",
    type=click.IntRange(min=1),
    help="Worker processes; each serves any drill, since all live state is in the database.",
)
@click.option(
    "--threads",
    default=serving.DEFAULT_THREADS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads per worker process.",
)
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    """Upgrade the database, finish any missing set-up, and serve Laget with gunicorn."""
    upgrade()
    _report_sync(sync_library())
    db.session.commit()
    try:
        _run_setup(only_missing=True)
    except click.ClickException as error:
        # Every page works without htmx (plain forms and links), so a missing npm must not stop a server.
        click.secho(f"Advarsel: {error.message} Laget starter uten htmx.", fg="yellow", err=True)
    if demo := _create_demo_account():
        email, password = demo
        click.secho("Første oppstart: laget «Demo kommune» og en fasilitator-konto.", bold=True)
        click.echo(f"  E-post:  {email}")
        _show_demo_password(password)
        click.echo(
            "Lag en administrator med: laget users create --role admin "
            f"--org {admin_services.slugify(DEMO_ORGANISATION)} --email … --name …"
        )
    # The workers open their own connections after the fork; none of this process's may cross over.
    db.session.remove()
    db.engine.dispose()
    # The gunicorn master sends the xAPI queue; workers forked later never touch its connections.
    if start_sender(current_app._get_current_object(), current_app.config["XAPI_SEND_INTERVAL"]):
        click.echo(f"xAPI-utsagn sendes til {current_app.config['XAPI_ENDPOINT']} i bakgrunnen.")
    # Scores for LTI platforms go the same way; with no platform registered a round reads one index.
    if current_app.config["LTI_SEND_INTERVAL"]:
        lti_grades.start_sender(current_app._get_current_object())
    where = f"http://{host}:{port}/ med {workers} prosesser à {threads} tråder"
    click.secho(f"Laget kjører på {where}.", fg="green")
    serving.serve(create_app, host, port, workers, threads)


DEMO_PASSWORD_FILE = "demo-passord.txt"


def _show_demo_password(password: str) -> None:
    """Show the demo password on a terminal only; a server's captured output (its log) gets a file path.

    Output that is not a terminal usually ends up in a log (systemd, Docker, CI), where a password
    would stay readable; the file in the instance folder is readable by the server's user only.
    """
    if sys.stdout.isatty():
        click.echo(f"  Passord: {password}")
        click.secho("Passordet vises bare denne ene gangen. Noter det nå.", fg="yellow")
        return
    path = Path(current_app.instance_path) / DEMO_PASSWORD_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(password + "\n")
    click.echo(
        f"  Passord: står i {path} (bare lesbar for denne brukeren). Slett fila når du har notert det."
    )


def _report_sync(report: SyncReport) -> None:
    """Say which scenarios were loaded and which were left out, and why."""
    for version in report.added:
        click.secho(
            f"La inn scenariet «{version.title}» ({version.scenario_key} {version.version}).", fg="green"
        )
    for name, problems in report.skipped.items():
        click.secho(
            f"Lastet ikke {name}: scenariet har feil (se `laget scenarios check`).", fg="yellow", err=True
        )
        for problem in problems:
            click.echo(f"  {problem}", err=True)


@cli.group("library")
def library_group() -> None:
    """Load the built-in scenarios into the database as pinned versions."""


@library_group.command("sync")
def library_sync_command() -> None:
    """Store a version of every scenario file in SCENARIO_LIBRARY whose text is new."""
    report = sync_library()
    db.session.commit()
    _report_sync(report)
    click.echo(
        f"{len(report.added)} nye, {len(report.unchanged)} uendret, {len(report.skipped)} ikke lastet "
        f"(fra {current_app.config['SCENARIO_LIBRARY']})."
    )


@cli.group("users")
def users_group() -> None:
    """Manage accounts from the command line."""


@users_group.command("create")
@click.option("--email", required=True, help="The person's e-mail address (their login).")
@click.option("--name", required=True, help="The name shown to others.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.PARTICIPANT.value,
    show_default=True,
    help="The person's highest role.",
)
@click.option("--org", required=True, help="Organisation slug or name; created if it does not exist.")
@click.option(
    "--unit", default=None, help="Unit within the organisation (a school, PPT); created if missing."
)
@click.password_option(help="The password; asked for if not given.")
def create_user_command(email: str, name: str, role: str, org: str, unit: str | None, password: str) -> None:
    """Create an account in an organisation (and unit), creating those if needed."""
    # The command line has no request to pick a language from: the rule speaks bokmål here.
    with force_locale("nb"):
        problem = password_problem(password, name, email)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    organisation = Organisation.by_slug(admin_services.slugify(org))
    if organisation is None:
        organisation = admin_services.create_organisation(org)
        click.echo(f"Opprettet organisasjonen «{organisation.name}» ({organisation.slug}).")
    try:
        user = admin_services.create_user(organisation, email, name, Role(role), password)
    except admin_services.EmailTaken as error:
        raise click.ClickException(f"Det finnes allerede en konto for {email}.") from error
    if unit:
        user.unit = Unit.by_name(organisation, unit) or admin_services.create_unit(organisation, unit)
    db.session.commit()
    where = f"{organisation.name}, {user.unit.name}" if user.unit else organisation.name
    click.secho(f"Opprettet {user.email} som {role} i {where}.", fg="green")


@cli.group("retention")
def retention_group() -> None:
    """Delete data whose retention period has passed."""


@retention_group.command("run")
def retention_run_command() -> None:
    """Apply the retention rules once (run it daily, e.g. from cron or a systemd timer)."""
    report = run_retention()
    db.session.commit()
    config = current_app.config
    click.echo(
        f"Slettet {report.audit_events} oppføringer i revisjonsloggen eldre enn "
        f"{config['AUDIT_RETENTION_DAYS']} dager."
    )
    click.echo(
        f"Ga {report.seats_pseudonymised} deltakere i øvelser avsluttet for mer enn "
        f"{config['RETENTION_MONTHS']} måneder siden et pseudonym."
    )
    click.echo(
        f"Ga {report.observers_pseudonymised} observatører i øvelser avsluttet for mer enn "
        f"{config['RETENTION_MONTHS']} måneder siden et pseudonym."
    )
    click.echo(f"Slettet {report.reflections_deleted} refleksjoner fra slettede kontoer.")


@cli.group("xapi")
def xapi_group() -> None:
    """Deliver xAPI statements to the configured LRS (LAGET_XAPI_ENDPOINT)."""


@xapi_group.command("send")
def xapi_send_command() -> None:
    """Send every due statement in the outbox now; exit 1 if some could not be delivered."""
    if not current_app.config["XAPI_ENDPOINT"]:
        raise click.ClickException("Ingen LRS er satt opp (LAGET_XAPI_ENDPOINT).")
    delivery = deliver()
    click.echo(
        f"Sendt: {delivery.sent}, fantes fra før: {delivery.already_stored}, ikke levert: {delivery.failed}"
    )
    for error in delivery.errors:
        click.echo(error, err=True)
    if delivery.failed:
        raise SystemExit(1)


@cli.group("lti")
def lti_group() -> None:
    """LTI 1.3: Laget's signing keys and the scores waiting for the learning platforms."""


@lti_group.command("rotate-key")
def lti_rotate_key_command() -> None:
    """Sign with a new key from now on; the old one stays in the JWKS for LAGET_LTI_KEY_OVERLAP."""
    begin_write()
    key = lti_keys.rotate_key()
    db.session.commit()
    overlap = current_app.config["LTI_KEY_OVERLAP"]
    click.echo(f"Ny signeringsnøkkel: {key.kid}. Den gamle er publisert i {overlap} til.")


@lti_group.command("send")
def lti_send_command() -> None:
    """Send every due score to the platforms now; exit 1 if some could not be delivered."""
    delivery = lti_grades.deliver()
    click.echo(f"Sendt: {delivery.sent}, ikke levert: {delivery.failed}")
    for error in delivery.errors:
        click.echo(error, err=True)
    if delivery.failed:
        raise SystemExit(1)
