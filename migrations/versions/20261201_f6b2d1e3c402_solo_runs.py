"""Solo practice runs and their events.

Revision ID: f6b2d1e3c402
Revises: e5a1c0d2b301
Create Date: 2026-12-01 18:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f6b2d1e3c402"
down_revision = "e5a1c0d2b301"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "solo_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("scenario_version_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.String(length=50), nullable=False),
        sa.Column("profile", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("return_url", sa.String(length=500), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "running",
                "ended",
                name="solo_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("state_version", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("total", sa.Double(), nullable=True),
        sa.Column("rating", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_solo_run_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["scenario_version_id"],
            ["scenario_version.id"],
            name=op.f("fk_solo_run_scenario_version_id_scenario_version"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_solo_run_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solo_run")),
        sa.UniqueConstraint("public_id", name=op.f("uq_solo_run_public_id")),
    )
    with op.batch_alter_table("solo_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_solo_run_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_solo_run_origin"), ["origin"], unique=False)
        batch_op.create_index(batch_op.f("ix_solo_run_user_id"), ["user_id"], unique=False)

    op.create_table(
        "solo_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["solo_run.id"], name=op.f("fk_solo_event_run_id_solo_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solo_event")),
        sa.UniqueConstraint("run_id", "idempotency_key", name=op.f("uq_solo_event_run_id_idempotency_key")),
        sa.UniqueConstraint("run_id", "seq", name=op.f("uq_solo_event_run_id_seq")),
    )


def downgrade():
    op.drop_table("solo_event")
    with op.batch_alter_table("solo_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solo_run_user_id"))
        batch_op.drop_index(batch_op.f("ix_solo_run_origin"))
        batch_op.drop_index(batch_op.f("ix_solo_run_organisation_id"))
    op.drop_table("solo_run")
