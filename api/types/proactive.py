"""``Proactive``: §2 proactive disclosure, typed per template (a union of the 2019 and 2021 shapes)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlalchemy import Row

from loaders.canonical import DECIMAL_METRICS

Cells = dict[str, dict[str, int | Decimal | None]]


def _int(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


@strawberry.type(description="2021 template, rules or normative documents: issued, repealed, in force.")
class DocumentCounts2021:
    issued: int | None
    repealed: int | None
    in_force: int | None


@strawberry.type(description="Decisions taken this year (licensing, penalties, enforcement).")
class Decisions:
    decisions: int | None


@strawberry.type(description="2021 template, fees: amount charged, in 10,000 yuan.")
class Fees2021:
    amount_10k_yuan: Decimal | None


@strawberry.type(name="Proactive2021", description="§2 under the 2021 template.")
class Proactive2021:
    regulations: DocumentCounts2021
    normative_documents: DocumentCounts2021
    licensing: Decisions
    penalties: Decisions
    enforcement: Decisions
    fees: Fees2021


@strawberry.type(description="2019 template, rules or normative documents: made, published, total published.")
class DocumentCounts2019:
    made: int | None
    published: int | None
    total_published: int | None


@strawberry.type(description="2019 template: items the previous year, change this year (may be negative), decisions.")
class ItemCounts2019:
    previous_items: int | None
    change: int | None
    decisions: int | None


@strawberry.type(description="2019 template, fees: items the previous year and change this year.")
class Fees2019:
    previous_items: int | None
    change: int | None


@strawberry.type(description="2019 template, central procurement: items and total amount as the report states it.")
class Procurement2019:
    items: int | None
    amount: Decimal | None


@strawberry.type(name="Proactive2019", description="§2 under the 2019 template.")
class Proactive2019:
    regulations: DocumentCounts2019
    normative_documents: DocumentCounts2019
    licensing: ItemCounts2019
    other_services: ItemCounts2019
    penalties: ItemCounts2019
    enforcement: ItemCounts2019
    fees: Fees2019
    procurement: Procurement2019


Proactive = Annotated[Proactive2019 | Proactive2021, strawberry.union("Proactive")]


def _cells(rows: Sequence[Row[Any]]) -> Cells:
    cells: Cells = {}
    for row in rows:
        value = row.value if (row.category, row.metric) in DECIMAL_METRICS else _int(row.value)
        cells.setdefault(row.category, {})[row.metric] = value
    return cells


def _build(cls: type, category: dict[str, Any]) -> Any:
    return cls(**{name: category.get(name) for name in cls.__annotations__})


def proactive_from_rows(template: str, rows: Sequence[Row[Any]]) -> Proactive2019 | Proactive2021:
    """The §2 object of a report's template; a metric without a row is null."""
    cells = _cells(rows)

    def part(cls: type, category: str) -> Any:
        return _build(cls, cells.get(category, {}))

    if template == "2019":
        return Proactive2019(
            regulations=part(DocumentCounts2019, "regulations"),
            normative_documents=part(DocumentCounts2019, "normative_documents"),
            licensing=part(ItemCounts2019, "licensing"),
            other_services=part(ItemCounts2019, "other_services"),
            penalties=part(ItemCounts2019, "penalties"),
            enforcement=part(ItemCounts2019, "enforcement"),
            fees=part(Fees2019, "fees"),
            procurement=part(Procurement2019, "procurement"),
        )
    return Proactive2021(
        regulations=part(DocumentCounts2021, "regulations"),
        normative_documents=part(DocumentCounts2021, "normative_documents"),
        licensing=part(Decisions, "licensing"),
        penalties=part(Decisions, "penalties"),
        enforcement=part(Decisions, "enforcement"),
        fees=part(Fees2021, "fees"),
    )
