"""Debrief report summaries: the numbers cohorts and history need, and the missed hand-offs between roles.

Revision ID: c5d1e7a90b42
Revises: a28b3b0a2bb3
Create Date: 2026-11-24 05:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c5d1e7a90b42"
down_revision = "a28b3b0a2bb3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("debrief_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("missing_links", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("debrief_report", schema=None) as batch_op:
        batch_op.drop_column("missing_links")
        batch_op.drop_column("summary")
