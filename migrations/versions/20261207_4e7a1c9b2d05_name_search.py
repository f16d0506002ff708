"""name search: trigram indexes on agency and region names, so a search reads an index, not every row

Revision ID: 4e7a1c9b2d05
Revises: b3e8d1f05a27
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "4e7a1c9b2d05"
down_revision: str | None = "b3e8d1f05a27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_agency_name_trgm", "agency", ["name"], postgresql_using="gin",
                    postgresql_ops={"name": "gin_trgm_ops"})
    op.create_index("ix_region_name_trgm", "region", ["name"], postgresql_using="gin",
                    postgresql_ops={"name": "gin_trgm_ops"})


def downgrade() -> None:
    op.drop_index("ix_region_name_trgm", table_name="region")
    op.drop_index("ix_agency_name_trgm", table_name="agency")
    # The extension stays: other objects may use it, and it costs nothing unused.
