"""The root ``Query``: agencies, reports, regions, years and the ``summary`` aggregates."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func, select
from strawberry.types import Info

from api.aggregates import summarize, wanted_cells
from api.changes import ReportChange, changes_page
from api.context import Context
from api.dataloaders import AGENCY_COLUMNS, REGION_COLUMNS, fetch
from api.errors import UserError
from api.failures import count_failed_checks
from api.filters import ReportFilter, agencies_conditions, report_table_conditions
from api.inputs import MAX_SEARCH_CHARS, text_argument
from api.limits import check_summary_cost
from api.pagination import Connection, Page, connection, selected
from api.planner import NOT_PLANNED, report_by_id
from api.ranking import count_agencies, rank_agencies
from api.report_pages import reports_page
from api.types.agency import Agency, load_agency
from api.types.consistency import FailedCheck
from api.types.enums import RegionLevel, Template, value_of
from api.types.ranking import AgencyMeasure, AgencyRank
from api.types.region import Region, load_region
from api.types.report import Report
from api.types.summary import SummaryDimension, SummaryGroup
from api.types.year import Year
from db import models


@strawberry.enum(description="Order of reports; ties are broken by id.")
class ReportOrder(Enum):
    ID = "id"
    YEAR = "year"
    YEAR_DESC = "year_desc"
    AGENCY_NAME = "agency_name"
    CHECKS_FAILED_DESC = "checks_failed_desc"
    PUBLISHED_AT_DESC = "published_at_desc"


@strawberry.enum(description="Order of agencies; ties are broken by id.")
class AgencyOrder(Enum):
    NAME = "name"
    ID = "id"
    REGION_CODE = "region_code"
    PASS_RATE = "pass_rate"  # data quality, worst first (agencies with nothing checkable last)
    PASS_RATE_DESC = "pass_rate_desc"


def _pass_rate() -> ColumnElement[Any]:
    """The agency's share of checkable checks that passed, over all its reports (dataQuality.passRate)."""
    r = models.Report
    checked = func.nullif(func.sum(r.checks_passed + r.checks_failed), 0)
    return (
        select(func.sum(r.checks_passed) * 1.0 / checked).where(r.agency_id == models.Agency.id).scalar_subquery()
    )


def _agency_order(order: AgencyOrder) -> list[SQLColumnExpression[Any]]:
    a = models.Agency
    if order in (AgencyOrder.PASS_RATE, AgencyOrder.PASS_RATE_DESC):
        rate = _pass_rate()
        return [(rate.asc() if order is AgencyOrder.PASS_RATE else rate.desc()).nulls_last(), a.id]
    first: dict[AgencyOrder, list[SQLColumnExpression[Any]]] = {
        AgencyOrder.NAME: [a.name], AgencyOrder.ID: [], AgencyOrder.REGION_CODE: [a.region_code.nulls_last()]}
    return [*first[order], a.id]


async def _page(
    info: Info[Context, None], rows_of: Select[Any], count_of: Select[Any], order: list[Any], page: Page
) -> tuple[list[Any], Any]:
    """One page of rows (plus one to tell whether more follow) and a lazy total count."""
    sessions = info.context.read_sessions
    rows = await fetch(sessions, rows_of.order_by(*order).offset(page.offset).limit(page.limit + 1))

    async def count() -> int:
        return (await fetch(sessions, count_of))[0][0]

    return list(rows), count


