"""The export's queries: the rows of each open-data table, streamed through server-side cursors.

Every exported column comes from a model column (its name, type and ``doc``), so a column added to a
model is exported as it is, unless its ``info`` says ``export: False``. A few columns are joined in
(an agency's region and the province, city and county above it) or read from the reports' check lists
(consistency_results, one row per check result, passed ones included).

A selection (report year, GB/T 2260 region code with its descendants, synthetic test data or not) picks reports; every table keeps
the rows of the selected reports, and ``agencies`` the agencies they belong to, so the package's foreign
keys always resolve. ``agencies`` and ``reports`` stream from one cursor each; the tables of report rows
one slice of report ids (itself from a cursor) at a time, each slice a bounded query on the report_id
index.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import asyncpg
from sqlalchemy import Boolean, Column, Integer, MetaData, Numeric, String
from sqlalchemy import Table as SqlTable

from db.models import Base
from loaders.canonical import GROUP_LABELS, PROACTIVE_METRICS, ROW_LABELS_2021

# Rows fetched per round trip from a cursor; reports per query for the tables of report rows and for
# reports.jsonl (200 reports are ~5,000 §3 rows: a few MB, however large the database).
FETCH_ROWS = 2000
REPORTS_PER_QUERY = 200

_LEVELS = {"province": "省级", "city": "地级", "county": "县级"}
_CATEGORIES = tuple(dict.fromkeys(c for cats in PROACTIVE_METRICS.values() for c in cats))
_METRICS = tuple(dict.fromkeys(m for cats in PROACTIVE_METRICS.values() for ms in cats.values() for m in ms))


@dataclass(frozen=True, slots=True)
class ExportColumn:
    """One column of an exported table: the model column (or one made for a joined value) and its SQL."""

    column: Column[Any]
    expression: str

    @property
    def name(self) -> str:
        return self.column.name


@dataclass(frozen=True, slots=True)
class ExportTable:
    """One exported table: its columns, the model table it comes from, and how its rows are read."""

    name: str
    model: SqlTable
    columns: tuple[ExportColumn, ...]
    source: str  # FROM … with the rows as ``t``
    order_by: str
    primary_key: tuple[str, ...]

    @property
    def per_report(self) -> bool:
        """Rows belong to reports: read a slice of reports at a time rather than the table in one sort."""
        return self.model.name != "report" and "report_id" in self.model.c

    def select(self) -> str:
        return f"SELECT {', '.join(c.expression for c in self.columns)} FROM {self.source}"


def exported(column: Column[Any]) -> bool:
    return column.info.get("export", True) is not False


def _plain(table: SqlTable, after: dict[str, list[ExportColumn]] | None = None) -> tuple[ExportColumn, ...]:
    """The table's exported columns as ``t.<name>``, each followed by the joined columns ``after`` names."""
    out: list[ExportColumn] = []
    for column in table.columns:
        if exported(column):
            out.append(ExportColumn(column, f't."{column.name}"'))
        out += (after or {}).get(column.name, [])
    return tuple(out)


def _joined(name: str, type_: Any, doc: str, expression: str, **info: Any) -> ExportColumn:
    return ExportColumn(Column(name, type_, doc=doc, info=info), expression)


def _in_order(column: str, keys: Iterable[str]) -> str:
    # Rows of one report in the order the report prints them; the primary-key index still gives report_id order.
    return f"array_position(ARRAY[{', '.join(repr(k) for k in keys)}]::text[], {column}::text)"


def _from_json(column: Column[Any]) -> str:
    """A check result's field from its JSON object ``t.v``, cast to the column's type."""
    value = f"t.v->>'{column.name}'"
    if isinstance(column.type, Numeric):
        return f"({value})::numeric"
    if isinstance(column.type, Integer):
        return f"({value})::bigint"
    if isinstance(column.type, Boolean):
        return f"({value})::boolean"
    return value


