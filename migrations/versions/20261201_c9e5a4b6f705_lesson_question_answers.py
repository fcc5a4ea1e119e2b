"""Lesson question answers: each learner's latest answer to a lesson question, kept on their progress row.

Revision ID: c9e5a4b6f705
Revises: a7c3e2f4d503
Create Date: 2026-12-01 20:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c9e5a4b6f705"
down_revision = "a7c3e2f4d503"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_answers", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("course_progress", schema=None) as batch_op:
        batch_op.drop_column("question_answers")
