"""Webhooks of organizations and their delivery log.

Revision ID: 0005_webhooks
Revises: 0004_finding_dismissals
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005_webhooks"
down_revision = "0004_finding_dismissals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "governance_webhook",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("organization_id", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("url", sa.UnicodeText, nullable=False),
        sa.Column("secret", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText),
    )
    op.create_table(
        "governance_webhook_delivery",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("webhook_id", sa.UnicodeText,
                  sa.ForeignKey("governance_webhook.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attempt_log", JSONB, nullable=False, server_default="[]"),
        sa.Column("next_attempt_at", sa.DateTime),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("delivered_at", sa.DateTime),
        sa.UniqueConstraint("webhook_id", "event_id"),
        sa.CheckConstraint("state IN ('pending', 'delivered', 'failed')",
                           name="governance_webhook_delivery_state"),
    )
    op.create_index("governance_webhook_delivery_log", "governance_webhook_delivery",
                    ["webhook_id", sa.text("created DESC")])


def downgrade():
    op.drop_table("governance_webhook_delivery")
    op.drop_table("governance_webhook")
