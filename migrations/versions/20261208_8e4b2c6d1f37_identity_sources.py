"""Where a report's agency name and year were read: title, page header, body or manifest.

Revision ID: 8e4b2c6d1f37
Revises: 6a0f3c7e91d4
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8e4b2c6d1f37"
down_revision = "6a0f3c7e91d4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Reports stored before keep null: where their agency and year came from was not recorded.
    op.add_column("report", sa.Column("agency_source", sa.String(16), nullable=True))
    op.add_column("report", sa.Column("year_source", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("report", "year_source")
    op.drop_column("report", "agency_source")
