"""The ``laget`` command: account creation, first start and set-up steps (without the network)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import cli as cli_module
from app import serving
from app.cli import cli
from app.extensions import db
from app.install import HTMX_VERSION
from app.install import SetupError
from app.install import compile_translations
from app.install import htmx_file
from app.install import htmx_installed
from app.install import install_htmx
from app.install import translations_compiled
from app.models import Organisation
from app.models import Role
from app.models import User

STRONG = "et langt og godt passord"


def _create(runner, *extra, email="ny@kommune.test", org="Bergen kommune", role="admin"):
    args = ["users", "create", "--email", email, "--name", "Kari", "--role", role, "--org", org, *extra]
    return runner.invoke(cli, args)


def test_users_create_makes_the_account_and_the_organisation(app, runner):
    result = _create(runner, "--password", STRONG)
    assert result.exit_code == 0, result.output
    assert "Opprettet organisasjonen «Bergen kommune» (bergen-kommune)" in result.output
    with app.app_context():
        user = User.by_email("ny@kommune.test")
        assert user.role is Role.ADMIN
        assert user.organisation.slug == "bergen-kommune"
        assert user.check_password(STRONG)


def test_users_create_reuses_an_organisation_by_slug_or_name(app, runner):
    assert _create(runner, "--password", STRONG).exit_code == 0
    assert _create(runner, "--password", STRONG, email="to@kommune.test", org="bergen-kommune").exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 1


def test_users_create_prompts_for_the_password(app, runner):
    result = runner.invoke(
        cli,
        ["users", "create", "--email", "p@kommune.test", "--name", "P", "--org", "Bodø"],
        input=f"{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert User.by_email("p@kommune.test").role is Role.PARTICIPANT


def test_users_create_refuses_duplicates_and_short_passwords(runner):
    assert _create(runner, "--password", STRONG).exit_code == 0
    duplicate = _create(runner, "--password", STRONG)
    assert duplicate.exit_code != 0
    assert "finnes allerede" in duplicate.output
    short = _create(runner, "--password", "kort", email="x@kommune.test")
    assert short.exit_code != 0
    assert "minst 12 tegn" in short.output


def test_serve_migrates_creates_the_demo_account_once_and_serves(app, runner, monkeypatch):
    served = []
    monkeypatch.setattr(cli_module, "_run_setup", lambda only_missing: None)
    monkeypatch.setattr(serving, "serve", lambda factory, *args: served.append(args))

    first = runner.invoke(cli, ["serve", "--port", "5099", "--workers", "3"])
    assert first.exit_code == 0, first.output
    assert cli_module.DEMO_EMAIL in first.output
    assert served == [("127.0.0.1", 5099, 3, 2)]
    # Not a terminal (as under systemd): the password goes to a private file, never to the output.
    password_file = Path(app.instance_path) / cli_module.DEMO_PASSWORD_FILE
    password = password_file.read_text().strip()
    assert password not in first.output and str(password_file) in first.output
    assert password_file.stat().st_mode & 0o777 == 0o600
    with app.app_context():
        demo = User.by_email(cli_module.DEMO_EMAIL)
        assert demo.role is Role.FACILITATOR
        assert demo.organisation.name == "Demo kommune"
        assert demo.check_password(password)

    second = runner.invoke(cli, ["serve"])
    assert second.exit_code == 0
    assert "Passord:" not in second.output


def test_scenarios_commands_are_part_of_laget():
    assert "scenarios" in cli.commands


def test_translations_compile_into_mo_files(tmp_path):
    catalogue = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hei"\nmsgstr "Hi"\n'
    )
    assert not translations_compiled(tmp_path)
    assert compile_translations(tmp_path) == [catalogue.with_suffix(".mo")]
    assert translations_compiled(tmp_path)


def test_htmx_check_refuses_a_missing_or_wrong_file(tmp_path):
    assert not htmx_installed(tmp_path)
    target = htmx_file(tmp_path)
    target.parent.mkdir(parents=True)
    target.write_text("not htmx")
    assert not htmx_installed(tmp_path)


def test_users_create_can_place_people_in_a_unit(app, runner):
    for email in ("a@kommune.test", "b@kommune.test"):
        result = _create(runner, "--password", STRONG, "--unit", "PPT", email=email)
        assert result.exit_code == 0, result.output
    assert "i Bergen kommune, PPT." in result.output
    with app.app_context():
        units = {User.by_email(email).unit_id for email in ("a@kommune.test", "b@kommune.test")}
        assert len(units) == 1 and None not in units


def test_serve_starts_without_htmx_when_npm_is_missing(app, runner, monkeypatch, tmp_path):
    served = []
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr(cli_module, "htmx_installed", lambda static_folder: False)
    monkeypatch.setattr(cli_module, "_translations_dir", lambda: tmp_path)
    monkeypatch.setattr(serving, "serve", lambda factory, *args: served.append(args))
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert "npm ble ikke funnet" in result.output
    # One worker process per core unless told otherwise.
    assert served == [("127.0.0.1", 5000, os.cpu_count(), 2)]


def test_setup_if_missing_skips_finished_steps(runner, monkeypatch):
    monkeypatch.setattr(cli_module, "htmx_installed", lambda static_folder: True)
    monkeypatch.setattr(cli_module, "translations_compiled", lambda path: True)
    monkeypatch.setattr(cli_module, "install_htmx", lambda *args: pytest.fail("htmx reinstalled"))
    result = runner.invoke(cli, ["setup", "--if-missing"])
    assert result.exit_code == 0
    assert result.output == ""


def test_install_htmx_refuses_a_file_that_does_not_match_the_pin(tmp_path, monkeypatch):
    fake_npm = tmp_path / "npm"
    fake_npm.write_text(
        "#!/bin/sh\n"
        'package="$3/node_modules/htmx.org"\n'
        'mkdir -p "$package/dist"\n'
        f'echo \'{{"version": "{HTMX_VERSION}"}}\' > "$package/package.json"\n'
        'echo "alert(1)" > "$package/dist/htmx.min.js"\n'
    )
    fake_npm.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    static = tmp_path / "static"
    with pytest.raises(SetupError, match="Uventet htmx"):
        install_htmx(static, tmp_path / "work")
    assert not htmx_file(static).exists()
