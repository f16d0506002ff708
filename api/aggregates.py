"""``summary`` in SQL: GROUP BY the chosen dimensions, three statements run side by side.

One statement counts reports, one sums §3 per (group, row), one sums §4 per (group, §4 group); Python only
arranges the summed rows into objects. Region dimensions walk up to four parent links, because the
hierarchy skips levels where the State does (counties of 重庆市 sit directly under the province).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, func, select, text
from sqlalchemy.orm import aliased

from api.dataloaders import Sessions
from api.filters import ReportFilter, report_conditions
from api.types.applications import ALL_ROW_KEYS, ApplicationRow, Applications, row_label
from api.types.reviews import ReviewCounts, Reviews
from api.types.summary import SummaryDimension, SummaryGroup
from db import models
from loaders.canonical import APPLICANT_COLUMNS, REVIEW_RESULTS

_REGION_LEVELS = {SummaryDimension.PROVINCE: "province", SummaryDimension.CITY: "city", SummaryDimension.COUNTY: "county"}
_ANCESTRY = 4  # town → county → city → province
# Enough memory for a hash aggregate over millions of §3 cells instead of a sort spilled to disk.
_WORK_MEM = "64MB"


class _Query:
    """The FROM/WHERE shared by the three statements, and the grouped columns."""

    def __init__(self, filter: ReportFilter | None, dimensions: Sequence[SummaryDimension]) -> None:
        self.dimensions = list(dict.fromkeys(dimensions))
        r, a = models.Report, models.Agency
        self.conditions = report_conditions(filter)
        self.regions = [aliased(models.Region, name=f"r{i}") for i in range(_ANCESTRY)]
        self.columns: list[ColumnElement[Any]] = [self._column(d).label(d.value) for d in self.dimensions]
        self.needs_regions = any(d in _REGION_LEVELS for d in self.dimensions)
        self._from = r.__table__.join(a.__table__, a.id == r.agency_id)
        if self.needs_regions:
            previous = a.region_code
            for region in self.regions:
                self._from = self._from.outerjoin(region, region.code == previous)
                previous = region.parent_code

    def _column(self, dimension: SummaryDimension) -> ColumnElement[Any]:
        r, a = models.Report, models.Agency
        if dimension is SummaryDimension.YEAR:
            return r.year
        if dimension is SummaryDimension.TEMPLATE:
            return r.template
        if dimension is SummaryDimension.KIND:
            return a.kind
        level = _REGION_LEVELS[dimension]
        return case(*((region.level == level, region.code) for region in self.regions))

    def select(
        self,
        *aggregates: ColumnElement[Any],
        extra: Sequence[ColumnElement[Any]] = (),
        join: tuple[Any, ColumnElement[bool]] | None = None,
    ) -> Select[Any]:
        """GROUP BY the dimensions (and ``extra``), optionally joining a per-report table first."""
        grouped = [*self.columns, *extra]
        source = self._from.join(*join) if join else self._from
        statement = select(*grouped, *aggregates).select_from(source).where(*self.conditions)
        return statement.group_by(*(getattr(c, "element", c) for c in grouped))


async def summarize(
    sessions: Sessions, filter: ReportFilter | None, dimensions: Sequence[SummaryDimension]
) -> list[SummaryGroup]:
    """The groups of ``summary``, ordered by their keys (nulls last)."""
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
        _fetch(sessions, counts), _fetch(sessions, applications), _fetch(sessions, reviews)
    )
    return _assemble(q.dimensions, count_rows, application_rows, review_rows)


async def _fetch(sessions: Sessions, statement: Select[Any]) -> Sequence[Row[Any]]:
    async with sessions() as session:
        # LOCAL: lasts for this transaction only, so it is safe behind PgBouncer in transaction mode.
        await session.execute(text(f"SET LOCAL work_mem = '{_WORK_MEM}'"))
        return (await session.execute(statement)).all()


def _key(dimensions: Sequence[SummaryDimension], row: Row[Any]) -> tuple[Any, ...]:
    return tuple(getattr(row, d.value) for d in dimensions)


def _assemble(
    dimensions: Sequence[SummaryDimension],
    count_rows: Sequence[Row[Any]],
    application_rows: Sequence[Row[Any]],
    review_rows: Sequence[Row[Any]],
) -> list[SummaryGroup]:
    cells: dict[tuple[Any, ...], dict[str, Row[Any]]] = {}
    for row in application_rows:
        cells.setdefault(_key(dimensions, row), {})[row.row_key] = row
    groups: dict[tuple[Any, ...], dict[str, Row[Any]]] = {}
    for row in review_rows:
        groups.setdefault(_key(dimensions, row), {})[row.group] = row
    result = []
    for row in sorted(count_rows, key=lambda row: [(v is None, v) for v in _key(dimensions, row)]):
        key = _key(dimensions, row)
        values = dict(zip((d.value for d in dimensions), key, strict=True))
        by_row = cells.get(key, {})
        by_group = groups.get(key, {})
        result.append(
            SummaryGroup(
                year=values.get("year"),
                kind=values.get("kind"),
                template=values.get("template"),
                province_code=values.get("province"),
                city_code=values.get("city"),
                county_code=values.get("county"),
                reports=row.reports,
                inconsistent_reports=row.inconsistent,
                applications=Applications(
                    rows=[ApplicationRow.build(k, row_label(k), by_row.get(k)) for k in ALL_ROW_KEYS]
                ),
                reviews=Reviews(
                    review=ReviewCounts.build(by_group.get("review")),
                    litigation_direct=ReviewCounts.build(by_group.get("litigation_direct")),
                    litigation_after_review=ReviewCounts.build(by_group.get("litigation_after_review")),
                ),
            )
        )
    return result
