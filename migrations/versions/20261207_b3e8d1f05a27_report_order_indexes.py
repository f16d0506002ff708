"""report order indexes: one per order of `reports` (ties by id), replacing the index on year alone

Revision ID: b3e8d1f05a27
Revises: 5d2f8a61c0e3
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3e8d1f05a27"
down_revision: str | None = "5d2f8a61c0e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_report_year_id", "report", ["year", "id"])
    op.create_index("ix_report_year_desc_id", "report", [sa.text("year DESC"), "id"])
    op.create_index("ix_report_checks_failed_desc_id", "report", [sa.text("checks_failed DESC"), "id"])
    op.create_index("ix_report_published_at_desc_id", "report", [sa.text("published_at DESC NULLS LAST"), "id"])
    op.drop_index(op.f("ix_report_year"), table_name="report")


def downgrade() -> None:
    op.create_index(op.f("ix_report_year"), "report", ["year"])
    op.drop_index("ix_report_published_at_desc_id", table_name="report")
    op.drop_index("ix_report_checks_failed_desc_id", table_name="report")
    op.drop_index("ix_report_year_desc_id", table_name="report")
    op.drop_index("ix_report_year_id", table_name="report")
