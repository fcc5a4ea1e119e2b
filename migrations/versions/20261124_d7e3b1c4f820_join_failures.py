"""Join failures: wrong join codes per IP address, so codes cannot be guessed at speed.

Revision ID: d7e3b1c4f820
Revises: c5d1e7a90b42
Create Date: 2026-11-24 05:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d7e3b1c4f820"
down_revision = "c5d1e7a90b42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "join_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_failure")),
    )
    with op.batch_alter_table("join_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_failure_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_failure_ip"), ["ip"], unique=False)


def downgrade():
    with op.batch_alter_table("join_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_failure_ip"))
        batch_op.drop_index(batch_op.f("ix_join_failure_created_at"))
    op.drop_table("join_failure")
