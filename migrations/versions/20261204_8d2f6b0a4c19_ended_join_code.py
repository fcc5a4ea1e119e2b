"""The join code an ended drill had, so a late joiner is told it has ended rather than that it is wrong.

Drills that ended before this revision released their code without keeping it, so they get none.

Revision ID: 8d2f6b0a4c19
Revises: 5e3a9c1d7b24
Create Date: 2026-12-04 16:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8d2f6b0a4c19"
down_revision = "5e3a9c1d7b24"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("drill", sa.Column("ended_join_code", sa.String(length=6), nullable=True))
    op.create_index("ix_drill_ended_join_code", "drill", ["ended_join_code"])


def downgrade():
    op.drop_index("ix_drill_ended_join_code", table_name="drill")
    op.drop_column("drill", "ended_join_code")
