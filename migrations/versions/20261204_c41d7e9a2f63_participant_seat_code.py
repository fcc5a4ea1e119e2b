"""A guest's seat code: the hash of the short code their screen shows, to get the seat back on any device.

Revision ID: c41d7e9a2f63
Revises: a7c3e1f5b820
Create Date: 2026-12-04 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c41d7e9a2f63"
down_revision = "a7c3e1f5b820"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("participant", sa.Column("seat_code_hash", sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column("participant", "seat_code_hash")