@strawberry.type
class Query:
    @strawberry.field(description="One agency, by id or by exact name and region code.")
    async def agency(
        self,
        info: Info[Context, None],
        id: int | None = None,
        name: str | None = None,
        region_code: str | None = None,
    ) -> Agency | None:
        if id is not None:
            return await load_agency(info, id)
        text_argument("name", name)
        text_argument("regionCode", region_code)
        if name is None or region_code is None:
            raise UserError("agency needs an id, or a name and a regionCode")
        a = models.Agency
        rows = await fetch(
            info.context.read_sessions,
            select(*AGENCY_COLUMNS).where(a.name == name, a.region_code == region_code).order_by(a.id).limit(1),
        )
        return Agency.from_row(rows[0]) if rows else None

    @strawberry.field(
        description="Agencies; report fields of the filter (year, template, hasInconsistency, …) keep the "
        "agencies with at least one such report."
    )
    async def agencies(
        self,
        info: Info[Context, None],
        filter: ReportFilter | None = None,
        order_by: AgencyOrder = AgencyOrder.NAME,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Agency]:
        page = Page.from_args(first, after)
        conditions = agencies_conditions(filter)
        rows, count = await _page(
            info,
            select(*AGENCY_COLUMNS).where(*conditions),
            select(func.count()).select_from(models.Agency).where(*conditions),
            _agency_order(order_by),
            page,
        )
        return connection([Agency.from_row(row) for row in rows], page, count, fetched_extra=True)

    @strawberry.field(
        description="Agencies with reports the filter keeps, ranked over all of them by one measure summed over "
        "those reports (descending unless `ascending`; agencies without the measure last, ties by id)."
    )
    async def agency_ranking(
        self,
        info: Info[Context, None],
        filter: ReportFilter | None = None,
        by: AgencyMeasure = AgencyMeasure.APPLICATIONS,
        ascending: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AgencyRank]:
        page = Page.from_args(first, after)
        sessions = info.context.read_sessions
        ranks = await rank_agencies(sessions, filter, by, ascending, page)

        async def count() -> int:
            return await count_agencies(sessions, filter)

        return connection(ranks, page, count, fetched_extra=True)

    @strawberry.field(description="The check codes that failed in the reports the filter keeps, most reports first.")
    async def failed_checks(self, info: Info[Context, None], filter: ReportFilter | None = None) -> list[FailedCheck]:
        return await count_failed_checks(info.context.read_sessions, filter)

    @strawberry.field(description="One report by id.")
    async def report(self, info: Info[Context, None], id: int) -> Report | None:
        planned = await report_by_id(info, id)
        if planned is not NOT_PLANNED:
            return planned  # type: ignore[return-value]  # the response itself, inserted as it is
        row = await info.context.loaders.report.load(id)
        return Report.from_row(row) if row else None

    @strawberry.field(description="Reports, filtered and ordered.")
    async def reports(
        self,
        info: Info[Context, None],
        filter: ReportFilter | None = None,
        order_by: ReportOrder = ReportOrder.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Report]:
        return await reports_page(info, filter, order_by, Page.from_args(first, after))

    @strawberry.field(
        description="The change feed: reports added, replaced and removed, oldest first. A cursor stays valid "
        "across restarts and later writes; pass the last `endCursor` as `after` to read on from there."
    )
    async def changes(self, info: Info[Context, None], after: str | None = None,
                      first: int | None = None) -> Connection[ReportChange]:
        return await changes_page(info, after, first)

    @strawberry.field(description="One region by code.")
    async def region(self, info: Info[Context, None], code: str) -> Region | None:
        return await load_region(info, text_argument("code", code) or "")

    @strawberry.field(description="Regions by code, optionally of one level, below one parent, or matching a name.")
    async def regions(
        self,
        info: Info[Context, None],
        level: RegionLevel | None = None,
        parent_code: str | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Region]:
        page = Page.from_args(first, after)
        g = models.Region
        text_argument("parentCode", parent_code)
        text_argument("search", search, MAX_SEARCH_CHARS)
        conditions: list[ColumnElement[bool]] = []
        if level is not None:
            conditions.append(g.level == value_of(level))
        if parent_code is not None:
            conditions.append(g.parent_code == parent_code)
        if search:
            conditions.append(g.name.icontains(search.strip(), autoescape=True))
        rows, count = await _page(
            info,
            select(*REGION_COLUMNS).where(*conditions),
            select(func.count()).select_from(g).where(*conditions),
            [g.code],
            page,
        )
        return connection([Region.from_row(row) for row in rows], page, count, fetched_extra=True)

    @strawberry.field(
        description="Report years with their template and the number of reports the filter keeps, oldest first "
        "(years without such reports are left out)."
    )
    async def years(self, info: Info[Context, None], filter: ReportFilter | None = None) -> list[Year]:
        y, r = models.Year, models.Report
        rows = await fetch(
            info.context.read_sessions,
            # A year whose reports all moved away keeps its row (reports reference it): it is no year to list.
            select(y.year, y.template, func.count(r.id).label("reports"))
            .join(r, r.year == y.year)
            .where(*report_table_conditions(filter))
            .group_by(y.year, y.template)
            .order_by(y.year),
        )
        return [Year(year=row.year, template=Template(row.template), report_count=row.reports) for row in rows]

    @strawberry.field(
        description="Aggregates computed in SQL: per group, report counts and the sums of every §3 row × column "
        "and §4 cell. Without groupBy, one group over everything the filter keeps."
    )
    async def summary(
        self,
        info: Info[Context, None],
        filter: ReportFilter | None = None,
        group_by: list[SummaryDimension] | None = None,
    ) -> list[SummaryGroup]:
        context = info.context
        context.summary_cost = check_summary_cost(info._raw_info, group_by or [], filter, context.summary_cost,
                                                  context.settings.max_query_cost)
        return await summarize(info.context.read_sessions, info.context.reads, filter, group_by or [], wanted_cells(selected(info)),
                               work_mem=info.context.settings.summary_work_mem)
