"""Authored scenarios, their versions, reviews and comments.

Revision ID: a7c3e2f4d503
Revises: f6b2d1e3c402
Create Date: 2026-12-01 18:45:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a7c3e2f4d503"
down_revision = "f6b2d1e3c402"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
