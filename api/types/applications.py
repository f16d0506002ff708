"""``Applications``: the §3 matrix, rows × applicant columns, in the template's row order.

An ``Applications`` keeps its cells as one tuple of seven values per row key and builds the ``rows`` objects
only when a query asks for them: a ``summary`` over hundreds of groups that asks for ``matrix`` (or for one
``row``) does not pay for twenty-five objects per group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from api.errors import UserError, shown
from api.types.scalars import BigInt
from loaders.canonical import APPLICANT_COLUMNS, APPLICATION_ROWS, ROW_LABELS_2019, ROW_LABELS_2021

ALL_ROW_KEYS = tuple(ROW_LABELS_2021)
# template → every row key's label: the template's wording, else 2021's (which other templates, and a
# summary mixing templates, use).
_ROW_LABELS = {"2019": {**ROW_LABELS_2021, **ROW_LABELS_2019}, "2021": ROW_LABELS_2021}
# camelCase as Strawberry names the GraphQL fields, so matrix keys read like the rows' fields.
_ROW_CAMEL = {key: to_camel_case(key) for key in ALL_ROW_KEYS}
_COLUMN_CAMEL = tuple(to_camel_case(c) for c in APPLICANT_COLUMNS)
_EMPTY: tuple[None, ...] = (None,) * len(APPLICANT_COLUMNS)
_new = object.__new__
# ApplicationRow.of unpacks the seven values positionally.
assert APPLICANT_COLUMNS == ("natural_person", "commercial_enterprise", "research_institution",
                             "public_interest_org", "legal_service_org", "other_org", "total")

Cells = Mapping[str, Sequence[int | None]]  # row key → the seven columns in APPLICANT_COLUMNS order


@strawberry.type(description="One §3 row: the seven applicant columns (null: the cell was empty or unreadable).")
class ApplicationRow:
    key: str = strawberry.field(description="Canonical row name, e.g. new_received.")
    label: str = strawberry.field(description="The row label as the national template prints it.")
    natural_person: BigInt | None
    commercial_enterprise: BigInt | None
    research_institution: BigInt | None
    public_interest_org: BigInt | None
    legal_service_org: BigInt | None
    other_org: BigInt | None
    total: BigInt | None

    @classmethod
    def of(cls, key: str, template: str | None, cells: Sequence[int | None] | None) -> ApplicationRow:
        """A row from its seven values in APPLICANT_COLUMNS order (all null when ``cells`` is None)."""
        return _row(key, row_label(key, template), cells or _EMPTY)


def _row(key: str, label: str, cells: Sequence[int | None]) -> ApplicationRow:
    # Filled in place, not through the dataclass __init__: a summary builds thousands of rows, and keyword
    # arguments took most of the time.
    row = _new(ApplicationRow)
    fields = row.__dict__
    fields["key"] = key
    fields["label"] = label
    (fields["natural_person"], fields["commercial_enterprise"], fields["research_institution"],
     fields["public_interest_org"], fields["legal_service_org"], fields["other_org"], fields["total"]) = cells
    return row


def row_label(key: str, template: str | None = "2021") -> str:
    """The printed label of a row key (the 2021 wording when the template lacks it)."""
    return _labels(template)[key]


def _labels(template: str | None) -> Mapping[str, str]:
    """Every row key's label under ``template`` (None or an unknown template: 2021's)."""
    return _ROW_LABELS.get(template or "2021", ROW_LABELS_2021)


@strawberry.type(description="§3: applications received and processed.")
class Applications:
    template: strawberry.Private[str | None]  # None: every row key (a summary mixes templates)
    cells: strawberry.Private[Cells]

    @classmethod
    def from_rows(cls, template: str, rows: Sequence[Sequence[Any]]) -> Applications:
        """From rows of (report id, row key, the seven columns in APPLICANT_COLUMNS order)."""
        return cls(template=template, cells={row[1]: row[2:] for row in rows})

    @property
    def _keys(self) -> Sequence[str]:
        return APPLICATION_ROWS.get(self.template, ALL_ROW_KEYS) if self.template else ALL_ROW_KEYS

    @strawberry.field(description="Every row of the report's template, in order.")
    def rows(self) -> list[ApplicationRow]:
        cells, labels = self.cells, _labels(self.template)
        return [_row(key, labels[key], cells.get(key) or _EMPTY) for key in self._keys]

    @strawberry.field(
        description="The whole table as one JSON value, {rowKey: {naturalPerson: n or null, …, total}}, keys in "
        "camelCase and rows in template order. For clients that read every cell: one field instead of ~200."
    )
    def matrix(self) -> JSON:
        cells = self.cells
        return cast(JSON, {_ROW_CAMEL[key]: dict(zip(_COLUMN_CAMEL, cells.get(key, _EMPTY), strict=True))
                           for key in self._keys})

    @strawberry.field(description="One row by canonical key; null when the template has no such row.")
    def row(self, key: str) -> ApplicationRow | None:
        if key not in ALL_ROW_KEYS:
            raise UserError(f"unknown §3 row {shown(key)}; known: {', '.join(ALL_ROW_KEYS)}")
        return ApplicationRow.of(key, self.template, self.cells.get(key)) if key in self._keys else None
