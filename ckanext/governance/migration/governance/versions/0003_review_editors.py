"""Every editor of the content under review, not only the last one (four eyes).

Revision ID: 0003_review_editors
Revises: 0002_release_revocation
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_review_editors"
down_revision = "0002_release_revocation"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("governance_review", sa.Column(
        "editors", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")))
    op.execute("UPDATE governance_review SET editors = jsonb_build_array(last_editor) "
               "WHERE last_editor IS NOT NULL")


def downgrade():
    op.drop_column("governance_review", "editors")
