"""``summary`` in SQL: GROUP BY the chosen dimensions, from the rollup table when the filter allows.

``summary_rollup`` (kept by the writer, see ``db.rollup``) holds per (year, template, kind, agency region,
synthetic) the report counts and every cell's sum: when the filter only names those fields, one statement
over it answers. Other filters (consistency, issues, name search) aggregate the raw rows instead: one
statement counts reports, one sums §3 per (group, row), one sums §4 per (group, §4 group). Python only
arranges the summed rows into objects. Region dimensions walk up to four parent links, because the
hierarchy skips levels where the State does (counties of 重庆市 sit directly under the province).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    FromClause,
    Row,
    Select,
    SQLColumnExpression,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import aliased
from strawberry.types.nodes import SelectedField
from strawberry.utils.str_converters import to_camel_case

from api.dataloaders import Sessions, fetch
from api.filters import (
    ReportFilter,
    bound,
    region_subtree,
    report_conditions,
    synthetic_conditions,
    year_template_conditions,
)
from api.pagination import children
from api.types.applications import Applications
from api.types.enums import AgencyKind, RegionLevel, Template, value_of
from api.types.region import Region
from api.types.reviews import Reviews
from api.types.summary import SummaryDimension, SummaryGroup
from db import models
from db.pool import ReadPool, prepare_bound
from loaders.canonical import APPLICANT_COLUMNS, REVIEW_GROUPS, REVIEW_RESULTS

_REGION_LEVELS = {SummaryDimension.PROVINCE: "province", SummaryDimension.CITY: "city", SummaryDimension.COUNTY: "county"}
_ANCESTRY = 4  # town → county → city → province
_TYPENAME = "__typename"
# Filter fields the rollup cannot answer: they select reports by what the rollup does not keep.
_RAW_ONLY = ("has_inconsistency", "failed_check", "has_issues", "search", "agency_id")
_ROLLUP_ROWS = tuple(dict.fromkeys(row for row, _, _ in models.ROLLUP_APPLICATION_CELLS))
# Each row's seven columns in APPLICANT_COLUMNS order, each §4 group's five results in REVIEW_RESULTS order.
assert [(r, c) for r, c, _ in models.ROLLUP_APPLICATION_CELLS] == [(r, c) for r in _ROLLUP_ROWS for c in APPLICANT_COLUMNS]
assert [(g, r) for g, r, _ in models.ROLLUP_REVIEW_CELLS] == [(g, r) for g in REVIEW_GROUPS for r in REVIEW_RESULTS]


# Every cell's sum in two bigint[][] columns: the §3 rows × their seven columns, and
# the §4 groups × their five results. Two array columns, written once: 190 labelled columns cost more to
# build, key, send and decode than the aggregation itself, and asyncpg hands back each row's run as a list.
# The sums add float8, not bigint: SUM(bigint) accumulates in numeric, which took two thirds of the
# statement. Whole numbers add exactly in float8 while every partial sum stays below 2**53 (9·10**15): no
# count of applications comes near that.
_APPLICATION_RUNS = [[cell for r, _, cell in models.ROLLUP_APPLICATION_CELLS if r == row] for row in _ROLLUP_ROWS]
_REVIEW_RUNS = [[cell for g, _, cell in models.ROLLUP_REVIEW_CELLS if g == group] for group in REVIEW_GROUPS]
_COLUMNS = {to_camel_case(column): column for column in APPLICANT_COLUMNS}  # GraphQL field → §3 column
_GROUPS = {to_camel_case(group): group for group in REVIEW_GROUPS}  # GraphQL field → §4 group
_RESULTS = {result: result for result in REVIEW_RESULTS}  # GraphQL field → §4 result (the same names)


@lru_cache(maxsize=64)
def _cell_sums(wanted: frozenset[str] | None) -> tuple[Any, Any]:
    """The §3 and §4 arrays of sums, null in the place of each cell not ``wanted`` (None: every cell)."""

    def array(name: str, runs: Sequence[Sequence[str]]) -> Any:
        sums = ("ARRAY[{}]".format(", ".join(
            f'sum(summary_rollup."{cell}"::float8)' if wanted is None or cell in wanted else "NULL" for cell in run))
            for run in runs)
        return literal_column("ARRAY[{}]::bigint[]".format(", ".join(sums))).label(name)

    return array("cells", _APPLICATION_RUNS), array("reviews", _REVIEW_RUNS)


def wanted_cells(fields: Sequence[SelectedField]) -> frozenset[str] | None:
    """The rollup cells a selection on summary groups reads; None when it may read any (e.g. ``matrix``).

    A dashboard that charts each §3 row's total reads 28 sums, not 190, and summing the others was a fifth
    of the response time. Any field not known here makes every cell wanted.
    """
    cells: set[str] = set()
    for selection in children(fields, "applications"):
        if selection.name == _TYPENAME:
            continue
        if selection.name == "rows":
            rows: Sequence[str] = _ROLLUP_ROWS
        elif selection.name == "row" and isinstance(selection.arguments.get("key"), str):
            rows = [selection.arguments["key"]]
        else:  # matrix, or a field added later
            return None
        columns = _wanted(selection, _COLUMNS, ("key", "label"))
        if columns is None:
            return None
        cells.update(f"{row}__{column}" for row in rows for column in columns)
    for selection in children(fields, "reviews"):
        if selection.name == _TYPENAME:
            continue
        results = _wanted(selection, _RESULTS, ())
        if selection.name not in _GROUPS or results is None:
            return None
        cells.update(f"{_GROUPS[selection.name]}__{result}" for result in results)
    return frozenset(cells)


def _wanted(field: SelectedField, known: Mapping[str, str], other: Sequence[str]) -> set[str] | None:
    """The columns ``field`` selects (by ``known``: GraphQL name → column), or None for an unknown field."""
    columns = set()
    for child in children([field], field.name):
        if child.name in known:
            columns.add(known[child.name])
        elif child.name != _TYPENAME and child.name not in other:
            return None
    return columns


@dataclass(slots=True)
class _Sums:
    """One group's aggregates, whichever statement produced them."""

    reports: int
    inconsistent: int
    rows: dict[str, Sequence[Any]] = field(default_factory=dict)  # §3 row key → the seven columns
    groups: dict[str, Sequence[Any]] = field(default_factory=dict)  # §4 group → the five results


