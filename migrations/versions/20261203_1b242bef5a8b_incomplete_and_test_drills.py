"""Incomplete and test drills: flags that keep a drill out of percentiles, cohorts and team progress.

Drills that had already ended before a scenario ending are marked incomplete from their cached state.

Revision ID: 1b242bef5a8b
Revises: c9e5a4b6f705
Create Date: 2026-12-03 16:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1b242bef5a8b"
down_revision = "c9e5a4b6f705"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+ and PostgreSQL): no table copy, so the downgrade
    # works on a database whose drills have participants, events and reports.
    op.add_column("drill", sa.Column("incomplete", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("drill", sa.Column("is_test", sa.Boolean(), server_default=sa.false(), nullable=False))
    drill = sa.table(
        "drill",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("state", sa.JSON()),
        sa.column("incomplete", sa.Boolean()),
    )
    connection = op.get_bind()
    ended = connection.execute(sa.select(drill.c.id, drill.c.state).where(drill.c.status == "ended"))
    unfinished = [row.id for row in ended if not (row.state or {}).get("ending")]
    if unfinished:
        connection.execute(sa.update(drill).where(drill.c.id.in_(unfinished)).values(incomplete=True))


def downgrade():
    op.drop_column("drill", "is_test")
    op.drop_column("drill", "incomplete")
