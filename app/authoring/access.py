"""Who may do what with an authored scenario: the contract the views, the solo player and the library rely on.

Inside the workspace a scenario belongs to its owner, who may invite co-authors to write it with
them; a reviewer (the one the owner asked, or an administrator of the organisation, but never one
of its writers) sees it while it is in review. Published versions are readable
by everyone whose library has them: the owner's organisation, or every organisation when shared
with all. Everything else answers "no", and the views turn that into a 404.
"""

from __future__ import annotations

from app.extensions import db
from app.models import Role
from app.models import ScenarioVersion
from app.models import User
from app.models.authoring import AuthoredScenario
from app.models.authoring import AuthoringState
from app.models.authoring import Sharing


def is_owner(user: User, scenario: AuthoredScenario) -> bool:
    """Only the owner submits, shares, retires and chooses the co-authors."""
    return scenario.owner_id == user.id


def may_share(user: User, scenario: AuthoredScenario) -> bool:
    """The owner chooses the sharing, and so may an administrator of its organisation who sees it."""
    return is_owner(user, scenario) or is_admin_of(user, scenario)


def is_admin_of(user: User, scenario: AuthoredScenario) -> bool:
    """Only an administrator of the owner's organisation shares a scenario with every organisation."""
    return user.has_role(Role.ADMIN) and user.organisation_id == scenario.organisation_id


def may_edit(user: User, scenario: AuthoredScenario) -> bool:
    """The owner and the co-authors write the text and save versions."""
    return is_owner(user, scenario) or user.id in scenario.co_author_ids


def is_reviewer(user: User, scenario: AuthoredScenario) -> bool:
    """The person asked to review, or an administrator of the organisation; never one of its writers."""
    if may_edit(user, scenario) or user.organisation_id != scenario.organisation_id:
        return False
    if not user.has_role(Role.AUTHOR):
        return False
    return scenario.reviewer_id == user.id or user.has_role(Role.ADMIN)


def may_view(user: User, scenario: AuthoredScenario) -> bool:
    """Its writers always; a reviewer while there is something of it to review or review comments to see.

    An administrator of its organisation also sees a published scenario, to decide who it is shared with.
    """
    if may_edit(user, scenario):
        return True
    if scenario.published_number is not None and is_admin_of(user, scenario) and user.has_role(Role.AUTHOR):
        return True
    return is_reviewer(user, scenario) and (
        scenario.state == AuthoringState.REVIEW or scenario.reviewer_id == user.id
    )


def may_review(user: User, scenario: AuthoredScenario) -> bool:
    """Approve or send back: a reviewer, while the scenario is in review."""
    return scenario.state == AuthoringState.REVIEW and is_reviewer(user, scenario)


def may_comment(user: User, scenario: AuthoredScenario) -> bool:
    """Comments on lines come from the reviewers while in review, and from the writers answering them."""
    return may_review(user, scenario) or (may_edit(user, scenario) and scenario.review_number is not None)


def in_library_of(user: User, scenario: AuthoredScenario) -> bool:
    """Whether the scenario's published version is in this user's library."""
    if scenario.published_number is None:
        return False
    return scenario.sharing == Sharing.ALL or scenario.organisation_id == user.organisation_id


def may_read_version(user: User, version: ScenarioVersion) -> bool:
    """Tell whether ``user`` may see and test-play ``version`` of an authored scenario."""
    if version.origin == "library":
        return True
    if version.authored_scenario_id is None or not user.is_authenticated:
        return False
    scenario = db.session.get(AuthoredScenario, version.authored_scenario_id)
    if scenario is None:
        return False
    if may_edit(user, scenario):
        return True
    if version.number == scenario.review_number and may_review(user, scenario):
        return True
    return version.number == scenario.published_number and in_library_of(user, scenario)
