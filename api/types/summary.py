"""``SummaryGroup``: one group of ``summary`` — report counts and the sums of every §3 and §4 cell."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.types.applications import Applications
from api.types.enums import AgencyKind, Template
from api.types.region import Region
from api.types.reviews import Reviews


@strawberry.enum(description="What summary groups by; regions are the agency's ancestors at that level.")
class SummaryDimension(Enum):
    YEAR = "year"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    KIND = "kind"
    TEMPLATE = "template"


@strawberry.type(description="One group: its key (null for dimensions not grouped by) and its aggregates.")
class SummaryGroup:
    year: int | None
    kind: AgencyKind | None
    template: Template | None
    reports: int = strawberry.field(description="Reports in the group.")
    inconsistent_reports: int = strawberry.field(description="Reports with at least one failed check.")
    applications: Applications = strawberry.field(
        description="§3 sums per row × column (a cell sums to null when every report left it empty)."
    )
    reviews: Reviews = strawberry.field(description="§4 sums per group × result.")
    # The regions come with the groups (one statement for all of them), not through a loader per group.
    province: Region | None
    city: Region | None
    county: Region | None
