"""``Agency``: an agency that publishes reports, with its region, reports and data quality."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Row
from strawberry.types import Info

from api.context import Context
from api.pagination import Connection, Page, connection_from_list
from api.types.consistency import DataQuality
from api.types.enums import AgencyKind
from api.types.region import Region, load_region

if TYPE_CHECKING:
    from api.types.report import Report


@strawberry.type(description="An agency (a township, a government, a department) that publishes annual reports.")
class Agency:
    id: int
    name: str
    kind: AgencyKind = strawberry.field(description="Township, county government, department, …")
    region_hint: str | None = strawberry.field(description="The place as the report names it.")
    synthetic: bool = strawberry.field(description="True for generated test data.")
    region_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row[Any]) -> Agency:
        return cls(
            id=row.id,
            name=row.name,
            kind=AgencyKind(row.kind),
            region_hint=row.region_hint,
            synthetic=row.synthetic,
            region_code=row.region_code,
        )

    @strawberry.field(description="The division the agency belongs to (null when it could not be placed).")
    async def region(self, info: Info[Context, None]) -> Region | None:
        return await load_region(info, self.region_code)

    @strawberry.field(description="The agency's reports, oldest first, optionally only some years.")
    async def reports(
        self,
        info: Info[Context, None],
        years: list[int] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Annotated[Report, strawberry.lazy("api.types.report")]]:
        from api.types.report import Report

        page = Page.from_args(first, after)
        rows = await info.context.loaders.agency_reports.load(self.id)
        wanted = set(years) if years is not None else None
        return connection_from_list([Report.from_row(r) for r in rows if wanted is None or r.year in wanted], page)

    @strawberry.field(description="The agency's report of one year, if loaded.")
    async def report(
        self, info: Info[Context, None], year: int
    ) -> Annotated[Report, strawberry.lazy("api.types.report")] | None:
        from api.types.report import Report

        row = await info.context.loaders.report_by_agency_year.load((self.id, year))
        return Report.from_row(row) if row else None

    @strawberry.field(description="Consistency and completeness over all the agency's reports.")
    async def data_quality(self, info: Info[Context, None]) -> DataQuality:
        return DataQuality.from_row(await info.context.loaders.data_quality.load(self.id))


async def load_agency(info: Info[Context, None], agency_id: int) -> Agency | None:
    """An agency by id through the request's loader."""
    row = await info.context.loaders.agency.load(agency_id)
    return Agency.from_row(row) if row else None
