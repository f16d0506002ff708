"""``Year``: a report year, its national template and how many reports it has."""

from __future__ import annotations

import strawberry

from api.types.enums import Template


@strawberry.type(description="A report year and the national template in force for it.")
class Year:
    year: int
    template: Template
    report_count: int = strawberry.field(description="Reports loaded for this year.")
