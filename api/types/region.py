"""``Region``: a GB/T 2260 administrative division, with its parent, children and agencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Row
from strawberry.types import Info

from api.context import Context
from api.pagination import Connection, Page, connection_from_list
from api.types.enums import RegionLevel

if TYPE_CHECKING:
    from api.types.agency import Agency


@strawberry.type(description="An administrative division (province, city, county or town) by its GB/T 2260 code.")
class Region:
    code: str
    name: str
    level: RegionLevel
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row[Any]) -> Region:
        return cls(code=row.code, name=row.name, level=RegionLevel(row.level), parent_code=row.parent_code)

    @strawberry.field(description="The division this one belongs to; null for a province.")
    async def parent(self, info: Info[Context, None]) -> Region | None:
        if self.parent_code is None:
            return None
        row = await info.context.loaders.region.load(self.parent_code)
        return Region.from_row(row) if row else None

    @strawberry.field(description="The divisions directly below this one, by code.")
    async def children(self, info: Info[Context, None]) -> list[Region]:
        return [Region.from_row(row) for row in await info.context.loaders.region_children.load(self.code)]

    @strawberry.field(
        description="Agencies placed directly in this division, by name (use agencies(filter: {regionCode}) "
        "for every level below); synthetic ones only with includeSynthetic."
    )
    async def agencies(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        include_synthetic: bool = False,
    ) -> Connection[Annotated[Agency, strawberry.lazy("api.types.agency")]]:
        from api.types.agency import Agency

        page = Page.from_args(first, after)
        rows = await info.context.loaders.region_agencies.load(self.code)
        kept = [Agency.from_row(row) for row in rows if include_synthetic or not row.synthetic]
        return connection_from_list(kept, page)


async def load_region(info: Info[Context, None], code: str | None) -> Region | None:
    """The region of a code through the request's loader (null code or unknown code: null)."""
    if code is None:
        return None
    row = await info.context.loaders.region.load(code)
    return Region.from_row(row) if row else None
