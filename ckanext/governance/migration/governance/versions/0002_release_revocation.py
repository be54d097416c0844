"""Releases can be revoked by a sysadmin in an emergency, with a written reason.

Revision ID: 0002_release_revocation
Revises: 0001_review_tables
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_release_revocation"
down_revision = "0001_review_tables"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("governance_release", sa.Column("revoked_at", sa.DateTime))
    op.add_column("governance_release", sa.Column("revoked_by", sa.UnicodeText))
    op.add_column("governance_release", sa.Column("revoke_reason", sa.UnicodeText))


def downgrade():
    for column in ("revoke_reason", "revoked_by", "revoked_at"):
        op.drop_column("governance_release", column)