def _consistency(table: SqlTable) -> tuple[ExportColumn, ...]:
    """check_result's exported columns for every result: the keys from the report, the rest from the JSON."""
    position = _joined("position", Integer(), "Order of the check within the report (序号)", "t.position",
                       required=True)
    out: list[ExportColumn] = []
    for column in table.columns:
        if not exported(column):
            continue
        keyed = column.name in ("report_id", "cross_year")
        out.append(ExportColumn(column, f"t.{column.name}" if keyed else _from_json(column)))
        if column.name == "cross_year":
            out.append(position)
    return tuple(out)


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
# The filter's region and its subdivisions (region.parent_code chains downward).
_WITHIN_REGION = """within_region(code) AS (
    SELECT code FROM region WHERE code = {param}
    UNION ALL SELECT g.code FROM region g JOIN within_region w ON g.parent_code = w.code
)"""


@cache
def export_tables(metadata: MetaData = Base.metadata) -> dict[str, ExportTable]:
    """The exported tables, by name, in the order of the package, built from ``metadata``'s tables."""
    t = metadata.tables
    region = {
        "region_code": [
            _joined("region_name", String(), "Name of that division (行政区划名称)", "rg.name"),
            _joined("region_level", String(), "Level of that division: province, city, county or town (行政区划级别)",
                    "rg.level"),
        ],
        "region_hint": [
            _joined(f"{level}_{part}", String(), f"{what} of the {level} the agency lies in ({zh}行政区划{label})",
                    f"f.{level}_{part}")
            for level, zh in _LEVELS.items()
            for part, what, label in (("code", "GB/T 2260 code", "代码"), ("name", "Name", "名称"))
        ],
    }

    def keys(table: SqlTable) -> tuple[str, ...]:
        return tuple(c.name for c in table.primary_key.columns)

    tables = [
        ExportTable("agencies", t["agency"], _plain(t["agency"], region),
                    "agency t LEFT JOIN region rg ON rg.code = t.region_code LEFT JOIN flat f ON f.start = t.region_code",
                    "t.id", keys(t["agency"])),
        ExportTable("reports", t["report"], _plain(t["report"], {"agency_id": [_joined(
                        "synthetic", Boolean(), "True for generated test data, never a real report (合成数据)",
                        "ag.synthetic", required=True)]}),
                    "report t JOIN agency ag ON ag.id = t.agency_id", "t.id", keys(t["report"])),
        ExportTable("proactive_counts", t["proactive_count"], _plain(t["proactive_count"]), "proactive_count t",
                    f"t.report_id, {_in_order('t.category', _CATEGORIES)}, {_in_order('t.metric', _METRICS)}",
                    keys(t["proactive_count"])),
        ExportTable("application_outcomes", t["application_outcome"], _plain(t["application_outcome"]),
                    "application_outcome t", f"t.report_id, {_in_order('t.row_key', ROW_LABELS_2021)}",
                    keys(t["application_outcome"])),
        ExportTable("review_litigation", t["review_litigation"], _plain(t["review_litigation"]),
                    "review_litigation t", "t.report_id, " + _in_order('t."group"', GROUP_LABELS),
                    keys(t["review_litigation"])),
        ExportTable("value_provenance", t["value_provenance"], _plain(t["value_provenance"]), "value_provenance t",
                    "t.report_id, t.path", keys(t["value_provenance"])),
        # Passed checks live only in the report's JSON; every result is read from there.
        ExportTable("consistency_results", t["check_result"], _consistency(t["check_result"]),
                    """(SELECT r.id AS report_id, x.cross_year, e.position, e.v
                        FROM report r
                        CROSS JOIN LATERAL (VALUES (false, r.checks), (true, r.cross_checks)) AS x(cross_year, results)
                        CROSS JOIN LATERAL json_array_elements(x.results) WITH ORDINALITY AS e(v, position)) t""",
                    "t.report_id, t.cross_year, t.position", ("report_id", "cross_year", "position")),
        ExportTable("parse_issues", t["parse_issue"], _plain(t["parse_issue"]), "parse_issue t", "t.report_id, t.id",
                    keys(t["parse_issue"])),
    ]
    return {table.name: table for table in tables}


