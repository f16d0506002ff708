"""``Reviews``: §4, administrative review and litigation, three groups of five results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from sqlalchemy import Row

from loaders.canonical import REVIEW_RESULTS


@strawberry.type(description="Five results of one §4 group (null: the cell was empty or unreadable).")
class ReviewCounts:
    upheld: int | None
    corrected: int | None
    other: int | None
    pending: int | None
    total: int | None

    @classmethod
    def build(cls, values: Any | None) -> ReviewCounts:
        return cls(**{name: (getattr(values, name) if values is not None else None) for name in REVIEW_RESULTS})


@strawberry.type(description="§4: administrative review and litigation.")
class Reviews:
    review: ReviewCounts = strawberry.field(description="行政复议")
    litigation_direct: ReviewCounts = strawberry.field(description="行政诉讼·未经复议直接起诉")
    litigation_after_review: ReviewCounts = strawberry.field(description="行政诉讼·复议后起诉")

    @classmethod
    def from_rows(cls, rows: Sequence[Row[Any]]) -> Reviews:
        by_group = {row.group: row for row in rows}
        return cls(
            review=ReviewCounts.build(by_group.get("review")),
            litigation_direct=ReviewCounts.build(by_group.get("litigation_direct")),
            litigation_after_review=ReviewCounts.build(by_group.get("litigation_after_review")),
        )
