"""Open-data export: one CSV per table, whole reports as JSON Lines, and a Frictionless Data Package.

Rows stream inside one read-only transaction, so memory stays flat however many reports there are:
``agencies`` and ``reports`` from a server-side cursor each, the tables of report rows one slice of
report ids (itself from a cursor) at a time, each slice a bounded query on the report_id index. A filter (report year, region code at any level with its descendants) selects reports;
every table keeps the rows of the selected reports, and ``agencies`` the agencies they belong to, so the
package's foreign keys always resolve. Cells follow the canonical vocabulary: ``None`` is an empty cell
(never ``0``), decimals are written exactly.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from checks import CHECK_CODES
from db.reading import fetch_reports
from loaders.canonical import (
    APPLICANT_COLUMNS,
    CATEGORY_LABELS,
    COLUMN_LABELS,
    GROUP_LABELS,
    METRIC_LABELS,
    PROACTIVE_METRICS,
    RESULT_LABELS,
    REVIEW_RESULTS,
    ROW_LABELS_2021,
)

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
JSONL_FILE = "reports.jsonl"
# Rows fetched per round trip from a cursor; reports per query for the tables of report rows and for
# reports.jsonl (200 reports are ~5,000 §3 rows: a few MB, however large the database).
FETCH_ROWS = 2000
REPORTS_PER_QUERY = 200
_REGION_CODE = re.compile(r"\d{6}(\d{3}){0,2}")


class FilterError(ValueError):
    """An export filter that cannot be used (not a report year, not a region code)."""


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which reports to export: a report year and/or a GB/T 2260 region code (descendants included)."""

    year: int | None = None
    region: str | None = None

    @classmethod
    def parse(cls, year: str | int | None = None, region: str | None = None) -> ExportFilter:
        """Validate raw filter values (CLI options, query parameters); raises :class:`FilterError`."""
        y: int | None = None
        if year is not None and str(year).strip():
            try:
                y = int(str(year).strip())
            except ValueError:
                raise FilterError(f"year must be a number, got {year!r}") from None
            if not 2008 <= y <= 2100:
                raise FilterError(f"year {y} is not a report year")
        r = region.strip() if region else None
        if r and not _REGION_CODE.fullmatch(r):
            raise FilterError(f"region must be a GB/T 2260 code of 6, 9 or 12 digits, got {region!r}")
        return cls(y, r or None)

    def describe(self) -> dict[str, Any]:
        return {"year": self.year, "region": self.region}


# --- tables --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    description: str
    enum: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One exported table: its file, Table Schema fields, keys, and the SQL that streams its rows."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    # (column, referenced table) — always the referenced table's ``id``.
    foreign_keys: tuple[tuple[str, str], ...]
    select: str  # SELECT … FROM <source> t; the filter and ORDER BY are added per query
    order_by: str

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def per_report(self) -> bool:
        """Rows belong to reports: read a slice of reports at a time rather than the table in one sort."""
        return ("report_id", "reports") in self.foreign_keys


def _listing(labels: dict[str, str]) -> str:
    return "; ".join(f"{k} ({v})" for k, v in labels.items())


def _in_order(column: str, keys: Iterable[str]) -> str:
    # Rows of one report in the order the report prints them; the primary-key index still gives report_id order.
    return f"array_position(ARRAY[{', '.join(repr(k) for k in keys)}]::text[], {column}::text)"


def _report_id() -> Field:
    return Field("report_id", "integer", "The report, reports.id (报告编号)", required=True)


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
_LEVELS = {"province": "省级", "city": "地级", "county": "县级"}

