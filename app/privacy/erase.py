"""Erasing a person (GDPR art. 17) without breaking the teams they trained with, and the retention rules.

The account row stays as a pseudonym ("Slettet bruker 17", an address on ``slettet.invalid``, no
password, deactivated), because drills, debriefs, scenarios and the audit trail point at it. Every
row that is the person's own is deleted; their seats in drills are renamed "Deltaker N", so a
team's events, scores and debrief still add up but no page or export names them. Old drills' observers
become "Observatør N" the same way, and both names are replaced in the observers' notes.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select

from app.extensions import db
from app.models import NOTE_MAX_LENGTH
from app.models import ActionPoint
from app.models import Drill
from app.models import Invitation
from app.models import LoginFailure
from app.models import Observer
from app.models import ObserverNote
from app.models import Participant
from app.models import User
from app.models import email_digest
from app.models import hash_token
from app.models.learning import ReflectionNote
from app.privacy.registry import DELETE
from app.privacy.registry import PERSON_COLUMNS

ERASED_DOMAIN = "slettet.invalid"


def is_erased(user: User) -> bool:
    """Whether the account is what remains of an erased person."""
    return user.email.endswith("@" + ERASED_DOMAIN)


def seat_pseudonym(participant: Participant) -> str:
    """The name a seat gets once its person is erased or its drill is old: "Deltaker N" within the drill."""
    seats = db.session.scalars(
        select(Participant.id).where(Participant.drill_id == participant.drill_id).order_by(Participant.id)
    ).all()
    return f"Deltaker {seats.index(participant.id) + 1}"


def pseudonymise_seat(participant: Participant) -> None:
    """Replace a drill seat's name, there and in the drill's action points, and forget its guest secrets
    (token, seat code, device), so nobody can take the seat back."""
    pseudonym = seat_pseudonym(participant)
    if participant.display_name != pseudonym:
        replace_name(participant.display_name, pseudonym, ActionPoint.drill_id == participant.drill_id)
        replace_in_notes(participant.display_name, pseudonym, participant.drill_id)
    participant.display_name = pseudonym
    participant.token_hash = None
    participant.seat_code_hash = None
    participant.device_hash = None


def replace_name(name: str, pseudonym: str, *where: object) -> None:
    """Put ``pseudonym`` for ``name`` (as a whole word, in any case) in the matching action points.

    "Who is responsible" and "what is to be done" are free text a team types, and often name a person.
    """
    name = name.strip()
    if not name:
        return
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    for point in db.session.scalars(select(ActionPoint).where(*where)):
        who, what = pattern.sub(pseudonym, point.who), pattern.sub(pseudonym, point.what)
        if (who, what) != (point.who, point.what):
            point.who, point.what = who[:100], what[:500]


def replace_in_notes(name: str, pseudonym: str, drill_id: int) -> None:
    """Put ``pseudonym`` for ``name`` (as a whole word, in any case) in the observers' notes on a drill."""
    name = name.strip()
    if not name:
        return
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    for note in db.session.scalars(select(ObserverNote).where(ObserverNote.drill_id == drill_id)):
        text = pattern.sub(pseudonym, note.text)
        if text != note.text:
            note.text = text[:NOTE_MAX_LENGTH]


def erase_person(user: User) -> User:
    """Delete the person's own data, pseudonymise their drill seats, and turn the account into a pseudonym."""
    tables = db.metadata.tables
    for (table_name, column_name), policy in PERSON_COLUMNS.items():
        if policy == DELETE:
            table = tables[table_name]
            db.session.execute(delete(table).where(table.c[column_name] == user.id))
    db.session.execute(delete(Invitation).where(Invitation.email == user.email))
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email_digest(user.email)))
    for participant in db.session.scalars(select(Participant).where(Participant.user_id == user.id)):
        pseudonymise_seat(participant)
    # Action points elsewhere in the organisation that name the person get the account's pseudonym.
    pseudonym = f"Slettet bruker {user.id}"
    for text in (user.display_name, user.email):
        replace_name(text, pseudonym, ActionPoint.organisation_id == user.organisation_id)
    user.display_name = pseudonym
    user.email = f"slettet-{user.id}@{ERASED_DOMAIN}"
    user.password_hash = None
    user.active = False
    user.unit_id = None
    user.preferred_locale = None
    user.last_login_at = None
    user.end_sessions()
    db.session.flush()
    return user


def clear_reflections(user: User) -> int:
    """Delete every reflection the person has written; return how many."""
    result = db.session.execute(delete(ReflectionNote).where(ReflectionNote.user_id == user.id))
    return result.rowcount


def pseudonymise_old_drills(months: int, now: datetime) -> int:
    """Rename the seats of drills that ended more than ``months`` ago; return how many seats changed."""
    cutoff = now - timedelta(days=round(months * 30.44))
    seats = db.session.scalars(
        select(Participant).join(Drill).where(Drill.ended_at.is_not(None), Drill.ended_at < cutoff)
    )
    changed = 0
    for participant in seats:
        name = seat_pseudonym(participant)
        secrets = (participant.token_hash, participant.seat_code_hash, participant.device_hash)
        if participant.display_name != name or any(s is not None for s in secrets):
            pseudonymise_seat(participant)
            changed += 1
    db.session.flush()
    return changed


def pseudonymise_old_observers(months: int, now: datetime) -> int:
    """Rename the observers of drills that ended more than ``months`` ago "Observatør N" (in their notes
    too) and void their codes; return how many observers changed."""
    cutoff = now - timedelta(days=round(months * 30.44))
    query = (
        select(Observer)
        .join(Drill)
        .where(Drill.ended_at.is_not(None), Drill.ended_at < cutoff)
        .order_by(Observer.drill_id, Observer.id)
    )
    changed, numbers = 0, {}
    for observer in db.session.scalars(query):
        numbers[observer.drill_id] = numbers.get(observer.drill_id, 0) + 1
        name = f"Observatør {numbers[observer.drill_id]}"
        if observer.display_name == name:
            continue
        replace_in_notes(observer.display_name, name, observer.drill_id)
        observer.display_name = name
        # A code nobody knows: the observer's old code opens nothing any more.
        observer.code_hash = hash_token(secrets.token_urlsafe(32))
        changed += 1
    db.session.flush()
    return changed


def delete_reflections_of_erased() -> int:
    """Delete reflections still held for erased accounts (left by an erasure that predates this rule)."""
    erased = select(User.id).where(User.email.like(f"%@{ERASED_DOMAIN}"))
    result = db.session.execute(delete(ReflectionNote).where(ReflectionNote.user_id.in_(erased)))
    return result.rowcount
