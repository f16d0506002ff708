"""dashboard: report locations (path → [line, start, end] in raw_text) and an index of the totals agencies are ranked by

Revision ID: 5d2f8a61c0e3
Revises: 9d41c2e7a5b8
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2f8a61c0e3"
down_revision: str | None = "9d41c2e7a5b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RANKED_ROWS_WHERE = "row_key IN ('new_received', 'outcome_total', 'granted', 'partially_granted')"


def upgrade() -> None:
    op.add_column("report", sa.Column("locations", sa.JSON(), server_default="{}", nullable=False))
    op.create_index("ix_application_outcome_ranked", "application_outcome", ["report_id"], unique=False,
                    postgresql_include=["row_key", "total"], postgresql_where=RANKED_ROWS_WHERE)


def downgrade() -> None:
    op.drop_index("ix_application_outcome_ranked", table_name="application_outcome",
                  postgresql_where=RANKED_ROWS_WHERE)
    op.drop_column("report", "locations")