TABLES: dict[str, Table] = {t.name: t for t in (
    Table(
        "agencies", "Agencies (发布机关)",
        "Agencies that publish reports, with their administrative division and its province, city and county.",
        (
            Field("id", "integer", "Agency identifier, referenced by reports.agency_id (机关编号)", required=True),
            Field("name", "string", "Agency name as the report gives it (机关名称)", required=True),
            Field("normalised_name", "string", "Name normalised for matching agencies across years (规范化名称)"),
            Field("kind", "string", "Kind of agency (机关类型): township 乡镇, street 街道, county_government 县级政府, "
                  "city_government 市级政府, province_government 省级政府, department 部门, other 其他"),
            Field("region_code", "string", "GB/T 2260 code of the agency's administrative division (行政区划代码); "
                  "empty when the place could not be resolved"),
            Field("region_name", "string", "Name of that division (行政区划名称)"),
            Field("region_level", "string", "Level of that division: province, city, county or town (行政区划级别)"),
            Field("region_hint", "string", "The place named in the report title, as written (标题中的地名)"),
            *(f for level, zh in _LEVELS.items() for f in (
                Field(f"{level}_code", "string", f"GB/T 2260 code of the {level} the agency lies in ({zh}行政区划代码)"),
                Field(f"{level}_name", "string", f"Name of the {level} the agency lies in ({zh}行政区划名称)"),
            )),
            Field("synthetic", "boolean", "True for generated demonstration data, never real (合成数据)"),
        ),
        ("id",), (),
        """SELECT t.id, t.name, t.normalised_name, t.kind, t.region_code, rg.name, rg.level, t.region_hint,
                  f.province_code, f.province_name, f.city_code, f.city_name, f.county_code, f.county_name,
                  t.synthetic
           FROM agency t LEFT JOIN region rg ON rg.code = t.region_code LEFT JOIN flat f ON f.start = t.region_code""",
        "t.id",
    ),
    Table(
        "reports", "Annual reports (政府信息公开工作年度报告)",
        "One row per report: where it came from (URI, SHA-256, parser version) and its consistency summary.",
        (
            Field("id", "integer", "Report identifier (报告编号)", required=True),
            Field("agency_id", "integer", "The publishing agency, agencies.id (发布机关编号)", required=True),
            Field("year", "integer", "Report year (报告年度)", required=True),
            Field("template", "string", "National template: 2019 (国办公开办函〔2019〕60号, years 2019–2020) or 2021 "
                  "(国办公开办函〔2021〕30号, 2021 onward) (报告格式)", ("2019", "2021"), True),
            Field("title", "string", "Report title (报告标题)"),
            Field("published_at", "date", "Publication date stated in the report (发布日期)"),
            Field("source_uri", "string", "Where the document was read from (来源地址)", required=True),
            Field("source_format", "string", "Format of the document: txt, md, html, docx, pdf (来源格式)"),
            Field("sha256", "string", "SHA-256 of the source document, hex (源文件SHA-256校验值)", required=True),
            Field("parser_version", "string", "Version of the xxgk parser that read it (解析器版本)"),
            Field("loaded_at", "datetime", "When the report was loaded (入库时间)"),
            Field("checks_passed", "integer", "Consistency checks passed (通过的一致性检查)"),
            Field("checks_failed", "integer", "Consistency checks failed, errors only (未通过的一致性检查)"),
            Field("checks_not_checkable", "integer", "Checks over an empty cell, neither passed nor failed (无法检查)"),
            Field("warnings", "integer", "Anomaly warnings: values worth a second look (异常提示)"),
            Field("issue_count", "integer", "Problems the parser recorded, see parse_issues (解析问题数)"),
        ),
        ("id",), (("agency_id", "agencies"),),
        """SELECT t.id, t.agency_id, t.year, t.template, t.title, t.published_at, t.source_uri, t.source_format,
                  t.sha256, t.parser_version, t.loaded_at, t.checks_passed, t.checks_failed, t.checks_not_checkable,
                  t.warnings, t.issue_count
           FROM report t""",
        "t.id",
    ),
    Table(
        "proactive_counts", "Proactive disclosure (主动公开政府信息情况)",
        "§2: one row per report, category and metric.",
        (
            _report_id(),
            Field("category", "string", f"Article 20 category (类别): {_listing(CATEGORY_LABELS)}",
                  _ALL_CATEGORIES, True),
            Field("metric", "string", f"Metric (指标): {_listing(METRIC_LABELS)}", _ALL_METRICS, True),
            Field("value", "number", "The figure: a count, or an exact decimal for fees (万元) and procurement; "
                  "empty when the cell is empty or unreadable (数值，空白表示缺失)"),
        ),
        ("report_id", "category", "metric"), (("report_id", "reports"),),
        "SELECT t.report_id, t.category, t.metric, t.value FROM proactive_count t",
        f"t.report_id, {_in_order('t.category', _ALL_CATEGORIES)}, {_in_order('t.metric', _ALL_METRICS)}",
    ),
    Table(
        "application_outcomes", "Applications received and processed (收到和处理政府信息公开申请情况)",
        "§3: one row per report and table row, with the seven applicant columns; empty cells are missing, not 0.",
        (
            _report_id(),
            Field("row_key", "string", f"Row of the §3 table (行): {_listing(ROW_LABELS_2021)}",
                  tuple(ROW_LABELS_2021), True),
            *(Field(c, "integer", f"{_APPLICANT_EN[c]} ({COLUMN_LABELS[c]})") for c in APPLICANT_COLUMNS),
        ),
        ("report_id", "row_key"), (("report_id", "reports"),),
        f"SELECT t.report_id, t.row_key, {', '.join('t.' + c for c in APPLICANT_COLUMNS)} FROM application_outcome t",
        f"t.report_id, {_in_order('t.row_key', ROW_LABELS_2021)}",
    ),
    Table(
        "review_litigation", "Administrative review and litigation (行政复议、行政诉讼情况)",
        "§4: one row per report and group, with the five results.",
        (
            _report_id(),
            Field("group", "string", f"Group (类别): {_listing(GROUP_LABELS)}", tuple(GROUP_LABELS), True),
            *(Field(c, "integer", f"{_RESULT_EN[c]} ({RESULT_LABELS[c]})") for c in REVIEW_RESULTS),
        ),
        ("report_id", "group"), (("report_id", "reports"),),
        f'SELECT t.report_id, t."group", {", ".join("t." + c for c in REVIEW_RESULTS)} FROM review_litigation t',
        "t.report_id, " + _in_order('t."group"', GROUP_LABELS),
    ),
    Table(
        "value_provenance", "Value provenance (数值来源)",
        "Values not read directly from a cell: inferred through a stated identity, or missing. A value without a "
        "row here was read from its cell.",
        (
            _report_id(),
            Field("path", "string", "Dotted canonical path of the value, e.g. applications.new_received.total "
                  "(数值路径)", required=True),
            Field("provenance", "string", "inferred (由勾稽关系推算) or missing (缺失)", ("inferred", "missing"), True),
        ),
        ("report_id", "path"), (("report_id", "reports"),),
        "SELECT t.report_id, t.path, t.provenance FROM value_provenance t",
        "t.report_id, t.path",
    ),
    Table(
        "consistency_results", "Consistency checks (一致性检查结果)",
        "Every consistency check of every report, one row per location: the identities of the national format, "
        "cross-year links with the agency's previous report, and anomaly warnings.",
        (
            _report_id(),
            Field("cross_year", "boolean", "Compares with the agency's previous report (跨年度检查)", required=True),
            Field("position", "integer", "Order of the check within the report (序号)", required=True),
            Field("code", "string", "Check (检查项): " + "; ".join(f"{k} — {c.en} ({c.zh})"
                                                                for k, c in CHECK_CODES.items()), required=True),
            Field("status", "string", "passed (通过), failed (未通过) or not_checkable (无法检查: an operand is empty)",
                  ("passed", "failed", "not_checkable"), True),
            Field("severity", "string", "For a check that did not pass: error (错误) for a broken identity, "
                  "warning (提示) for an anomaly", ("error", "warning")),
            Field("location", "string", "Where, in canonical names, e.g. column=natural_person (位置)"),
            Field("expected", "number", "What the other side of the identity says (应为)"),
            Field("actual", "number", "The figure under test (实际)"),
            Field("message", "string", "Explanation, for a check that did not pass (说明)"),
        ),
        ("report_id", "cross_year", "position"), (("report_id", "reports"),),
        # Passed checks live only in the report's JSON; every result is read from there.
        """SELECT t.report_id, t.cross_year, t.position, t.v->>'code', t.v->>'status', t.v->>'severity',
                  t.v->>'location', (t.v->>'expected')::numeric, (t.v->>'actual')::numeric, t.v->>'message'
           FROM (SELECT r.id AS report_id, x.cross_year, e.position, e.v
                 FROM report r
                 CROSS JOIN LATERAL (VALUES (false, r.checks), (true, r.cross_checks)) AS x(cross_year, results)
                 CROSS JOIN LATERAL json_array_elements(x.results) WITH ORDINALITY AS e(v, position)) t""",
        "t.report_id, t.cross_year, t.position",
    ),
    Table(
        "parse_issues", "Parse issues (解析问题)",
        "Problems the parser found while reading a report, with the line in the source text.",
        (
            Field("id", "integer", "Issue identifier (问题编号)", required=True),
            _report_id(),
            Field("code", "string", "Issue code (问题代码)", required=True),
            Field("severity", "string", "error, warning or info (严重程度)", ("error", "warning", "info")),
            Field("line", "integer", "1-based line of the source text (行号)"),
            Field("message", "string", "Explanation (说明)"),
        ),
        ("id",), (("report_id", "reports"),),
        "SELECT t.id, t.report_id, t.code, t.severity, t.line, t.message FROM parse_issue t",
        "t.report_id, t.id",
    ),
)}

