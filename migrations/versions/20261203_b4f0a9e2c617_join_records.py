"""Join records: successful joins per IP address, so drills cannot be filled by a script at speed.

Revision ID: b4f0a9e2c617
Revises: 8e1b7c3d5f26
Create Date: 2026-12-03 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b4f0a9e2c617"
down_revision = "8e1b7c3d5f26"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "join_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_record")),
    )
    with op.batch_alter_table("join_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_record_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_record_ip"), ["ip"], unique=False)


def downgrade():
    with op.batch_alter_table("join_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_record_ip"))
        batch_op.drop_index(batch_op.f("ix_join_record_created_at"))
    op.drop_table("join_record")
