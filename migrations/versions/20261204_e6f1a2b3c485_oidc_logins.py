"""OpenID Connect logins: the (issuer, sub) link to an account, and each organisation's admission rules.

Revision ID: e6f1a2b3c485
Revises: e8a4c6b2d915
Create Date: 2026-12-04 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e6f1a2b3c485"
down_revision = "e8a4c6b2d915"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oidc_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_oidc_identity_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_identity")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_oidc_identity_issuer_subject")),
    )
    with op.batch_alter_table("oidc_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oidc_identity_user_id"), ["user_id"], unique=False)
    op.create_table(
        "oidc_admission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("claim", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_oidc_admission_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_admission")),
        sa.UniqueConstraint("issuer", "claim", "value", name=op.f("uq_oidc_admission_issuer_claim_value")),
    )
    with op.batch_alter_table("oidc_admission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oidc_admission_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("oidc_admission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_admission_organisation_id"))
    op.drop_table("oidc_admission")
    with op.batch_alter_table("oidc_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_identity_user_id"))
    op.drop_table("oidc_identity")
