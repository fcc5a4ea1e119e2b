"""Which drills a participant took part in: by their account, or by the seats a guest's session proves.

A guest's list comes only from the session cookie's seats (participant id and secret token per drill),
the same proof the participant screen and the own debrief accept, never from the longer-lived device
cookie: on a shared computer the next guest must not see the last one's drills.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Drill
from app.models import DrillStatus
from app.models import Participant
from app.models import User
from app.models import hash_token


@dataclass(frozen=True)
class PastDrill:
    """One drill as the participant's list shows it: when, which team, their roles, and where it stands."""

    drill: Drill
    when: datetime
    role_names: tuple[str, ...]

    @property
    def ended(self) -> bool:
        """Whether the drill is over, so its debrief can be read."""
        return self.drill.status == DrillStatus.ENDED


def _places() -> Select[tuple[Participant]]:
    """Participants with their drill, its scenario version and its role assignments loaded at once."""
    return select(Participant).options(
        joinedload(Participant.drill).joinedload(Drill.scenario_version),
        joinedload(Participant.drill).selectinload(Drill.assignments),
    )


def drills_of_user(user: User) -> list[PastDrill]:
    """Every drill the account took part in, newest first."""
    places = db.session.scalars(_places().where(Participant.user_id == user.id)).unique()
    return _newest_first(places)


def drills_of_seats(seats: Mapping[str, Any]) -> list[PastDrill]:
    """The drills whose seat the guest's session proves with a matching token, newest first.

    ``seats`` is the session's map of a drill's public id to [participant id, token, …]; a seat whose
    token does not match (a stale or forged cookie) is left out.
    """
    proofs = {}
    for public_id, seat in seats.items():
        if isinstance(seat, list | tuple) and len(seat) >= 2:
            participant_id, token = seat[0], seat[1]
            if isinstance(participant_id, int) and isinstance(token, str):
                proofs[participant_id] = (public_id, token)
    if not proofs:
        return []
    places = db.session.scalars(_places().where(Participant.id.in_(proofs))).unique()
    return _newest_first(place for place in places if _proven(place, *proofs[place.id]))


def _proven(place: Participant, public_id: str, token: str) -> bool:
    """Whether the seat's drill and token are this participant's."""
    return (
        place.drill.public_id == public_id
        and place.token_hash is not None
        and hmac.compare_digest(place.token_hash, hash_token(token))
    )


def _newest_first(places: Iterable[Participant]) -> list[PastDrill]:
    """The places as list rows, the latest drill first (by start, or creation before it started)."""
    rows = []
    for place in places:
        drill = place.drill
        roles = set(drill.roles_of(place))
        names = tuple(role.name for role in drill.scenario.meta.roles if role.id in roles)
        rows.append(PastDrill(drill, drill.started_at or drill.created_at, names))
    return sorted(rows, key=lambda row: (row.when, row.drill.id), reverse=True)
