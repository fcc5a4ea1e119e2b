"""A join code for a whole training session, which seats a guest in the team with the most room.

Sessions created before this revision get a code here, drawn like drills' codes and never equal to
a code people can still use.

Revision ID: e7a4c2b9d815
Revises: e6f1a2b3c485
Create Date: 2026-12-04 20:40:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "e7a4c2b9d815"
down_revision = "e6f1a2b3c485"
branch_labels = None
depends_on = None

# The same alphabet and length as app.drills.services (no 0/O or 1/I); copied, since a migration
# must keep working when the app's code changes.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 6


def upgrade():
    op.add_column("training_session", sa.Column("join_code", sa.String(length=6), nullable=True))
    # A unique index rather than a constraint, so SQLite can add it without copying the table.
    op.create_index("ix_training_session_join_code", "training_session", ["join_code"], unique=True)
    connection = op.get_bind()
    sessions = sa.table("training_session", sa.column("id", sa.Integer), sa.column("join_code", sa.String))
    drills = sa.table("drill", sa.column("join_code", sa.String))
    taken = {code for (code,) in connection.execute(sa.select(drills.c.join_code)) if code}
    for (session_id,) in connection.execute(sa.select(sessions.c.id)).fetchall():
        code = _draw(taken)
        taken.add(code)
        connection.execute(sa.update(sessions).where(sessions.c.id == session_id).values(join_code=code))


def _draw(taken):
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if code not in taken:
            return code


def downgrade():
    op.drop_index("ix_training_session_join_code", table_name="training_session")
    op.drop_column("training_session", "join_code")
