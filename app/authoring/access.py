"""Who may read an authored scenario version: the contract the solo player and the library rely on."""

from __future__ import annotations

from app.models import ScenarioVersion
from app.models import User


def may_read_version(user: User, version: ScenarioVersion) -> bool:
    """Tell whether ``user`` may see and test-play ``version`` of an authored scenario."""
    # Library versions are for everyone; authored ones stay closed until authoring decides otherwise.
    return version.origin == "library"
