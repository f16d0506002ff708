"""The relational schema: SQLAlchemy 2 typed models. Every change here is an Alembic revision."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from checks import CHECK_CODES
from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    CATEGORY_LABELS,
    COLUMN_LABELS,
    GROUP_LABELS,
    METRIC_LABELS,
    PROACTIVE_METRICS,
    RESULT_LABELS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    ROW_LABELS_2021,
    TEMPLATES,
)
from loaders.issues import ISSUE_CODES

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A column's ``doc`` describes it in the open-data package (English, with the Chinese term); ``info`` may
# say it stays out of the export, is required there, or takes one of a fixed set of values.
NOT_EXPORTED: dict[str, Any] = {"export": False}
REQUIRED: dict[str, Any] = {"required": True}


def one_of(values: Iterable[str], **more: Any) -> dict[str, Any]:
    """``info`` for a column that holds one of ``values`` (a Table Schema enum constraint)."""
    return {"enum": tuple(values), **more}


def listing(labels: dict[str, str]) -> str:
    return "; ".join(f"{k} ({v})" for k, v in labels.items())


_APPLICANT_EN = {
    "natural_person": "Applications from natural persons",
    "commercial_enterprise": "Applications from commercial enterprises",
    "research_institution": "Applications from research institutions",
    "public_interest_org": "Applications from public-interest organisations",
    "legal_service_org": "Applications from legal-service organisations",
    "other_org": "Applications from other legal persons or organisations",
    "total": "All applicants",
}
_RESULT_EN = {"upheld": "Decision upheld", "corrected": "Decision corrected", "other": "Other result",
              "pending": "Not yet concluded", "total": "Total"}
_ALL_METRICS = tuple(dict.fromkeys(m for cats in PROACTIVE_METRICS.values() for ms in cats.values() for m in ms))
_ALL_CATEGORIES = tuple(dict.fromkeys(c for cats in PROACTIVE_METRICS.values() for c in cats))


def _applicants(column: str) -> Any:
    return mapped_column(Integer, doc=f"{_APPLICANT_EN[column]} ({COLUMN_LABELS[column]})")


def _result(column: str) -> Any:
    return mapped_column(Integer, doc=f"{_RESULT_EN[column]} ({RESULT_LABELS[column]})")


# The §3 rows whose totals rank agencies: applications received, processed, granted in full or in part.
RANKED_ROWS = ("new_received", "outcome_total", "granted", "partially_granted")
RANKED_ROWS_WHERE = "row_key IN ({})".format(", ".join(f"'{row}'" for row in RANKED_ROWS))


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

    id: Mapped[int] = mapped_column(
        Integer, primary_key=True, doc="Agency identifier, referenced by reports.agency_id (机关编号)"
    )
    # name + place, unique: the identity used when a new report arrives.
    key: Mapped[str] = mapped_column(String(300), unique=True, info=NOT_EXPORTED)
    name: Mapped[str] = mapped_column(String(200), doc="Agency name as the report gives it (机关名称)", info=REQUIRED)
    normalised_name: Mapped[str] = mapped_column(
        String(200), index=True, doc="Name normalised for matching agencies across years (规范化名称)"
    )
    kind: Mapped[str] = mapped_column(
        String(32), index=True,
        doc="Kind of agency (机关类型): township 乡镇, street 街道, county_government 县级政府, "
        "city_government 市级政府, province_government 省级政府, department 部门, other 其他",
    )
    region_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code"), index=True,
        doc="GB/T 2260 code of the agency's administrative division (行政区划代码); empty when the place could "
        "not be resolved",
    )
    region_hint: Mapped[str | None] = mapped_column(
        String(200), doc="The place named in the report title, as written (标题中的地名)"
    )
    synthetic: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false",
        doc="True for generated demonstration data, never real (合成数据)",
    )

    reports: Mapped[list[Report]] = relationship(back_populates="agency", lazy="raise")


# Trigram indexes for name searches (``name ILIKE '%…%'``, as ``icontains`` writes them for PostgreSQL): a search
# reads the index instead of every row. They need PostgreSQL's pg_trgm, which their migration creates.
for _named in (Region, Agency):
    Index(f"ix_{_named.__tablename__}_name_trgm", _named.name, postgresql_using="gin",
          postgresql_ops={"name": "gin_trgm_ops"})


class Year(Base):
    """A report year and the national template in force for it."""

    __tablename__ = "year"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    template: Mapped[str] = mapped_column(String(4))


class Report(Base):
    """One annual report of one agency, with its provenance and consistency summary."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, doc="Report identifier (报告编号)")
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), doc="The publishing agency, agencies.id (发布机关编号)"
    )
    year: Mapped[int] = mapped_column(ForeignKey("year.year"), doc="Report year (报告年度)")
    template: Mapped[str] = mapped_column(
        String(4), index=True,
        doc="National template: 2019 (国办公开办函〔2019〕60号, years 2019–2020) or 2021 (国办公开办函〔2021〕30号, "
        "2021 onward) (报告格式)",
        info=one_of(TEMPLATES, required=True),
    )
    title: Mapped[str] = mapped_column(Text, doc="Report title (报告标题)")
    agency_source: Mapped[str | None] = mapped_column(
        String(16),
        doc="Where the agency's name was read: title, publisher (the page's 发布机构), page_header (the line "
        "above the title) or manifest (机关名称来源)",
    )
    year_source: Mapped[str | None] = mapped_column(
        String(16), doc="Where the report year was read: title, body or manifest (报告年度来源)"
    )
    published_at: Mapped[date | None] = mapped_column(Date, doc="Publication date stated in the report (发布日期)")
    source_uri: Mapped[str] = mapped_column(Text, doc="Where the document was read from (来源地址)", info=REQUIRED)
    source_format: Mapped[str] = mapped_column(
        String(16), doc="Format of the document: txt, md, html, docx, pdf (来源格式)"
    )
    sha256: Mapped[str] = mapped_column(
        String(64), unique=True, doc="SHA-256 of the source document, hex (源文件SHA-256校验值)", info=REQUIRED
    )
    parser_version: Mapped[str] = mapped_column(String(32), doc="Version of the xxgk parser that read it (解析器版本)")
    raw_text: Mapped[str] = mapped_column(Text, deferred=True, info=NOT_EXPORTED)
    loaded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When the report was loaded (入库时间)"
    )
    # Consistency summary, kept in step with check_result so list filters need no join.
    checks_passed: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", doc="Consistency checks passed (通过的一致性检查)"
    )
    checks_failed: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", doc="Consistency checks failed, errors only (未通过的一致性检查)"
    )
    checks_not_checkable: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0",
        doc="Checks over an empty cell, neither passed nor failed (无法检查)",
    )
    warnings: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", doc="Anomaly warnings: values worth a second look (异常提示)"
    )
    issue_count: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", doc="Problems the parser recorded, see parse_issues (解析问题数)"
    )
    # Every check result of the report, all statuses: within-report checks, and cross-year checks against
    # the previous year (recomputed when a neighbouring year is loaded). Failures are also rows of
    # check_result, for filtering; the export's consistency_results reads every result from here.
    # JSON rather than JSONB: written once, read whole, and parsing JSONB would double the write cost.
    checks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]", info=NOT_EXPORTED)
    cross_checks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]", info=NOT_EXPORTED)
    # Where each value read from the text was read: dotted path → [line, start, end] (1-based line of
    # raw_text, 0-based span in it, end exclusive), from Report.locations. Values not read from the text
    # have no entry. Out of the CSV tables (a map per report); reports.jsonl carries it with the report.
    locations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}", deferred=True,
                                            info=NOT_EXPORTED)

    agency: Mapped[Agency] = relationship(back_populates="reports", lazy="raise")

    __table_args__ = (
        UniqueConstraint("agency_id", "year", name="uq_report_agency_id_year"),
        Index("ix_report_inconsistent", "year", postgresql_where="checks_failed > 0"),
        # The orders of `reports` (ties broken by id), for pages read in order and counts by year.
        Index("ix_report_year_id", "year", "id"),
        Index("ix_report_year_desc_id", text("year DESC"), "id"),
        Index("ix_report_checks_failed_desc_id", text("checks_failed DESC"), "id"),
        Index("ix_report_published_at_desc_id", text("published_at DESC NULLS LAST"), "id"),
    )


