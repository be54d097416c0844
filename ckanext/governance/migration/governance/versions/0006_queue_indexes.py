"""The review queue reads open reviews in waiting order: an index in that order (open reviews
only), so that a page of 50 of 10,000 open reviews reads about 50 rows; and the latest check
run of a review by creation time.

Revision ID: 0006_queue_indexes
Revises: 0005_webhooks
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_queue_indexes"
down_revision = "0005_webhooks"
branch_labels = None
depends_on = None

_OPEN = sa.text("state NOT IN ('approved', 'rejected', 'withdrawn')")


def upgrade():
    op.create_index("governance_review_open_waiting", "governance_review",
                    [sa.text("coalesce(submitted_at, created)"), "id"],
                    postgresql_where=_OPEN)
    op.create_index("governance_review_open_state_org", "governance_review",
                    ["state", "organization_id"], postgresql_where=_OPEN)
    op.create_index("governance_check_run_review_created", "governance_check_run",
                    ["review_id", sa.text("created DESC")])


def downgrade():
    op.drop_index("governance_check_run_review_created", "governance_check_run")
    op.drop_index("governance_review_open_state_org", "governance_review")
    op.drop_index("governance_review_open_waiting", "governance_review")
