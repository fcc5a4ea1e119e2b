"""The xAPI outbox: statements for the LRS, sent in the background.

Revision ID: b3f1a9c2d607
Revises: b4f0a9e2c617
Create Date: 2026-12-04 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b3f1a9c2d607"
down_revision = "b4f0a9e2c617"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "xapi_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_outbox")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_outbox_statement_id")),
    )
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_xapi_outbox_next_attempt_at"), ["next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_xapi_outbox_sent_at"), ["sent_at"], unique=False)


def downgrade():
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_outbox_sent_at"))
        batch_op.drop_index(batch_op.f("ix_xapi_outbox_next_attempt_at"))
    op.drop_table("xapi_outbox")