def _region_chain(source: FromClause | Any, region_code: SQLColumnExpression[Any]) -> tuple[Any, list[Any]]:
    """``source`` outer-joined to the region of ``region_code`` and its ancestors, and those aliases."""
    regions = [aliased(models.Region, name=f"r{i}") for i in range(_ANCESTRY)]
    previous: SQLColumnExpression[Any] = region_code
    for region in regions:
        source = source.outerjoin(region, region.code == previous)
        previous = region.parent_code
    return source, regions


def _level(regions: Sequence[Any], dimension: SummaryDimension) -> ColumnElement[Any]:
    """The ancestor at the dimension's level, whichever link it sits on."""
    level = _REGION_LEVELS[dimension]
    return case(*((region.level == level, region.code) for region in regions))


class _Query:
    """The FROM/WHERE shared by the three statements, and the grouped columns."""

    def __init__(self, filter: ReportFilter | None, dimensions: Sequence[SummaryDimension]) -> None:
        self.dimensions = list(dict.fromkeys(dimensions))
        r, a = models.Report, models.Agency
        self.conditions = report_conditions(filter)
        self._from: Any = r.__table__.join(a.__table__, a.id == r.agency_id)
        self.regions: list[Any] = []
        if any(d in _REGION_LEVELS for d in self.dimensions):
            self._from, self.regions = _region_chain(self._from, a.region_code)
        self.columns: list[ColumnElement[Any]] = [self._column(d).label(d.value) for d in self.dimensions]

    def _column(self, dimension: SummaryDimension) -> SQLColumnExpression[Any]:
        r, a = models.Report, models.Agency
        if dimension is SummaryDimension.YEAR:
            return r.year
        if dimension is SummaryDimension.TEMPLATE:
            return r.template
        if dimension is SummaryDimension.KIND:
            return a.kind
        return _level(self.regions, dimension)

    def select(
        self,
        *aggregates: ColumnElement[Any],
        extra: Sequence[SQLColumnExpression[Any]] = (),
        join: tuple[Any, ColumnElement[bool]] | None = None,
    ) -> Select[Any]:
        """GROUP BY the dimensions (and ``extra``), optionally joining a per-report table first."""
        grouped = [*self.columns, *extra]
        source = self._from.join(*join) if join else self._from
        statement = select(*grouped, *aggregates).select_from(source).where(*self.conditions)
        return statement.group_by(*(getattr(c, "element", c) for c in grouped))


async def summarize(
    sessions: Sessions,
    reads: ReadPool,
    filter: ReportFilter | None,
    dimensions: Sequence[SummaryDimension],
    cells: frozenset[str] | None = None,
    *,
    work_mem: str,
) -> list[SummaryGroup]:
    """The groups of ``summary``, ordered by their keys (nulls last).

    ``cells`` (see :func:`wanted_cells`) may name the only §3/§4 cells that will be read; the others may
    then be null. None: all of them. ``work_mem`` is PostgreSQL's, for a summary over the reports
    themselves (``XXGK_SUMMARY_WORK_MEM``).
    """
    if rollup_answers(filter):
        return await _from_rollup(sessions, reads, filter, dimensions, cells)
    return await _from_reports(sessions, filter, dimensions, work_mem)


