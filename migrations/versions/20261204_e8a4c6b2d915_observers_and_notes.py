"""Observers of live drills and their time-stamped notes per scene.

Revision ID: e8a4c6b2d915
Revises: d52e8f0b3a74
Create Date: 2026-12-04 20:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e8a4c6b2d915"
down_revision = "d52e8f0b3a74"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "observer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["drill_id"], ["drill.id"], name=op.f("fk_observer_drill_id_drill"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_observer_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observer")),
    )
    with op.batch_alter_table("observer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observer_drill_id"), ["drill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observer_code_hash"), ["code_hash"], unique=False)
    op.create_table(
        "observer_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("observer_id", sa.Integer(), nullable=False),
        sa.Column("scene_id", sa.String(length=100), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("drill_seconds", sa.Double(), nullable=True),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["drill_id"], ["drill.id"], name=op.f("fk_observer_note_drill_id_drill"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["observer_id"],
            ["observer.id"],
            name=op.f("fk_observer_note_observer_id_observer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observer_note")),
    )
    with op.batch_alter_table("observer_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observer_note_drill_id"), ["drill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observer_note_observer_id"), ["observer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("observer_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observer_note_observer_id"))
        batch_op.drop_index(batch_op.f("ix_observer_note_drill_id"))
    op.drop_table("observer_note")
    with op.batch_alter_table("observer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observer_code_hash"))
        batch_op.drop_index(batch_op.f("ix_observer_drill_id"))
    op.drop_table("observer")
