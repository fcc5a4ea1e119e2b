"""Course progress, quiz attempts, reflections, completions and unit leaders.

Revision ID: e5a1c0d2b301
Revises: d7e3b1c4f820
Create Date: 2026-12-01 18:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a1c0d2b301"
down_revision = "d7e3b1c4f820"
branch_labels = None
depends_on = None


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["user_account.id"], name=op.f(f"fk_{table}_user_id_user_account"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "course_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=100), nullable=False),
        sa.Column("last_lesson_id", sa.String(length=100), nullable=True),
        sa.Column("course_version", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("course_progress"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_progress")),
        sa.UniqueConstraint("user_id", "course_id", name=op.f("uq_course_progress_user_id_course_id")),
    )
    op.create_table(
        "lesson_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=100), nullable=False),
        sa.Column("lesson_id", sa.String(length=100), nullable=False),
        sa.Column("course_version", sa.String(length=120), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("lesson_completion"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_completion")),
        sa.UniqueConstraint(
            "user_id", "course_id", "lesson_id", name=op.f("uq_lesson_completion_user_id_course_id_lesson_id")
        ),
    )
    op.create_table(
        "reflection_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=100), nullable=False),
        sa.Column("reflection_id", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("reflection_note"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection_note")),
        sa.UniqueConstraint(
            "user_id",
            "course_id",
            "reflection_id",
            name=op.f("uq_reflection_note_user_id_course_id_reflection_id"),
        ),
    )
    op.create_table(
        "quiz_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=100), nullable=False),
        sa.Column("course_version", sa.String(length=120), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("score_percent", sa.Double(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        _user_fk("quiz_attempt"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempt")),
        sa.UniqueConstraint("public_id", name=op.f("uq_quiz_attempt_public_id")),
    )
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_attempt_user_course", ["user_id", "course_id"], unique=False)
    op.create_table(
        "course_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=100), nullable=False),
        sa.Column("course_title", sa.String(length=200), nullable=False),
        sa.Column("course_version", sa.String(length=120), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("score_percent", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempt.id"],
            name=op.f("fk_course_completion_attempt_id_quiz_attempt"),
            ondelete="SET NULL",
        ),
        _user_fk("course_completion"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_completion")),
        sa.UniqueConstraint("certificate_number", name=op.f("uq_course_completion_certificate_number")),
    )
    with op.batch_alter_table("course_completion", schema=None) as batch_op:
        batch_op.create_index("ix_course_completion_user_course", ["user_id", "course_id"], unique=False)
    op.create_table(
        "unit_leader",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_unit_leader_unit_id_unit"), ondelete="CASCADE"
        ),
        _user_fk("unit_leader"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_leader")),
        sa.UniqueConstraint("user_id", "unit_id", name=op.f("uq_unit_leader_user_id_unit_id")),
    )
    with op.batch_alter_table("unit_leader", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_leader_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_leader_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("unit_leader", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_leader_user_id"))
        batch_op.drop_index(batch_op.f("ix_unit_leader_unit_id"))
    op.drop_table("unit_leader")
    with op.batch_alter_table("course_completion", schema=None) as batch_op:
        batch_op.drop_index("ix_course_completion_user_course")
    op.drop_table("course_completion")
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_attempt_user_course")
    op.drop_table("quiz_attempt")
    op.drop_table("reflection_note")
    op.drop_table("lesson_completion")
    op.drop_table("course_progress")
