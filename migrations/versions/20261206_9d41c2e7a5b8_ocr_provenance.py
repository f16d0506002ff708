"""ocr provenance: a value recognised on a page image is marked ``ocr``, with the page and box it was read in

Revision ID: 9d41c2e7a5b8
Revises: 7c1d9e4f2b60
Create Date: 2026-12-06 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d41c2e7a5b8"
down_revision: str | None = "7c1d9e4f2b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("value_provenance", sa.Column("ocr_box", sa.JSON(), nullable=True))
    op.drop_constraint(op.f("ck_value_provenance_provenance"), "value_provenance", type_="check")
    op.create_check_constraint(
        op.f("ck_value_provenance_provenance"), "value_provenance", "provenance IN ('inferred', 'missing', 'ocr')"
    )


def downgrade() -> None:
    op.execute("DELETE FROM value_provenance WHERE provenance = 'ocr'")
    op.drop_constraint(op.f("ck_value_provenance_provenance"), "value_provenance", type_="check")
    op.create_check_constraint(
        op.f("ck_value_provenance_provenance"), "value_provenance", "provenance IN ('inferred', 'missing')"
    )
    op.drop_column("value_provenance", "ocr_box")
