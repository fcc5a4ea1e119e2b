"""Two-factor login with an authenticator app (TOTP, RFC 6238) and recovery codes (ASVS 6.3.2, L2).

Who must use it: admins, facilitators, authors and unit leaders of an organisation whose admin has
required it. Participants and guests are never asked. Anyone may set it up for themselves.
"""

from __future__ import annotations

import secrets
import time

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import delete
from sqlalchemy import exists
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from app.models import RecoveryCode
from app.models import Role
from app.models import TotpSecret
from app.models import User
from app.models import hash_token
from app.models import utcnow
from app.models.learning import UnitLeader

ISSUER = "Laget"
RECOVERY_CODES = 10
# Codes from the step before and after are accepted too, for clocks a little out of step.
VALID_WINDOW = 1


def is_staff(user: User) -> bool:
    """Admins, facilitators, authors and unit leaders: the people an organisation may require MFA of."""
    if user.has_role(Role.FACILITATOR):
        return True
    return bool(db.session.scalar(select(exists().where(UnitLeader.user_id == user.id))))


def must_enrol(user: User) -> bool:
    """Whether the organisation requires a second factor of this person and they have none yet."""
    return user.organisation.mfa_required and is_staff(user) and TotpSecret.of(user) is None


def new_secret() -> str:
    """A fresh random base32 secret for an authenticator app."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG: no image request, allowed by the CSP; the secret is also shown as text."""
    code = segno.make(uri, error="m")
    return Markup(code.svg_inline(scale=5, border=4, dark="#1b1b1f", light="#ffffff", svgclass="qr"))


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """The time step ``code`` belongs to, if it is valid now and newer than ``after``."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if step > after and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Save the authenticator once a code from it checks out, and return new recovery codes (shown once)."""
    step = _matching_step(secret, code, 0)
    if step is None:
        return None
    db.session.execute(delete(TotpSecret).where(TotpSecret.user_id == user.id))
    db.session.add(TotpSecret(user_id=user.id, secret=secret, last_step=step))
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with ten new ones; only their hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code)) for code in codes)
    db.session.flush()
    return codes


def verify(user: User, code: str) -> str | None:
    """Check a code from the app ("totp") or a recovery code ("recovery"), spending it; None if neither."""
    found = TotpSecret.of(user)
    if found is None:
        return None
    step = _matching_step(found.secret, code, found.last_step)
    if step is not None:
        # Conditional, so two requests with the same code cannot both pass.
        moved = db.session.execute(
            update(TotpSecret)
            .where(TotpSecret.id == found.id, TotpSecret.last_step < step)
            .values(last_step=step)
            .execution_options(synchronize_session=False)
        )
        return "totp" if moved.rowcount == 1 else None
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(code.strip().lower()),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return "recovery" if spent.rowcount == 1 else None


def remaining_recovery_codes(user: User) -> int:
    """How many unused recovery codes the person has left."""
    query = select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return len(db.session.scalars(query).all())


def reset(user: User) -> User:
    """Remove the person's authenticator and recovery codes (an admin's help after a lost phone)."""
    db.session.execute(delete(TotpSecret).where(TotpSecret.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_sessions()
    db.session.flush()
    return user
