"""``Applications``: the §3 matrix, rows × applicant columns, in the template's row order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from sqlalchemy import Row
from strawberry.scalars import JSON

from api.errors import UserError
from loaders.canonical import APPLICANT_COLUMNS, APPLICATION_ROWS, ROW_LABELS_2019, ROW_LABELS_2021

_LABELS = {"2019": ROW_LABELS_2019, "2021": ROW_LABELS_2021}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_COLUMN_KEYS = {c: _camel(c) for c in APPLICANT_COLUMNS}
ALL_ROW_KEYS = tuple(ROW_LABELS_2021)


@strawberry.type(description="One §3 row: the seven applicant columns (null: the cell was empty or unreadable).")
class ApplicationRow:
    key: str = strawberry.field(description="Canonical row name, e.g. new_received.")
    label: str = strawberry.field(description="The row label as the national template prints it.")
    natural_person: int | None
    commercial_enterprise: int | None
    research_institution: int | None
    public_interest_org: int | None
    legal_service_org: int | None
    other_org: int | None
    total: int | None

    @classmethod
    def build(cls, key: str, label: str, values: Any | None) -> ApplicationRow:
        """A row from anything with the seven column attributes (a table row), or all null."""
        cells = {column: (getattr(values, column) if values is not None else None) for column in APPLICANT_COLUMNS}
        return cls(key=key, label=label, **cells)


def row_label(key: str, template: str = "2021") -> str:
    """The printed label of a row key (the 2021 wording when the template lacks it)."""
    return _LABELS.get(template, ROW_LABELS_2021).get(key) or ROW_LABELS_2021[key]


@strawberry.type(description="§3: applications received and processed.")
class Applications:
    rows: list[ApplicationRow] = strawberry.field(description="Every row of the report's template, in order.")

    @classmethod
    def from_rows(cls, template: str, rows: Sequence[Row[Any]]) -> Applications:
        by_key = {row.row_key: row for row in rows}
        keys = APPLICATION_ROWS.get(template, ALL_ROW_KEYS)
        return cls(rows=[ApplicationRow.build(key, row_label(key, template), by_key.get(key)) for key in keys])

    @strawberry.field(
        description="The whole table as one JSON value, {rowKey: {naturalPerson: n or null, …, total}}, keys in "
        "camelCase and rows in template order. For clients that read every cell: one field instead of ~200."
    )
    def matrix(self) -> JSON:
        return {
            _camel(row.key): {_COLUMN_KEYS[c]: getattr(row, c) for c in APPLICANT_COLUMNS} for row in self.rows
        }

    @strawberry.field(description="One row by canonical key; null when the template has no such row.")
    def row(self, key: str) -> ApplicationRow | None:
        if key not in ALL_ROW_KEYS:
            raise UserError(f"unknown §3 row {key!r}; known: {', '.join(ALL_ROW_KEYS)}")
        return next((row for row in self.rows if row.key == key), None)
