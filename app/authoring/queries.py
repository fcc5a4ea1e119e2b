"""Read-side queries of the workspace: my scenarios, the ones waiting for my review, texts I may copy."""

from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy import select

from app.authoring import access
from app.extensions import db
from app.library import library_versions
from app.models import Role
from app.models import ScenarioVersion
from app.models import User
from app.models.authoring import AuthoredScenario
from app.models.authoring import AuthoringState
from app.models.authoring import CoAuthor


def my_scenarios(user: User) -> list[AuthoredScenario]:
    """The scenarios the user owns or writes along on, most recently changed first."""
    co_written = select(CoAuthor.authored_scenario_id).where(CoAuthor.user_id == user.id)
    query = select(AuthoredScenario).where(
        or_(AuthoredScenario.owner_id == user.id, AuthoredScenario.id.in_(co_written))
    )
    return list(db.session.scalars(query.order_by(AuthoredScenario.updated_at.desc(), AuthoredScenario.id)))


def waiting_for(user: User) -> list[AuthoredScenario]:
    """Scenarios in review that the user is asked, or as administrator allowed, to review."""
    query = select(AuthoredScenario).where(
        AuthoredScenario.state == AuthoringState.REVIEW,
        AuthoredScenario.organisation_id == user.organisation_id,
        AuthoredScenario.owner_id != user.id,
    )
    if not user.has_role(Role.ADMIN):
        query = query.where(AuthoredScenario.reviewer_id == user.id)
    return list(db.session.scalars(query.order_by(AuthoredScenario.updated_at)))


def copy_source(user: User, value: str) -> str | None:
    """The text of the chosen scenario (``v<version id>`` or ``s<public id>``), if the user may read it."""
    if value.startswith("v") and value[1:].isdigit():
        version = db.session.get(ScenarioVersion, int(value[1:]))
        allowed = {v.id for v in library_versions(user.organisation_id)}
        return version.source if version is not None and version.id in allowed else None
    if value.startswith("s"):
        own = db.session.scalar(
            select(AuthoredScenario).where(
                AuthoredScenario.public_id == value[1:], AuthoredScenario.owner_id == user.id
            )
        )
        return own.working_text if own is not None else None
    return None


def version_to_try(user: User, scenario: AuthoredScenario) -> ScenarioVersion | None:
    """The version the overview offers to play: a writer's newest, a reviewer's the one they may play."""
    if access.may_edit(user, scenario):
        versions = scenario.versions()
        return versions[0] if versions else None
    return scenario.version(scenario.review_number or scenario.published_number)
