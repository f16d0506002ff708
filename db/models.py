"""The relational schema: SQLAlchemy 2 typed models. Every change here is an Alembic revision."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from loaders.canonical import APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_GROUPS, REVIEW_RESULTS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Region(Base):
    """A GB/T 2260 administrative division (province, city or county)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)

    __table_args__ = (CheckConstraint("level IN ('province', 'city', 'county', 'town')", name="level"),)


class Agency(Base):
    """An agency that publishes reports: a township, a government, a department."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # name + place, unique: the identity used when a new report arrives.
    key: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    normalised_name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    region_hint: Mapped[str | None] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")

    reports: Mapped[list[Report]] = relationship(back_populates="agency", lazy="raise")


class Year(Base):
    """A report year and the national template in force for it."""

    __tablename__ = "year"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    template: Mapped[str] = mapped_column(String(4))


class Report(Base):
    """One annual report of one agency, with its provenance and consistency summary."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(ForeignKey("year.year"), index=True)
    template: Mapped[str] = mapped_column(String(4), index=True)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[date | None] = mapped_column(Date)
    source_uri: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    parser_version: Mapped[str] = mapped_column(String(32))
    raw_text: Mapped[str] = mapped_column(Text, deferred=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Consistency summary, kept in step with check_result so list filters need no join.
    checks_passed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    checks_failed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    checks_not_checkable: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warnings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    issue_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Every check result of the report, all statuses: within-report checks, and cross-year checks against
    # the previous year (recomputed when a neighbouring year is loaded). Failures are also rows of
    # check_result, for filtering.
    # JSON rather than JSONB: written once, read whole, and parsing JSONB would double the write cost.
    checks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    cross_checks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    agency: Mapped[Agency] = relationship(back_populates="reports", lazy="raise")

    __table_args__ = (
        UniqueConstraint("agency_id", "year", name="uq_report_agency_id_year"),
        Index("ix_report_inconsistent", "year", postgresql_where="checks_failed > 0"),
    )


class ProactiveCount(Base):
    """§2: one metric of one category (e.g. regulations × issued)."""

    __tablename__ = "proactive_count"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[Decimal | None] = mapped_column(Numeric)


class ApplicationOutcome(Base):
    """§3: one row of the application matrix, the seven applicant columns."""

    __tablename__ = "application_outcome"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(48), primary_key=True)
    natural_person: Mapped[int | None] = mapped_column(Integer)
    commercial_enterprise: Mapped[int | None] = mapped_column(Integer)
    research_institution: Mapped[int | None] = mapped_column(Integer)
    public_interest_org: Mapped[int | None] = mapped_column(Integer)
    legal_service_org: Mapped[int | None] = mapped_column(Integer)
    other_org: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)


class ReviewLitigation(Base):
    """§4: one group (review, litigation_direct, litigation_after_review) of five results."""

    __tablename__ = "review_litigation"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    group: Mapped[str] = mapped_column(String(32), primary_key=True)
    upheld: Mapped[int | None] = mapped_column(Integer)
    corrected: Mapped[int | None] = mapped_column(Integer)
    other: Mapped[int | None] = mapped_column(Integer)
    pending: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)


class ValueProvenance(Base):
    """A value that was not read directly from a cell: ``inferred`` through an identity, or ``missing``."""

    __tablename__ = "value_provenance"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    # Dotted canonical path, e.g. applications.new_received.total
    path: Mapped[str] = mapped_column(String(120), primary_key=True)
    provenance: Mapped[str] = mapped_column(String(16))

    __table_args__ = (CheckConstraint("provenance IN ('inferred', 'missing')", name="provenance"),)


class ParseIssue(Base):
    """A problem the parser found in a report, with its line in the source text."""

    __tablename__ = "parse_issue"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(48), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    line: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)


class CheckResult(Base):
    """A consistency check that did not pass (failed or not checkable), at one location.

    Passed checks live only in ``report.checks`` / ``report.cross_checks``: a country's worth of reports
    has millions of them and nobody filters on them.
    """

    __tablename__ = "check_result"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(120))
    expected: Mapped[Decimal | None] = mapped_column(Numeric)
    actual: Mapped[Decimal | None] = mapped_column(Numeric)
    message: Mapped[str] = mapped_column(Text)
    # Cross-year checks compare with the agency's previous report; they are recomputed when either changes.
    cross_year: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")

    __table_args__ = (
        CheckConstraint("status IN ('passed', 'failed', 'not_checkable')", name="status"),
        Index("ix_check_result_failed_code", "code", "report_id", postgresql_where="status = 'failed'"),
    )


class LoadFailure(Base):
    """A document that could not be loaded, and why."""

    __tablename__ = "load_failure"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DataVersion(Base):
    """One row whose ``version`` goes up in every transaction that changes what the API serves.

    The writer bumps it as the last statement before COMMIT (see ``db.version``), so a reader sees the new
    version together with the new rows, on the primary and on a replica alike. The API's response cache
    keys its entries by it.
    """

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")


# The cells summed by ``summary_rollup``: (row or §4 group, column or result, rollup column). Rows are the
# union of both templates' rows.
ROLLUP_APPLICATION_CELLS: tuple[tuple[str, str, str], ...] = tuple(
    (row, column, f"{row}__{column}")
    for row in dict.fromkeys(APPLICATION_ROWS["2021"] + APPLICATION_ROWS["2019"])
    for column in APPLICANT_COLUMNS
)
ROLLUP_REVIEW_CELLS: tuple[tuple[str, str, str], ...] = tuple(
    (group, result, f"{group}__{result}") for group in REVIEW_GROUPS for result in REVIEW_RESULTS
)
ROLLUP_KEY = ("grain", "year", "template", "kind", "region_code", "synthetic")
# The agency's own region, or the province above it: year × province reads a few hundred rows, not 17,000.
ROLLUP_GRAINS = ("region", "province")


def rollup_count_name(cell: str) -> str:
    """The rollup column counting the non-null values of a cell (its sum is null while this is 0)."""
    return f"n__{cell}"


class SummaryRollup(Base):
    """Running totals of ``summary``, one row per (grain, year, template, kind, region, synthetic).

    Every report counts twice: at grain ``region`` under its agency's region, at grain ``province`` under
    the province above it ('' when there is none, as a key column cannot be null). Kept in step by the
    writer (``db.rollup``) in the transaction that changes reports. Each §3/§4 cell has its sum and the
    count of non-null values; the sum is null while the count is 0, so summing rollup rows gives what SUM
    over the reports gives, null for an all-empty group included.
    """

    __table__ = Table(
        "summary_rollup",
        Base.metadata,
        Column("grain", String(8), primary_key=True),
        Column("year", Integer, primary_key=True, autoincrement=False),
        Column("template", String(4), primary_key=True),
        Column("kind", String(32), primary_key=True),
        Column("region_code", String(12), primary_key=True),
        Column("synthetic", Boolean, primary_key=True),
        Column("reports", Integer, nullable=False, server_default="0"),
        Column("inconsistent_reports", Integer, nullable=False, server_default="0"),
        *(
            column
            for _, _, cell in ROLLUP_APPLICATION_CELLS + ROLLUP_REVIEW_CELLS
            for column in (
                Column(cell, BigInteger),
                Column(rollup_count_name(cell), Integer, nullable=False, server_default="0"),
            )
        ),
        CheckConstraint(f"grain IN {ROLLUP_GRAINS}", name="grain"),
    )
