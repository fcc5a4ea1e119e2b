"""Solo practice runs and their events.

Revision ID: f6b2d1e3c402
Revises: e5a1c0d2b301
Create Date: 2026-12-01 18:45:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "f6b2d1e3c402"
down_revision = "e5a1c0d2b301"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