def _query(table: ExportTable, year: int | None, region: str | None, include_synthetic: bool,
           select: str | None = None) -> tuple[str, list[Any]]:
    """``agencies`` or ``reports`` (or ``select`` over the same ``t``) restricted to the selection, with parameters."""
    args: list[Any] = []

    def param(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    agencies = table.model.name == "agency"
    ctes = [_WITHIN_REGION.format(param=param(region))] if region else []
    if agencies:
        ctes.append(_REGION_LEVELS)
    where: list[str] = []
    in_region = "{}.region_code IN (SELECT code FROM within_region)"
    if agencies:
        if region:
            where.append(in_region.format("t"))
        if year is not None:
            where.append(f"EXISTS (SELECT 1 FROM report r WHERE r.agency_id = t.id AND r.year = {param(year)})")
        if not include_synthetic:
            where.append("NOT t.synthetic")
    elif year is not None or region or not include_synthetic:
        conds = [in_region.format("a")] if region else []
        if year is not None:
            conds.append(f"r.year = {param(year)}")
        if not include_synthetic:
            conds.append("NOT a.synthetic")
        selected = f"SELECT r.id FROM report r JOIN agency a ON a.id = r.agency_id WHERE {' AND '.join(conds)}"
        where.append(f"t.id IN ({selected})")  # reports; the tables of report rows go through report_ids
    return ((f"WITH RECURSIVE {', '.join(ctes)} " if ctes else "") + (select or table.select())
            + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {table.order_by}", args)


def read_only(conn: asyncpg.Connection) -> contextlib.AbstractAsyncContextManager[Any]:
    """One snapshot for everything exported together; a caller's transaction is reused as it is."""
    if conn.is_in_transaction():
        return contextlib.nullcontext()
    return conn.transaction(isolation="repeatable_read", readonly=True)


async def iter_rows(conn: asyncpg.Connection, table: ExportTable, *, year: int | None = None,
                    region: str | None = None, include_synthetic: bool = False) -> AsyncIterator[list[asyncpg.Record]]:
    """Batches of rows of one table, in column order, read through server-side cursors (synthetic test data
    only with ``include_synthetic``)."""
    async with read_only(conn):
        if not table.per_report:
            cursor = await conn.cursor(*_flat(_query(table, year, region, include_synthetic)))
            while batch := await cursor.fetch(FETCH_ROWS):
                yield batch
            return
        # A bounded query per slice of reports, on the report_id index: no sort of the whole table before
        # the first row, and no statement that grows with the database.
        rows = await conn.prepare(f"{table.select()} WHERE t.report_id = ANY($1::int[]) ORDER BY {table.order_by}")
        async for ids in report_ids(conn, year=year, region=region, include_synthetic=include_synthetic):
            if batch := await rows.fetch(ids):
                yield batch


def _flat(query: tuple[str, list[Any]]) -> list[Any]:
    return [query[0], *query[1]]


async def report_ids(conn: asyncpg.Connection, *, year: int | None = None, region: str | None = None,
                     include_synthetic: bool = False) -> AsyncIterator[list[int]]:
    """The selected reports' ids, in order, :data:`REPORTS_PER_QUERY` at a time."""
    reports = export_tables()["reports"]
    cursor = await conn.cursor(*_flat(_query(reports, year, region, include_synthetic, "SELECT t.id FROM report t")))
    while ids := await cursor.fetch(REPORTS_PER_QUERY):
        yield [r[0] for r in ids]


async def report_sources(conn: asyncpg.Connection, ids: list[int]) -> list[asyncpg.Record]:
    """Where each report came from (id, agency_id, synthetic, source_uri, source_format, sha256, parser_version)."""
    return await conn.fetch("SELECT r.id, r.agency_id, a.synthetic, r.source_uri, r.source_format, r.sha256, "
                            "r.parser_version FROM report r JOIN agency a ON a.id = r.agency_id "
                            "WHERE r.id = ANY($1::int[]) ORDER BY r.id", ids)