# The filter's region and its subdivisions (region.parent_code chains downward).
_WITHIN_REGION = """within_region(code) AS (
    SELECT code FROM region WHERE code = {param}
    UNION ALL SELECT g.code FROM region g JOIN within_region w ON g.parent_code = w.code
)"""
# Each region's province, city and county, walking region.parent_code upward.
_REGION_LEVELS = """chain(start, code, name, level, parent_code) AS (
    SELECT code, code, name, level, parent_code FROM region
    UNION ALL SELECT c.start, p.code, p.name, p.level, p.parent_code FROM chain c JOIN region p ON p.code = c.parent_code
), flat AS (
    SELECT start,
           max(code) FILTER (WHERE level = 'province') AS province_code,
           max(name) FILTER (WHERE level = 'province') AS province_name,
           max(code) FILTER (WHERE level = 'city') AS city_code, max(name) FILTER (WHERE level = 'city') AS city_name,
           max(code) FILTER (WHERE level = 'county') AS county_code,
           max(name) FILTER (WHERE level = 'county') AS county_name
    FROM chain GROUP BY start
)"""


def _query(table: Table, flt: ExportFilter, select: str | None = None) -> tuple[str, list[Any]]:
    """``agencies`` or ``reports`` (or ``select`` over the same ``t``) restricted to the filter, with parameters."""
    args: list[Any] = []

    def param(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    ctes = [_WITHIN_REGION.format(param=param(flt.region))] if flt.region else []
    if table.name == "agencies":
        ctes.append(_REGION_LEVELS)
    where: list[str] = []
    in_region = "{}.region_code IN (SELECT code FROM within_region)"
    if table.name == "agencies":
        if flt.region:
            where.append(in_region.format("t"))
        if flt.year is not None:
            where.append(f"EXISTS (SELECT 1 FROM report r WHERE r.agency_id = t.id AND r.year = {param(flt.year)})")
    elif flt.year is not None or flt.region:
        conds = [in_region.format("a")] if flt.region else []
        if flt.year is not None:
            conds.append(f"r.year = {param(flt.year)}")
        selected = f"SELECT r.id FROM report r JOIN agency a ON a.id = r.agency_id WHERE {' AND '.join(conds)}"
        where.append(f"t.id IN ({selected})")  # reports; the tables of report rows go through _report_ids
    return ((f"WITH RECURSIVE {', '.join(ctes)} " if ctes else "") + (select or table.select)
            + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {table.order_by}", args)


def cell(value: Any) -> str:
    """A CSV cell: ``None`` is empty (never ``0``), decimals exact, dates ISO 8601, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


# Only these field types need converting; the csv module already writes None as "" and an int as its digits.
_CONVERTED = frozenset({"number", "boolean", "date", "datetime"})


def _formatter(table: Table) -> Callable[[Sequence[Any]], Sequence[Any]] | None:
    slots = [i for i, f in enumerate(table.fields) if f.type in _CONVERTED]
    if not slots:
        return None

    def convert(row: Sequence[Any]) -> Sequence[Any]:
        values = list(row)
        for i in slots:
            values[i] = cell(values[i])
        return values

    return convert


def _read_only(conn: asyncpg.Connection) -> contextlib.AbstractAsyncContextManager[Any]:
    # One snapshot for everything exported together; a caller's transaction is reused as it is.
    if conn.is_in_transaction():
        return contextlib.nullcontext()
    return conn.transaction(isolation="repeatable_read", readonly=True)


async def iter_rows(conn: asyncpg.Connection, table: str, flt: ExportFilter = ExportFilter()
                    ) -> AsyncIterator[list[asyncpg.Record]]:
    """Batches of rows of one table, in field order, read through server-side cursors."""
    spec = TABLES[table]
    async with _read_only(conn):
        if not spec.per_report:
            cursor = await conn.cursor(*_flat(_query(spec, flt)))
            while batch := await cursor.fetch(FETCH_ROWS):
                yield batch
            return
        # A bounded query per slice of reports, on the report_id index: no sort of the whole table before
        # the first row, and no statement that grows with the database.
        rows = await conn.prepare(f"{spec.select} WHERE t.report_id = ANY($1::int[]) ORDER BY {spec.order_by}")
        async for ids in _report_ids(conn, flt):
            if batch := await rows.fetch(ids):
                yield batch


def _flat(query: tuple[str, list[Any]]) -> list[Any]:
    return [query[0], *query[1]]


async def _report_ids(conn: asyncpg.Connection, flt: ExportFilter) -> AsyncIterator[list[int]]:
    """The selected reports' ids, in order, :data:`REPORTS_PER_QUERY` at a time."""
    cursor = await conn.cursor(*_flat(_query(TABLES["reports"], flt, "SELECT t.id FROM report t")))
    while ids := await cursor.fetch(REPORTS_PER_QUERY):
        yield [r[0] for r in ids]


async def iter_csv(conn: asyncpg.Connection, table: str, flt: ExportFilter = ExportFilter(),
                   counter: Callable[[int], None] | None = None) -> AsyncIterator[bytes]:
    """One table as UTF-8 CSV, header first, in chunks of encoded rows; ``counter`` hears rows written."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([f.name for f in TABLES[table].fields])
    convert = _formatter(TABLES[table])
    async for batch in iter_rows(conn, table, flt):
        out.writerows(map(convert, batch) if convert else batch)
        yield _drain(buf)
        if counter:
            counter(len(batch))
    if buf.tell():
        yield _drain(buf)


def _drain(buf: io.StringIO) -> bytes:
    data = buf.getvalue().encode("utf-8")
    buf.seek(0)
    buf.truncate()
    return data


async def iter_jsonl(conn: asyncpg.Connection, flt: ExportFilter = ExportFilter(),
                     counter: Callable[[int], None] | None = None) -> AsyncIterator[bytes]:
    """Whole reports, one JSON object a line: the ``xxgk parse --json`` shape plus id, agency_id, source."""
    async with _read_only(conn):
        heads = await conn.prepare("SELECT id, agency_id, source_uri, source_format, sha256, parser_version "
                                   "FROM report WHERE id = ANY($1::int[]) ORDER BY id")
        async for ids in _report_ids(conn, flt):
            reports = await fetch_reports(conn, ids)
            lines = []
            for h in await heads.fetch(ids):
                source = {"uri": h["source_uri"], "format": h["source_format"], "sha256": h["sha256"],
                          "parser_version": h["parser_version"]}
                record = {"id": h["id"], "agency_id": h["agency_id"], "source": source, **reports[h["id"]].to_json()}
                lines.append(json.dumps(record, ensure_ascii=False) + "\n")
            yield "".join(lines).encode("utf-8")
            if counter:
                counter(len(lines))


# --- the package descriptor ------------------------------------------------------------------------------


def datapackage(flt: ExportFilter = ExportFilter(), *, created: datetime | None = None,
                path: Callable[[str], str] = lambda file: file) -> dict[str, Any]:
    """The Frictionless Data Package descriptor; ``path`` maps a file name to its path or URL."""
    created = created or datetime.now(UTC)
    scope = ", ".join(f"{k} {v}" for k, v in flt.describe().items() if v is not None) or "all reports"
    resources: list[dict[str, Any]] = [_resource(t, path(t.file)) for t in TABLES.values()]
    resources.append({
        "name": "reports-jsonl", "path": path(JSONL_FILE), "type": "file", "format": "jsonl",
        "mediatype": "application/x-ndjson", "encoding": "utf-8",
        "title": "Whole reports as JSON Lines (完整报告)",
        "description": "One report a line in the `xxgk parse --json` shape plus id, agency_id and source "
                       "(uri, format, sha256, parser_version). Values are numbers or null; amounts are strings "
                       "so no digit is lost.",
    })
    return {
        "profile": "data-package",
        "name": "xxgk-disclosure-reports",
        "title": "Government information-disclosure annual reports (政府信息公开工作年度报告)",
        "description": "Figures of the annual reports Chinese agencies publish under Article 50 of the "
                       "Regulations on the Disclosure of Government Information, read into the national format's "
                       f"tables by xxgk. Selection: {scope}. Empty cells are missing values, never zero; "
                       "value_provenance marks values inferred through an identity or missing.",
        "licenses": [LICENSE],
        "sources": [{
            "title": "Agencies' annual reports on government information disclosure (public government "
                     "information); reports.source_uri and reports.sha256 identify each document",
        }],
        "created": created.isoformat(timespec="seconds"),
        "keywords": ["政府信息公开", "government information disclosure", "China", "annual reports"],
        "xxgk:filter": flt.describe(),
        "resources": resources,
    }


def _resource(table: Table, path: str) -> dict[str, Any]:
    fields = []
    for f in table.fields:
        field: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.enum:
            constraints["enum"] = list(f.enum)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        schema["foreignKeys"] = [{"fields": col, "reference": {"resource": ref, "fields": "id"}}
                                 for col, ref in table.foreign_keys]
    return {
        "name": table.name, "path": path, "profile": "tabular-data-resource", "type": "table", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "title": table.title, "description": table.description, "schema": schema,
    }


# --- to a directory --------------------------------------------------------------------------------------


async def export_dir(conn: asyncpg.Connection, outdir: Path, flt: ExportFilter = ExportFilter(), *,
                     progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write every CSV, ``reports.jsonl`` and ``datapackage.json`` into ``outdir``; rows written per file.

    All files come from one snapshot. Each is written under a temporary name and renamed when complete,
    so an interrupted export never leaves a truncated file that looks whole. ``progress(file, rows)``
    hears each batch.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        for table in TABLES.values():
            await _write(outdir / table.file, iter_csv(conn, table.name, flt, _tally(counts, table.file, progress)))
        await _write(outdir / JSONL_FILE, iter_jsonl(conn, flt, _tally(counts, JSONL_FILE, progress)))
    descriptor = json.dumps(datapackage(flt), ensure_ascii=False, indent=2) + "\n"
    await _write(outdir / "datapackage.json", _once(descriptor.encode("utf-8")))
    return counts


def _tally(counts: dict[str, int], file: str, progress: Callable[[str, int], None] | None) -> Callable[[int], None]:
    counts[file] = 0

    def add(n: int) -> None:
        counts[file] += n
        if progress:
            progress(file, n)

    return add


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _write(target: Path, chunks: AsyncIterator[bytes]) -> None:
    part = target.with_name(target.name + ".part")
    try:
        with part.open("wb") as fh:
            async for chunk in chunks:
                fh.write(chunk)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, target)


def files() -> Sequence[str]:
    """Every file an export writes, in order."""
    return [*(t.file for t in TABLES.values()), JSONL_FILE, "datapackage.json"]
