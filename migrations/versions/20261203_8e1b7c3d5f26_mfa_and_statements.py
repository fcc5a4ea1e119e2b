"""MFA and statements: TOTP secrets, recovery codes, and per-organisation MFA requirement and statements.

Revision ID: 8e1b7c3d5f26
Revises: 5c2e8f4a1d93
Create Date: 2026-12-03 17:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8e1b7c3d5f26"
down_revision = "5c2e8f4a1d93"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "totp_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_totp_secret_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_totp_secret")),
        sa.UniqueConstraint("user_id", name=op.f("uq_totp_secret_user_id")),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_recovery_code_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mfa_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("privacy_statement", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("accessibility_statement", sa.Text(), nullable=True))


def downgrade():
    sqlite = op.get_context().dialect.name == "sqlite"
    if sqlite:
        # The batch copy drops organisation, which users and drills point at; SQLite allows that only
        # with foreign keys off (as in the authoring tables' downgrade).
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("accessibility_statement")
        batch_op.drop_column("privacy_statement")
        batch_op.drop_column("mfa_required")
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_user_id"))
    op.drop_table("recovery_code")
    op.drop_table("totp_secret")
