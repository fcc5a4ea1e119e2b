"""Open roles: in the lobby, participants may take a role nobody holds, when the facilitator allows it.

Revision ID: d52e8f0b3a74
Revises: c41d7e9a2f63
Create Date: 2026-12-04 17:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d52e8f0b3a74"
down_revision = "c41d7e9a2f63"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("drill", sa.Column("roles_open", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column("drill", "roles_open")
