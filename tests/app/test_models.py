"""Behaviour that lives on the models: passwords, roles, session epochs and timestamps."""

from __future__ import annotations

from datetime import datetime

import pytest
from argon2 import PasswordHasher

from app.extensions import db
from app.models import Role
from app.models import User
from app.models import load_user
from app.models import utcnow


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def _user(make_org, **fields):
    return User(
        email=fields.pop("email", "a@kommune.test"),
        display_name="A",
        organisation_id=make_org().id,
        **fields,
    )


def test_password_is_hashed_with_argon2id(ctx, make_org):
    user = _user(make_org)
    user.set_password("et langt og godt passord")
    assert user.password_hash.startswith("$argon2id$")
    assert "et langt og godt passord" not in user.password_hash
    assert user.check_password("et langt og godt passord")
    assert not user.check_password("feil passord")


def test_production_parameters_are_the_rfc_9106_low_memory_profile(app):
    from app import _defaults

    params = _defaults(app.instance_path)["ARGON2_PARAMS"]
    library = PasswordHasher()
    assert params == {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
    assert params == {"time_cost": library.time_cost, "memory_cost": library.memory_cost, "parallelism": 4}


def test_outdated_hash_is_upgraded_on_login(app, ctx, make_org):
    user = _user(make_org)
    weaker = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16)
    user.password_hash = weaker.hash("passordet mitt")
    old_hash = user.password_hash
    assert user.check_password("passordet mitt")
    assert user.password_hash != old_hash
    assert user.check_password("passordet mitt")


def test_account_without_password_never_matches(ctx, make_org):
    assert not _user(make_org).check_password("")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PARTICIPANT, {"participant"}),
        (Role.FACILITATOR, {"participant", "facilitator"}),
        (Role.AUTHOR, {"participant", "facilitator", "author"}),
        (Role.ADMIN, {"participant", "facilitator", "author", "admin"}),
    ],
)
def test_roles_nest_upwards(role, allowed):
    user = User(role=role)
    assert {r.value for r in Role if user.has_role(r)} == allowed


def test_role_is_stored_as_its_value(app, make_user):
    user = make_user(role="facilitator")
    with app.app_context():
        stored = db.session.execute(db.text("select role from user_account where id = :id"), {"id": user.id})
        assert stored.scalar() == "facilitator"


def test_user_loader_checks_the_session_epoch_and_active_flag(app, make_user):
    user = make_user()
    with app.app_context():
        assert load_user(f"{user.id}:0").id == user.id
        assert load_user(f"{user.id}:1") is None
        assert load_user(str(user.id)) is None
        assert load_user("nonsense") is None
        stored = db.session.get(User, user.id)
        stored.end_sessions()
        db.session.commit()
        assert load_user(f"{user.id}:0") is None
        assert load_user(f"{user.id}:1").id == user.id
        stored.active = False
        db.session.commit()
        assert load_user(f"{user.id}:1") is None


def test_timestamps_come_back_aware_utc(app, make_user):
    user = make_user()
    with app.app_context():
        created = db.session.get(User, user.id).created_at
    assert created.tzinfo is not None
    assert abs((utcnow() - created).total_seconds()) < 60


def test_naive_datetimes_are_refused(ctx, make_org):
    user = _user(make_org, last_login_at=datetime(2025, 1, 1))
    db.session.add(user)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_email_is_unique_regardless_of_case(app, make_user):
    make_user(email="kari@kommune.test")
    with app.app_context():
        assert User.by_email(" KARI@Kommune.test ") is not None