class ReportKey(Base):
    """The identity of a report: one agency and year, one id for good.

    A report's id is allocated here the first time its agency and year are seen and never changes: a
    corrected document replaces the report under the same id, and a report that moved away and back gets
    its id back. The row outlives the report, so its revisions and changes stay readable.
    """

    __tablename__ = "report_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (UniqueConstraint("agency_id", "year", name="uq_report_key_agency_id_year"),)


class ReportRevision(Base):
    """An earlier version of a report: what was stored before a corrected document replaced it, or before
    the report was removed. The current version is the report itself (revision = earlier ones + 1)."""

    __tablename__ = "report_revision"

    report_id: Mapped[int] = mapped_column(ForeignKey("report_key.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sha256: Mapped[str] = mapped_column(String(64))
    source_uri: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    parser_version: Mapped[str] = mapped_column(String(32))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Every §2, §3 and §4 cell of the template by dotted path (applications.new_received.total): a count
    # as a JSON number, an amount as an exact decimal string, an empty cell as null. Read whole, never queried.
    values: Mapped[dict] = mapped_column(JSON)


CHANGE_KINDS = ("added", "replaced", "removed")


class ReportChange(Base):
    """The change feed: one row per report added, replaced or removed, in commit order (``sequence``)."""

    __tablename__ = "report_change"

    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_key.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    # The data version the change was committed in (see db.version).
    data_version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (CheckConstraint(f"kind IN {CHANGE_KINDS}", name="kind"),)


class ProactiveCount(Base):
    """§2: one metric of one category (e.g. regulations × issued)."""

    __tablename__ = "proactive_count"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True, doc="The report, reports.id (报告编号)"
    )
    category: Mapped[str] = mapped_column(
        String(32), primary_key=True, doc=f"Article 20 category (类别): {listing(CATEGORY_LABELS)}",
        info=one_of(_ALL_CATEGORIES),
    )
    metric: Mapped[str] = mapped_column(
        String(32), primary_key=True, doc=f"Metric (指标): {listing(METRIC_LABELS)}", info=one_of(_ALL_METRICS)
    )
    value: Mapped[Decimal | None] = mapped_column(
        Numeric,
        doc="The figure: a count, or an exact decimal for fees (万元) and procurement; empty when the cell is "
        "empty or unreadable (数值，空白表示缺失)",
    )


class ApplicationOutcome(Base):
    """§3: one row of the application matrix, the seven applicant columns."""

    __tablename__ = "application_outcome"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True, doc="The report, reports.id (报告编号)"
    )
    row_key: Mapped[str] = mapped_column(
        String(48), primary_key=True, doc=f"Row of the §3 table (行): {listing(ROW_LABELS_2021)}",
        info=one_of(ROW_LABELS_2021),
    )
    natural_person: Mapped[int | None] = _applicants("natural_person")
    commercial_enterprise: Mapped[int | None] = _applicants("commercial_enterprise")
    research_institution: Mapped[int | None] = _applicants("research_institution")
    public_interest_org: Mapped[int | None] = _applicants("public_interest_org")
    legal_service_org: Mapped[int | None] = _applicants("legal_service_org")
    other_org: Mapped[int | None] = _applicants("other_org")
    total: Mapped[int | None] = _applicants("total")

    # The totals an agency ranking sums (api.ranking), readable from the index alone: a third of the time of
    # scanning every row of every report.
    __table_args__ = (
        Index("ix_application_outcome_ranked", "report_id", postgresql_include=["row_key", "total"],
              postgresql_where=RANKED_ROWS_WHERE),
    )


