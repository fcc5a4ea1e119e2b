"""Database models, one module per part of Laget; importing this package registers every table.

Code imports models from here (``from app.models import Drill``), so a model can move between the
modules without touching its users.
"""

# The newer parts keep their tables in their own modules; importing them here registers the tables.
from app.models import authoring  # noqa: F401
from app.models import learning  # noqa: F401
from app.models import solo  # noqa: F401
from app.models import xapi  # noqa: F401
from app.models.accounts import ROLE_LABELS
from app.models.accounts import Invitation
from app.models.accounts import JoinFailure
from app.models.accounts import JoinRecord
from app.models.accounts import LoginFailure
from app.models.accounts import Organisation
from app.models.accounts import Role
from app.models.accounts import Unit
from app.models.accounts import User
from app.models.accounts import email_digest
from app.models.accounts import hash_token
from app.models.accounts import load_user
from app.models.accounts import normalise_email
from app.models.accounts import password_hasher
from app.models.accounts import verify_unknown_password
from app.models.audit import AuditEvent
from app.models.base import UtcDateTime
from app.models.base import new_public_id
from app.models.base import utcnow
from app.models.debrief import ActionPoint
from app.models.debrief import DebriefReport
from app.models.drills import Drill
from app.models.drills import DrillEvent
from app.models.drills import DrillStatus
from app.models.drills import Participant
from app.models.drills import RoleAssignment
from app.models.drills import ScenarioVersion
from app.models.drills import parsed_scenario
from app.models.mfa import RecoveryCode
from app.models.mfa import TotpSecret
from app.models.observing import NOTE_MAX_LENGTH
from app.models.observing import Observer
from app.models.observing import ObserverNote
from app.models.recovery import PasswordReset
from app.models.sessions import SessionFacilitator
from app.models.sessions import TrainingSession

__all__ = [
    "ROLE_LABELS",
    "ActionPoint",
    "AuditEvent",
    "DebriefReport",
    "Drill",
    "DrillEvent",
    "DrillStatus",
    "Invitation",
    "JoinFailure",
    "JoinRecord",
    "LoginFailure",
    "NOTE_MAX_LENGTH",
    "Observer",
    "ObserverNote",
    "Organisation",
    "Participant",
    "PasswordReset",
    "RecoveryCode",
    "Role",
    "RoleAssignment",
    "ScenarioVersion",
    "SessionFacilitator",
    "TotpSecret",
    "TrainingSession",
    "Unit",
    "User",
    "UtcDateTime",
    "email_digest",
    "hash_token",
    "load_user",
    "new_public_id",
    "normalise_email",
    "parsed_scenario",
    "password_hasher",
    "utcnow",
    "verify_unknown_password",
]