def rollup_answers(filter: ReportFilter | None) -> bool:
    """Whether ``summary_rollup`` can answer this filter (it names only fields the rollup is keyed by)."""
    return filter is None or not any(getattr(filter, name) not in (None, "") for name in _RAW_ONLY)


async def _from_rollup(
    sessions: Sessions,
    reads: ReadPool,
    filter: ReportFilter | None,
    dimensions: Sequence[SummaryDimension],
    cells: frozenset[str] | None = None,
) -> list[SummaryGroup]:
    dimensions = list(dict.fromkeys(dimensions))
    filter_shape, values = bound(filter)  # validates the filter's values exactly as the raw path does
    # The province grain has a few hundred rows where the region grain has one per county and year.
    by_province = not (filter and filter.region_code is not None) and not {
        SummaryDimension.CITY, SummaryDimension.COUNTY} & set(dimensions)
    named = by_province and SummaryDimension.PROVINCE in dimensions
    # One statement per shape and process, run on the read pool: no transaction, nothing built per request.
    statement = prepare_bound(("summary", tuple(dimensions), cells, filter_shape),
                              lambda: _rollup_statement(filter, dimensions, cells, by_province=by_province))
    names: dict[str, Region] | None = {} if named else None
    # Read by position (the columns above, then the region's): a name costs ten times as much per value.
    width = len(dimensions)
    province = dimensions.index(SummaryDimension.PROVINCE) if names is not None else -1
    sums = {}
    for row in await reads.fetch(statement.sql, statement.args(**values)):  # a few thousand rollup rows
        if names is not None and row[width + 4] is not None and row[province] not in names:
            code = row[province]
            names[code] = Region(code=code, name=row[width + 4], level=RegionLevel(row[width + 5]), parent_code=row[width + 6])
        sums[tuple(row[:width])] = _Sums(row[width], row[width + 1],
                                         dict(zip(_ROLLUP_ROWS, row[width + 2], strict=True)),
                                         dict(zip(REVIEW_GROUPS, row[width + 3], strict=True)))
    return await _assemble(sessions, dimensions, sums, names)


def _rollup_statement(filter: ReportFilter | None, dimensions: Sequence[SummaryDimension],
                      cells: frozenset[str] | None, *, by_province: bool) -> Select[Any]:
    """The groups' sums over ``summary_rollup`` (with their provinces' names when grouped by province)."""
    s = models.SummaryRollup.__table__.c
    source: Any = models.SummaryRollup.__table__
    plain: dict[SummaryDimension, ColumnElement[Any]] = {
        SummaryDimension.YEAR: s.year, SummaryDimension.TEMPLATE: s.template, SummaryDimension.KIND: s.kind}
    regions: list[Any] = []
    if by_province:
        plain[SummaryDimension.PROVINCE] = func.nullif(s.region_code, "")
    elif any(d in _REGION_LEVELS for d in dimensions):
        # '' (no region) matches no region row: every level is null, as for an agency without a region.
        source, regions = _region_chain(source, s.region_code)
    columns = [(plain[d] if d in plain else _level(regions, d)).label(d.value) for d in dimensions]
    statement = (
        select(
            *columns,
            # Zero, not null, over no row: COUNT(*) of the raw path says 0 for an empty ungrouped summary.
            cast(func.coalesce(func.sum(s.reports), 0), BigInteger).label("reports"),
            cast(func.coalesce(func.sum(s.inconsistent_reports), 0), BigInteger).label("inconsistent"),
            *_cell_sums(cells),
        )
        .select_from(source)
        .where(s.grain == ("province" if by_province else "region"), *_rollup_conditions(filter))
        .group_by(*(c.element for c in columns))
    )
    if by_province and SummaryDimension.PROVINCE in dimensions:
        # The provinces come with their sums: one statement, not a second round trip for their names.
        grouped, region = statement.subquery("grouped"), models.Region.__table__
        statement = select(
            grouped, region.c.name.label("region_name"), region.c.level.label("region_level"),
            region.c.parent_code.label("region_parent"),
        ).select_from(grouped.outerjoin(region, region.c.code == grouped.c.province))
    return statement