class ReviewLitigation(Base):
    """§4: one group (review, litigation_direct, litigation_after_review) of five results."""

    __tablename__ = "review_litigation"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True, doc="The report, reports.id (报告编号)"
    )
    group: Mapped[str] = mapped_column(
        String(32), primary_key=True, doc=f"Group (类别): {listing(GROUP_LABELS)}", info=one_of(GROUP_LABELS)
    )
    upheld: Mapped[int | None] = _result("upheld")
    corrected: Mapped[int | None] = _result("corrected")
    other: Mapped[int | None] = _result("other")
    pending: Mapped[int | None] = _result("pending")
    total: Mapped[int | None] = _result("total")


class ValueProvenance(Base):
    """A value that was not read directly from a typed cell: ``inferred`` through an identity, ``missing``,
    or ``ocr`` (recognised on a page image; ``ocr_box`` says where: ``{"page", "box", "score"}``)."""

    __tablename__ = "value_provenance"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True, doc="The report, reports.id (报告编号)"
    )
    path: Mapped[str] = mapped_column(
        String(120), primary_key=True,
        doc="Dotted canonical path of the value, e.g. applications.new_received.total (数值路径)",
    )
    provenance: Mapped[str] = mapped_column(
        String(16), doc="inferred (由勾稽关系推算), missing (缺失) or ocr (图像文字识别)",
        info=one_of(("inferred", "missing", "ocr"), required=True),
    )
    # JSON, like report.checks: written once with the report and read whole.
    ocr_box: Mapped[dict | None] = mapped_column(
        JSON, doc="For ocr: where the value was read, {page, box: [x0, y0, x1, y1] in the page image's pixels, "
                  "score} (识别位置)",
    )

    __table_args__ = (CheckConstraint("provenance IN ('inferred', 'missing', 'ocr')", name="provenance"),)


