"""A guest's device: the hash of a long-lived cookie, so joining again from that browser gives the seat back.

Revision ID: a7c3e1f5b820
Revises: 8d2f6b0a4c19
Create Date: 2026-12-04 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e1f5b820"
down_revision = "8d2f6b0a4c19"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("participant", sa.Column("device_hash", sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column("participant", "device_hash")
