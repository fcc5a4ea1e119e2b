"""What authors and reviewers do to authored scenarios: create, save, version, review, publish, retire.

Every change locks the scenario's row first (``lock_scenario``), so two tabs, or an author and a
reviewer, never interleave. Services flush but never commit; the view commits once.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import select

from app.authoring import access
from app.extensions import db
from app.models import Role
from app.models import ScenarioVersion
from app.models import User
from app.models import utcnow
from app.models.authoring import AuthoredScenario
from app.models.authoring import AuthoringState
from app.models.authoring import CoAuthor
from app.models.authoring import ReviewComment
from app.models.authoring import Sharing
from app.transactions import begin_write
from scenarios.check import check_source
from scenarios.parse import MAX_BYTES
from scenarios.parse import parse

STARTER = Path(__file__).with_name("starter.md")
# An upload beyond this is refused before it is read as text; the scenario format's own limit.
MAX_UPLOAD_BYTES = MAX_BYTES
MAX_TEXT_CHARS = MAX_BYTES
UNTITLED = "Scenario uten tittel"


class AuthoringError(Exception):
    """A request the scenario's state does not allow; ``reason`` names why, for the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NameTaken(AuthoringError):
    """The version's id or title is already another library scenario's: it would read as a twin."""

    def __init__(self, title: str, scenario_id: str) -> None:
        super().__init__("name_taken")
        self.title = title
        self.scenario_id = scenario_id


class StaleRevision(AuthoringError):
    """The text was saved from an older revision than the one stored: another tab got there first."""

    def __init__(self, current: int) -> None:
        super().__init__("stale")
        self.current = current


def starter_text() -> str:
    """The short, valid starter scenario a new author begins from."""
    return STARTER.read_text(encoding="utf-8")


def decode_upload(data: bytes) -> str:
    """Read an uploaded scenario file as UTF-8 text.

    :raise AuthoringError: "too_large" or "encoding".
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise AuthoringError("too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AuthoringError("encoding") from error
    if "\x00" in text:
        raise AuthoringError("encoding")
    return text.replace("\r\n", "\n")


_FRONT_KEY = re.compile(r"^(id|title):[ \t]*(.*?)[ \t]*$")


def renamed_as_copy(text: str) -> str:
    """The text with ``-kopi`` on its id and « (kopi)» on its title, so a copy never poses as its source.

    Only the top-level ``id:`` and ``title:`` lines of the front matter change; the rest stays as written.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
        match = _FRONT_KEY.match(lines[index])
        if match is None or not match.group(2):
            continue
        key, value = match.groups()
        quote = value[0] if value[0] in "'\"" and value.endswith(value[0]) and len(value) > 1 else ""
        bare = value[1:-1] if quote else value
        bare = f"{bare}-kopi" if key == "id" else f"{bare} (kopi)"
        lines[index] = f"{key}: {quote}{bare}{quote}"
    return "\n".join(lines)


def title_of(text: str) -> str:
    """The title the scenario's front matter gives, or a placeholder while it has none."""
    scenario = parse(text).scenario
    title = scenario.meta.title.strip() if scenario is not None else ""
    return (title or UNTITLED)[:200]


