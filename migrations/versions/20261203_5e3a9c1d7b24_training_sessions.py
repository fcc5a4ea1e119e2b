"""Training sessions (økter): drills created together for a training day, with co-facilitators.

Revision ID: 5e3a9c1d7b24
Revises: b3f1a9c2d607
Create Date: 2026-12-03 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5e3a9c1d7b24"
down_revision = "b3f1a9c2d607"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["user_account.id"],
            name=op.f("fk_training_session_facilitator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_training_session_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_session")),
        sa.UniqueConstraint("public_id", name=op.f("uq_training_session_public_id")),
    )
    op.create_index("ix_training_session_organisation_id", "training_session", ["organisation_id"])
    op.create_index("ix_training_session_facilitator_id", "training_session", ["facilitator_id"])
    op.create_table(
        "session_facilitator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_session.id"],
            name=op.f("fk_session_facilitator_session_id_training_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_session_facilitator_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_facilitator")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_session_facilitator_session_id_user_id")),
    )
    op.create_index("ix_session_facilitator_user_id", "session_facilitator", ["user_id"])
    # Plain ADD COLUMN (no table copy, so the downgrade works on a database full of drills). SQLite
    # cannot add a foreign key to an existing table without copying it, so the link is an indexed id.
    op.add_column("drill", sa.Column("session_id", sa.Integer(), nullable=True))
    op.add_column("drill", sa.Column("team_number", sa.Integer(), nullable=True))
    op.create_index("ix_drill_session_id", "drill", ["session_id"])


def downgrade():
    op.drop_index("ix_drill_session_id", table_name="drill")
    op.drop_column("drill", "team_number")
    op.drop_column("drill", "session_id")
    op.drop_index("ix_session_facilitator_user_id", table_name="session_facilitator")
    op.drop_table("session_facilitator")
    op.drop_index("ix_training_session_facilitator_id", table_name="training_session")
    op.drop_index("ix_training_session_organisation_id", table_name="training_session")
    op.drop_table("training_session")