def rollup_count(filter: ReportFilter | None) -> Any:
    """How many reports ``filter`` keeps, summed from ``summary_rollup`` (for a filter it answers, see
    :func:`rollup_answers`): exact, as the writer keeps the rollup in the transaction that writes the
    reports, and a sum over a few hundred rows where ``count(*)`` reads an index entry per report."""
    s = models.SummaryRollup.__table__.c
    grain = "region" if filter is not None and filter.region_code is not None else "province"
    total = func.coalesce(func.sum(s.reports), 0)
    conditions = _rollup_conditions(filter, subtree="counted_region_tree")  # beside the page's own region_tree
    return select(cast(total, BigInteger)).where(s.grain == grain, *conditions).scalar_subquery()


def _rollup_conditions(f: ReportFilter | None, subtree: str = "region_tree") -> list[ColumnElement[bool]]:
    """The filter over ``summary_rollup``, field by field as ``api.filters`` states it over the reports."""
    s = models.SummaryRollup.__table__.c
    if f is None:
        return synthetic_conditions(f, s.synthetic)
    conditions = year_template_conditions(f, s.year, s.template)
    if f.region_code is not None:
        conditions.append(s.region_code.in_(region_subtree(f.region_code, subtree)))
    if f.kind is not None:
        conditions.append(s.kind == bindparam("filter_kind", value_of(f.kind)))
    return conditions + synthetic_conditions(f, s.synthetic)


async def _from_reports(
    sessions: Sessions, filter: ReportFilter | None, dimensions: Sequence[SummaryDimension], work_mem: str
) -> list[SummaryGroup]:
    q = _Query(filter, dimensions)
    r, ao, rl = models.Report, models.ApplicationOutcome, models.ReviewLitigation
    counts = q.select(func.count().label("reports"), func.count().filter(r.checks_failed > 0).label("inconsistent"))
    applications = q.select(
        *(func.sum(getattr(ao, c)).label(c) for c in APPLICANT_COLUMNS),
        extra=[ao.row_key],
        join=(ao.__table__, ao.report_id == r.id),
    )
    reviews = q.select(
        *(func.sum(getattr(rl, c)).label(c) for c in REVIEW_RESULTS),
        extra=[rl.group],
        join=(rl.__table__, rl.report_id == r.id),
    )
    count_rows, application_rows, review_rows = await asyncio.gather(
        *(fetch(sessions, statement, work_mem=work_mem) for statement in (counts, applications, reviews))
    )
    sums = {_key(q.dimensions, row): _Sums(row.reports, row.inconsistent) for row in count_rows}
    width = len(q.dimensions) + 1  # the keys, then the row key or §4 group, then the sums
    for row in application_rows:
        sums[_key(q.dimensions, row)].rows[row.row_key] = tuple(row)[width:]
    for row in review_rows:
        sums[_key(q.dimensions, row)].groups[row.group] = tuple(row)[width:]
    return await _assemble(sessions, q.dimensions, sums)


def _key(dimensions: Sequence[SummaryDimension], row: Row[Any]) -> tuple[Any, ...]:
    return tuple(getattr(row, d.value) for d in dimensions)


async def _regions(sessions: Sessions, codes: set[str]) -> dict[str, Region]:
    """The groups' regions in one statement, so each group answers ``province { name }`` without a loader."""
    if not codes:
        return {}
    table = models.Region.__table__
    statement = select(table.c.code, table.c.name, table.c.level, table.c.parent_code).where(
        table.c.code.in_(sorted(codes))
    )
    return {row.code: Region.from_row(row) for row in await fetch(sessions, statement)}


def _member(enum: Any, value: str | None) -> Any:
    return None if value is None else enum(value)


async def _assemble(
    sessions: Sessions,
    dimensions: Sequence[SummaryDimension],
    sums: Mapping[tuple[Any, ...], _Sums],
    regions: Mapping[str, Region] | None = None,
) -> list[SummaryGroup]:
    """The groups, in key order; their regions are fetched unless ``regions`` already holds them."""
    if regions is None:
        positions = [i for i, d in enumerate(dimensions) if d in _REGION_LEVELS]
        regions = await _regions(sessions, {key[i] for key in sums for i in positions if key[i] is not None})
    result = []
    for key in sorted(sums, key=lambda key: [(v is None, v) for v in key]):
        group = sums[key]
        values = dict(zip((d.value for d in dimensions), key, strict=True))
        result.append(
            SummaryGroup(
                year=values.get("year"),
                kind=_member(AgencyKind, values.get("kind")),
                template=_member(Template, values.get("template")),
                province=regions.get(values.get("province") or ""),
                city=regions.get(values.get("city") or ""),
                county=regions.get(values.get("county") or ""),
                reports=group.reports,
                inconsistent_reports=group.inconsistent,
                applications=Applications(template=None, cells=group.rows),
                reviews=Reviews.of(group.groups),
            )
        )
    return result
