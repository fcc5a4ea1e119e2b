"""An organisation may choose to identify its people in xAPI statements by e-mail address.

Revision ID: 5b8e3f1a9c47
Revises: 1d5f94228667
Create Date: 2026-12-04 21:35:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b8e3f1a9c47"
down_revision = "1d5f94228667"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("xapi_actor_email", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    sqlite = op.get_context().dialect.name == "sqlite"
    if sqlite:
        # The batch copy drops organisation, which users and drills point at; SQLite allows that only
        # with foreign keys off (as in the MFA migration's downgrade).
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("xapi_actor_email")
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")