class ParseIssue(Base):
    """A problem the parser found in a report, with its line in the source text."""

    __tablename__ = "parse_issue"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, doc="Issue identifier (问题编号)")
    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True, doc="The report, reports.id (报告编号)"
    )
    code: Mapped[str] = mapped_column(
        String(48), index=True, doc="Issue code, see docs/issue-codes.md (问题代码)", info=one_of(ISSUE_CODES, required=True)
    )
    severity: Mapped[str] = mapped_column(
        String(16), doc="error, warning or info (严重程度)", info=one_of(("error", "warning", "info"))
    )
    line: Mapped[int | None] = mapped_column(Integer, doc="1-based line of the source text (行号)")
    message: Mapped[str] = mapped_column(Text, doc="Explanation (说明)")


class CheckResult(Base):
    """A consistency check that did not pass (failed or not checkable), at one location.

    Passed checks live only in ``report.checks`` / ``report.cross_checks``: a country's worth of reports
    has millions of them and nobody filters on them. The export's consistency_results has these columns
    for every result, passed ones included, read from there.
    """

    __tablename__ = "check_result"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, info=NOT_EXPORTED)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True, doc="The report, reports.id (报告编号)"
    )
    # Cross-year checks compare with the agency's previous report; they are recomputed when either changes.
    cross_year: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false",
        doc="Compares with the agency's previous report (跨年度检查)", info=REQUIRED,
    )
    code: Mapped[str] = mapped_column(
        String(48), doc="Check (检查项): " + "; ".join(f"{k} — {c.en} ({c.zh})" for k, c in CHECK_CODES.items()),
        info=REQUIRED,
    )
    status: Mapped[str] = mapped_column(
        String(16), doc="passed (通过), failed (未通过) or not_checkable (无法检查: an operand is empty)",
        info=one_of(("passed", "failed", "not_checkable"), required=True),
    )
    severity: Mapped[str] = mapped_column(
        String(16),
        doc="For a check that did not pass: error (错误) for a broken identity, warning (提示) for an anomaly",
        info=one_of(("error", "warning")),
    )
    location: Mapped[str] = mapped_column(
        String(120), doc="Where, in canonical names, e.g. column=natural_person (位置)"
    )
    expected: Mapped[Decimal | None] = mapped_column(Numeric, doc="What the other side of the identity says (应为)")
    actual: Mapped[Decimal | None] = mapped_column(Numeric, doc="The figure under test (实际)")
    message: Mapped[str] = mapped_column(Text, doc="Explanation, for a check that did not pass (说明)")

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
