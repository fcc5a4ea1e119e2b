"""Set-up steps that belong to installation, not to app start: vendoring htmx and compiling translations.

``laget setup`` runs both; ``laget serve`` runs whichever is missing. Neither is ever called by
``create_app``, so importing or testing the app never reaches the network.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# One pinned major version (htmx 2; htmx 4 changes attribute syntax), fetched from the npm registry.
HTMX_PACKAGE = "htmx.org"
HTMX_VERSION = "2.0.11"
# The SHA-256 of dist/htmx.min.js in that release, so a tampered download is refused.
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


class SetupError(Exception):
    """A set-up step could not finish; the message says what to do."""


def htmx_file(static_folder: Path) -> Path:
    """Where the vendored htmx is served from."""
    return static_folder / "vendor" / "htmx.min.js"


def htmx_installed(static_folder: Path) -> bool:
    """Tell whether the pinned htmx release is already in place."""
    target = htmx_file(static_folder)
    return target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == HTMX_SHA256


def install_htmx(static_folder: Path, work_dir: Path) -> Path:
    """Install the pinned htmx with npm into ``work_dir`` and copy its minified file into static/vendor."""
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError("npm ble ikke funnet. Installer Node.js og npm, og kjør `laget setup` på nytt.")
    work_dir.mkdir(parents=True, exist_ok=True)
    command = [
        npm, "install", "--prefix", str(work_dir), "--no-audit", "--no-fund", "--ignore-scripts",
        "--save-exact", f"{HTMX_PACKAGE}@{HTMX_VERSION}",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SetupError(f"npm install feilet:\n{result.stderr.strip()}")
    package = work_dir / "node_modules" / HTMX_PACKAGE
    version = json.loads((package / "package.json").read_text())["version"]
    source = package / "dist" / "htmx.min.js"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if version != HTMX_VERSION or digest != HTMX_SHA256:
        raise SetupError(
            f"Uventet htmx fra npm (versjon {version}, sha256 {digest}); filen er ikke tatt i bruk."
        )
    target = htmx_file(static_folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _catalogues(translations: Path) -> list[tuple[Path, Path]]:
    """Pair every .po catalogue with the .mo file compiled from it."""
    return [(po, po.with_suffix(".mo")) for po in sorted(translations.glob("*/LC_MESSAGES/*.po"))]


def translations_compiled(translations: Path) -> bool:
    """Tell whether every catalogue has a compiled file at least as new as its source."""
    return all(
        mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime for po, mo in _catalogues(translations)
    )


def compile_translations(translations: Path) -> list[Path]:
    """Compile each .po catalogue into the .mo file gettext reads, as ``pybabel compile`` would."""
    compiled = []
    for po, mo in _catalogues(translations):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalogue, use_fuzzy=False)
        compiled.append(mo)
    return compiled
