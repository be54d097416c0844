"""Review, check run, decision, release, steward and audit tables.

Revision ID: 0001_review_tables
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_review_tables"
down_revision = None
branch_labels = None
depends_on = None

OPEN_STATES = "('draft', 'checking', 'checks_failed', 'in_review', 'changes_requested')"


def upgrade():
    op.create_table(
        "governance_steward",
        sa.Column("organization_id", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText),
    )
    op.create_table(
        "governance_review",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("organization_id", sa.UnicodeText, index=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("content", JSONB),
        sa.Column("staged_files", JSONB, nullable=False, server_default="{}"),
        sa.Column("content_hash", sa.UnicodeText),
        sa.Column("submitted_by", sa.UnicodeText),
        sa.Column("submitted_at", sa.DateTime),
        sa.Column("last_editor", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.CheckConstraint("kind IN ('release', 'change')", name="governance_review_kind"),
    )
    # At most one open review per dataset: concurrent submissions cannot fork the content.
    op.create_index("governance_review_one_open", "governance_review", ["package_id"],
                    unique=True, postgresql_where=sa.text(f"state IN {OPEN_STATES}"))
    op.create_table(
        "governance_check_run",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("review_id", sa.UnicodeText,
                  sa.ForeignKey("governance_review.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("content_hash", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("report", JSONB),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("finished", sa.DateTime),
    )
    op.create_table(
        "governance_decision",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("review_id", sa.UnicodeText,
                  sa.ForeignKey("governance_review.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("decision", sa.UnicodeText, nullable=False),
        sa.Column("reasons", JSONB, nullable=False, server_default="[]"),
        sa.Column("comment", sa.UnicodeText),
        sa.Column("content_hash", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "governance_release",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("review_id", sa.UnicodeText, nullable=False),
        sa.Column("content_hash", sa.UnicodeText, nullable=False),
        sa.Column("released_by", sa.UnicodeText, nullable=False),
        sa.Column("released_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "governance_audit",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText, index=True),
        sa.Column("review_id", sa.UnicodeText),
        sa.Column("event", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText),
        sa.Column("to_state", sa.UnicodeText),
        sa.Column("content_hash", sa.UnicodeText),
        sa.Column("details", JSONB, nullable=False, server_default="{}"),
        sa.Column("prev_hash", sa.UnicodeText, nullable=False),
        sa.Column("entry_hash", sa.UnicodeText, nullable=False, unique=True),
    )


def downgrade():
    for table in ("governance_audit", "governance_release", "governance_decision",
                  "governance_check_run", "governance_review", "governance_steward"):
        op.drop_table(table)
