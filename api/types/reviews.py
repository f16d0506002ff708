"""``Reviews``: §4, administrative review and litigation, three groups of five results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import strawberry

from api.types.scalars import BigInt
from loaders.canonical import REVIEW_RESULTS

_EMPTY: tuple[None, ...] = (None,) * len(REVIEW_RESULTS)
assert REVIEW_RESULTS == ("upheld", "corrected", "other", "pending", "total")  # ReviewCounts.of unpacks them


@strawberry.type(description="Five results of one §4 group (null: the cell was empty or unreadable).")
class ReviewCounts:
    upheld: BigInt | None
    corrected: BigInt | None
    other: BigInt | None
    pending: BigInt | None
    total: BigInt | None

    @classmethod
    def of(cls, values: Sequence[int | None] | None) -> ReviewCounts:
        """From the five results in REVIEW_RESULTS order (all null when ``values`` is None)."""
        upheld, corrected, other, pending, total = values if values is not None else _EMPTY
        return cls(upheld=upheld, corrected=corrected, other=other, pending=pending, total=total)


@strawberry.type(description="§4: administrative review and litigation.")
class Reviews:
    review: ReviewCounts = strawberry.field(description="行政复议")
    litigation_direct: ReviewCounts = strawberry.field(description="行政诉讼·未经复议直接起诉")
    litigation_after_review: ReviewCounts = strawberry.field(description="行政诉讼·复议后起诉")

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> Reviews:
        """From rows of (report id, §4 group, the five results in REVIEW_RESULTS order)."""
        return cls.of({row[1]: row[2:] for row in rows})

    @classmethod
    def of(cls, groups: Mapping[str, Sequence[int | None]]) -> Reviews:
        """From §4 group → its five results in REVIEW_RESULTS order; a missing group is all null."""
        return cls(
            review=ReviewCounts.of(groups.get("review")),
            litigation_direct=ReviewCounts.of(groups.get("litigation_direct")),
            litigation_after_review=ReviewCounts.of(groups.get("litigation_after_review")),
        )
