"""Stewards' dismissals of privacy findings as false positives.

Revision ID: 0004_finding_dismissals
Revises: 0003_review_editors
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_finding_dismissals"
down_revision = "0003_review_editors"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "governance_finding_dismissal",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("review_id", sa.UnicodeText,
                  sa.ForeignKey("governance_review.id", ondelete="CASCADE"), nullable=False),
        sa.Column("check_run_id", sa.UnicodeText,
                  sa.ForeignKey("governance_check_run.id", ondelete="CASCADE"), nullable=False),
        sa.Column("finding_id", sa.UnicodeText, nullable=False),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("check", sa.UnicodeText, nullable=False),
        sa.Column("columns", JSONB),
        sa.Column("field", sa.UnicodeText),
        sa.Column("content_hash", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        # One dismissal per finding: the finding id covers the check, the column or field
        # and the content hash.
        sa.UniqueConstraint("package_id", "finding_id",
                            name="governance_finding_dismissal_once"),
    )


def downgrade():
    op.drop_table("governance_finding_dismissal")