def lock_scenario(scenario: AuthoredScenario) -> AuthoredScenario:
    """Start a write transaction and lock the scenario's row, returning it freshly read under the lock."""
    scenario_id = scenario.id
    begin_write()
    query = (
        select(AuthoredScenario)
        .where(AuthoredScenario.id == scenario_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).one()


def create_scenario(owner: User, text: str) -> AuthoredScenario:
    """Start a new draft owned by ``owner`` with ``text`` as its working copy, errors and all."""
    begin_write()
    scenario = AuthoredScenario(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title=title_of(text),
        working_text=text[:MAX_TEXT_CHARS],
        revision=1,
        state=AuthoringState.DRAFT,
        sharing=Sharing.ORGANISATION,
    )
    db.session.add(scenario)
    db.session.flush()
    return scenario


def save_working_copy(scenario: AuthoredScenario, text: str, revision: int) -> AuthoredScenario:
    """Store the editor's text if it was based on the current revision, and bump the revision.

    :raise StaleRevision: when another tab saved after this one loaded the text.
    """
    scenario = lock_scenario(scenario)
    text = text.replace("\r\n", "\n")[:MAX_TEXT_CHARS]
    # The same text from an older revision overwrites nothing: typically this tab's own autosave
    # got there a moment before its «Lagre versjon».
    if revision != scenario.revision and text != scenario.working_text:
        raise StaleRevision(scenario.revision)
    if text != scenario.working_text:
        scenario.working_text = text
        scenario.title = title_of(text)
        scenario.revision += 1
        scenario.updated_at = utcnow()
    db.session.flush()
    return scenario


def _version_key(scenario: AuthoredScenario, number: int, text: str) -> str:
    """The stored version's unique hash: of its text, but also of where it belongs.

    ``sha256`` is unique across all versions, and two authors may well save the same text (a copy of a
    library scenario, say), so an authored version's hash names the scenario and number too.
    """
    return hashlib.sha256(f"authored/{scenario.public_id}/{number}\n{text}".encode()).hexdigest()


def save_version(scenario: AuthoredScenario, author: User, note: str = "") -> ScenarioVersion:
    """Store the working copy as the next numbered version, which never changes afterwards.

    :raise AuthoringError: "unchanged" when the text is the same as the newest version's.
    """
    scenario = lock_scenario(scenario)
    latest = scenario.version(scenario.latest_number)
    if latest is not None and latest.source == scenario.working_text:
        raise AuthoringError("unchanged")
    number = scenario.latest_number + 1
    text = scenario.working_text
    meta = parse(text).scenario
    version = ScenarioVersion(
        scenario_key=scenario.scenario_key,
        version=(meta.meta.version if meta else "")[:50] or str(number),
        title=scenario.title,
        source=text,
        sha256=_version_key(scenario, number, text),
        origin="authored",
        authored_scenario_id=scenario.id,
        number=number,
        created_by_id=author.id,
        note=note.strip()[:300] or None,
    )
    db.session.add(version)
    # Editing a published or retired scenario starts a new draft; the published version stays in the library.
    if scenario.state in (AuthoringState.PUBLISHED, AuthoringState.RETIRED):
        scenario.state = AuthoringState.DRAFT
    scenario.updated_at = utcnow()
    db.session.flush()
    return version


def _authors_of(scenario: AuthoredScenario) -> list[User]:
    """Active authors and admins of the scenario's organisation other than its owner."""
    query = (
        select(User)
        .where(
            User.organisation_id == scenario.organisation_id,
            User.id != scenario.owner_id,
            User.active.is_(True),
            User.role.in_([Role.AUTHOR, Role.ADMIN]),
        )
        .order_by(User.display_name, User.id)
    )
    return list(db.session.scalars(query))


def reviewers_for(scenario: AuthoredScenario) -> list[User]:
    """Whom the owner may ask to review: the organisation's other authors and admins, not its writers."""
    return [user for user in _authors_of(scenario) if user.id not in scenario.co_author_ids]


def co_author_candidates(scenario: AuthoredScenario) -> list[User]:
    """The organisation's authors the owner may invite to write along, not yet writing."""
    return [user for user in _authors_of(scenario) if user.id not in scenario.co_author_ids]


def add_co_author(scenario: AuthoredScenario, user: User) -> CoAuthor:
    """Let another author of the organisation write the scenario too.

    :raise AuthoringError: "co_author" when the person is not one of the candidates.
    """
    scenario = lock_scenario(scenario)
    if user.id not in {candidate.id for candidate in co_author_candidates(scenario)}:
        raise AuthoringError("co_author")
    if scenario.state == AuthoringState.REVIEW and scenario.reviewer_id == user.id:
        raise AuthoringError("co_author")
    co_author = CoAuthor(authored_scenario_id=scenario.id, user_id=user.id)
    db.session.add(co_author)
    db.session.flush()
    db.session.expire(scenario, ["co_authors"])
    return co_author


def remove_co_author(scenario: AuthoredScenario, user_id: int) -> AuthoredScenario:
    """Stop a co-author's access; the versions they saved stay, with their name."""
    scenario = lock_scenario(scenario)
    for co_author in scenario.co_authors:
        if co_author.user_id == user_id:
            db.session.delete(co_author)
    db.session.flush()
    db.session.expire(scenario, ["co_authors"])
    return scenario


def submit_for_review(scenario: AuthoredScenario, number: int, reviewer: User) -> AuthoredScenario:
    """Send a saved, error-free version to another author or an admin for review.

    :raise AuthoringError: "state", "no_version", "errors" or "reviewer".
    """
    scenario = lock_scenario(scenario)
    if scenario.state == AuthoringState.REVIEW:
        raise AuthoringError("state")
    version = scenario.version(number)
    if version is None:
        raise AuthoringError("no_version")
    result = check_source(version.source)
    if not result.ok or result.scenario is None:
        raise AuthoringError("errors")
    taken = name_taken_by(scenario, result.scenario.meta.id, result.scenario.meta.title)
    if taken is not None:
        raise NameTaken(taken, result.scenario.meta.id)
    if reviewer.id not in {user.id for user in reviewers_for(scenario)}:
        raise AuthoringError("reviewer")
    scenario.state = AuthoringState.REVIEW
    scenario.review_number = number
    scenario.reviewer_id = reviewer.id
    scenario.updated_at = utcnow()
    db.session.flush()
    return scenario


def name_taken_by(scenario: AuthoredScenario, scenario_id: str, title: str) -> str | None:
    """The title of a built-in or another published scenario with this id or title, if there is one."""
    wanted_title = title.strip().casefold()
    built_in = db.session.execute(
        select(ScenarioVersion.scenario_key, ScenarioVersion.title).where(ScenarioVersion.origin == "library")
    )
    for key, other_title in built_in:
        if key == scenario_id or other_title.strip().casefold() == wanted_title:
            return other_title
    published = db.session.scalars(
        select(ScenarioVersion)
        .join(AuthoredScenario, ScenarioVersion.authored_scenario_id == AuthoredScenario.id)
        .where(
            ScenarioVersion.number == AuthoredScenario.published_number,
            AuthoredScenario.id != scenario.id,
        )
    )
    for version in published:
        model = parse(version.source).scenario
        other_id = model.meta.id if model is not None else ""
        if other_id == scenario_id or version.title.strip().casefold() == wanted_title:
            return version.title
    return None


def add_comment(scenario: AuthoredScenario, user: User, line: int | None, body: str) -> ReviewComment:
    """Note a remark on a line of the version under review (or last reviewed).

    :raise AuthoringError: "forbidden", "no_version" or "no_line" (a line the version does not have).
    """
    scenario = lock_scenario(scenario)
    if not access.may_comment(user, scenario):
        raise AuthoringError("forbidden")
    version = scenario.version(scenario.review_number)
    if version is None:
        raise AuthoringError("no_version")
    lines = version.source.count("\n") + 1
    if line is not None and not 1 <= line <= lines:
        raise AuthoringError("no_line")
    comment = ReviewComment(
        authored_scenario_id=scenario.id,
        version_id=version.id,
        author_id=user.id,
        line=line,
        body=body.strip()[:4000],
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def _decide(scenario: AuthoredScenario, reviewer: User, decision: str, body: str) -> AuthoredScenario:
    """Record a reviewer's decision as a comment on the reviewed version."""
    if not access.may_review(reviewer, scenario):
        raise AuthoringError("forbidden")
    version = scenario.version(scenario.review_number)
    db.session.add(
        ReviewComment(
            authored_scenario_id=scenario.id,
            version_id=version.id,
            author_id=reviewer.id,
            line=None,
            body=body.strip()[:4000],
            decision=decision,
        )
    )
    return scenario


def approve(scenario: AuthoredScenario, reviewer: User, body: str = "") -> AuthoredScenario:
    """Publish the reviewed version: it replaces any earlier published one in the library.

    :raise AuthoringError: "forbidden" when the user may not review it (the owner never may).
    """
    scenario = lock_scenario(scenario)
    _decide(scenario, reviewer, "approved", body)
    scenario.published_number = scenario.review_number
    scenario.state = AuthoringState.PUBLISHED
    scenario.updated_at = utcnow()
    db.session.flush()
    return scenario


def send_back(scenario: AuthoredScenario, reviewer: User, body: str = "") -> AuthoredScenario:
    """Return the scenario to its owner as a draft; the comments stay with the reviewed version.

    :raise AuthoringError: "forbidden" when the user may not review it.
    """
    scenario = lock_scenario(scenario)
    _decide(scenario, reviewer, "sent_back", body)
    scenario.state = AuthoringState.DRAFT
    scenario.updated_at = utcnow()
    db.session.flush()
    return scenario


def set_sharing(scenario: AuthoredScenario, sharing: Sharing, user: User) -> AuthoredScenario:
    """Choose whose library gets the published version: the owner's organisation, or all.

    :raise AuthoringError: "forbidden" unless the user may share it; "share_all" when someone other
        than an administrator of its organisation chooses every organisation.
    """
    scenario = lock_scenario(scenario)
    if not access.may_share(user, scenario):
        raise AuthoringError("forbidden")
    if sharing == Sharing.ALL and not access.is_admin_of(user, scenario):
        raise AuthoringError("share_all")
    scenario.sharing = sharing
    scenario.updated_at = utcnow()
    db.session.flush()
    return scenario


def retire(scenario: AuthoredScenario) -> AuthoredScenario:
    """Take the scenario out of the library for new drills; drills already made keep their version.

    :raise AuthoringError: "state" when nothing of it is published.
    """
    scenario = lock_scenario(scenario)
    if scenario.published_number is None:
        raise AuthoringError("state")
    scenario.published_number = None
    scenario.review_number = None if scenario.state == AuthoringState.REVIEW else scenario.review_number
    scenario.state = AuthoringState.RETIRED
    scenario.updated_at = utcnow()
    db.session.flush()
    return scenario


def comments_for(scenario: AuthoredScenario, version: ScenarioVersion | None = None) -> list[ReviewComment]:
    """The comments on the scenario (on one version, if given), oldest first."""
    query = select(ReviewComment).where(ReviewComment.authored_scenario_id == scenario.id)
    if version is not None:
        query = query.where(ReviewComment.version_id == version.id)
    return list(db.session.scalars(query.order_by(ReviewComment.created_at, ReviewComment.id)))
