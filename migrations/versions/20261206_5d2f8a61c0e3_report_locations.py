"""report locations: where each value read from the text was read (path → [line, start, end])

Revision ID: 5d2f8a61c0e3
Revises: 7c1d9e4f2b60
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2f8a61c0e3"
down_revision: str | None = "7c1d9e4f2b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report", sa.Column("locations", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    op.drop_column("report", "locations")
