"""report revisions: stable report ids by agency and year, earlier versions of a report, the change feed

Revision ID: 6a0f3c7e91d4
Revises: 4e7a1c9b2d05
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6a0f3c7e91d4"
down_revision: str | None = "4e7a1c9b2d05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_report_key_agency_id_agency"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_key")),
        sa.UniqueConstraint("agency_id", "year", name="uq_report_key_agency_id_year"),
    )
    op.create_table(
        "report_revision",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_uri", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("parser_version", sa.String(length=32), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report_key.id"], name=op.f("fk_report_revision_report_id_report_key"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "revision", name=op.f("pk_report_revision")),
    )
    op.create_table(
        "report_change",
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('added', 'replaced', 'removed')", name=op.f("ck_report_change_kind")),
        sa.ForeignKeyConstraint(["report_id"], ["report_key.id"], name=op.f("fk_report_change_report_id_report_key"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_report_change")),
    )
    op.create_index(op.f("ix_report_change_report_id"), "report_change", ["report_id"], unique=False)
    # The reports stored so far keep their ids, and new ids continue after every id handed out before.
    op.execute("INSERT INTO report_key (id, agency_id, year) SELECT id, agency_id, year FROM report")
    op.execute("SELECT setval('report_key_id_seq', n) FROM (SELECT greatest(CASE WHEN s.is_called THEN s.last_value "
               "ELSE 0 END, (SELECT coalesce(max(id), 0) FROM report_key)) AS n FROM report_id_seq s) AS used WHERE n > 0")
    # The feed starts with every stored report, so a client reading it from the start sees them all.
    op.execute("INSERT INTO report_change (report_id, kind, data_version) "
               "SELECT r.id, 'added', coalesce((SELECT version FROM data_version WHERE id = 1), 0) "
               "FROM report r ORDER BY r.id")


def downgrade() -> None:
    op.drop_index(op.f("ix_report_change_report_id"), table_name="report_change")
    op.drop_table("report_change")
    op.drop_table("report_revision")
    op.drop_table("report_key")
