"""Which columns the writer fills with ``COPY``, derived from the models.

A column is filled when something of its name is at hand: for ``report``, a value the writer works out
(ids, counters, the check list), an attribute of the canonical :class:`~loaders.canonical.Report`, or of
its :class:`Source` (``source_uri`` is ``Source.uri``); for the §3 and §4 tables, the cell of that name
in the canonical row; for ``parse_issue`` and ``check_result``, the field of that name of the issue or
check result (a JSON column's value is encoded). Any other column is left out of the ``COPY`` and keeps its
server default (``loaded_at``,
``cross_checks``, the identity columns). So a column added to a model under a canonical name is written
without touching the writer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Column, MetaData, Numeric
from sqlalchemy import Table as SqlTable

from checks import CheckResult
from db.models import Base
from loaders.canonical import Issue, Report

# What the writer works out for each report row (the rest comes from the report and its source).
COMPUTED = ("id", "agency_id", "issue_count", "checks", "checks_passed", "checks_failed", "checks_not_checkable",
            "warnings")
_REPORT_FIELDS = frozenset(f.name for f in fields(Report))
_ISSUE_FIELDS = tuple(f.name for f in fields(Issue))
_CHECK_FIELDS = tuple(f.name for f in fields(CheckResult))

Row = tuple[Any, ...]
# An issue's fields, in the natural order of ``Layout.issues`` after report_id.
issue_values: Callable[[Issue], Row] = attrgetter(*_ISSUE_FIELDS)


def numeric(v: int | Decimal | None) -> Decimal | None:
    """A count or amount as the ``numeric`` columns take it (``None`` stays ``None``)."""
    return None if v is None else Decimal(v)


@dataclass(frozen=True, slots=True)
class Copy:
    """One table's ``COPY``: its columns, and how a row in the writer's natural order becomes theirs."""

    table: str
    columns: tuple[str, ...]
    pick: Callable[[Row], Row] | None  # None: the natural order is the columns' order

    def records(self, rows: Sequence[Row]) -> Sequence[Row]:
        return rows if self.pick is None else [self.pick(r) for r in rows]


def _copy(table: SqlTable, natural: Sequence[str]) -> Copy:
    """The columns of ``table`` found in ``natural`` (the names of a row as the writer builds it), in table order."""
    columns = tuple(c.name for c in table.columns if c.name in natural)
    if columns == tuple(natural):
        return Copy(table.name, columns, None)
    getter = itemgetter(*(list(natural).index(c) for c in columns))
    if len(columns) == 1:
        return Copy(table.name, columns, lambda row: (getter(row),))
    return Copy(table.name, columns, getter)


@dataclass(frozen=True, slots=True)
class Layout:
    """Every ``COPY`` of the writer, and the cell names it reads from canonical rows."""

    report: Copy
    # Per report column, in order: where its value comes from (see report_cell), and the name there.
    report_values: tuple[tuple[str, str], ...]
    proactive: Copy
    applications: Copy
    application_cells: tuple[str, ...]
    reviews: Copy
    review_cells: tuple[str, ...]
    provenance: Copy
    issues: Copy
    checks: Copy
    check_numbers: frozenset[str]  # check fields stored as numeric


def _report_value(column: Column[Any], source_fields: frozenset[str]) -> tuple[str, str] | None:
    name = column.name
    if name in COMPUTED:
        return "computed", name
    if name in _REPORT_FIELDS:
        return ("report_json" if isinstance(column.type, JSON) else "report"), name
    for candidate in (name, name.removeprefix("source_")):
        if candidate in source_fields:
            return "source", candidate
    return None


def report_cell(kind: str, name: str, computed: dict[str, Any], report: Report, source: Any) -> Any:
    """One value of a report row, as :attr:`Layout.report_values` says where it comes from."""
    if kind == "computed":
        return computed[name]
    if kind == "report":
        return getattr(report, name)
    if kind == "report_json":
        return orjson.dumps(getattr(report, name)).decode()
    return getattr(source, name)


@cache
def layout(source_fields: frozenset[str], metadata: MetaData = Base.metadata) -> Layout:
    """The writer's columns for the tables of ``metadata`` (the models' own by default); ``source_fields``
    are the attributes of the writer's record of where a report came from."""
    t = metadata.tables
    found = {c.name: v for c in t["report"].columns if (v := _report_value(c, source_fields)) is not None}
    cells = tuple(c.name for c in t["application_outcome"].columns if c.name not in ("report_id", "row_key"))
    results = tuple(c.name for c in t["review_litigation"].columns if c.name not in ("report_id", "group"))
    check = t["check_result"]
    return Layout(
        report=_copy(t["report"], tuple(found)),
        report_values=tuple(found.values()),
        proactive=_copy(t["proactive_count"], ("report_id", "category", "metric", "value")),
        applications=_copy(t["application_outcome"], ("report_id", "row_key", *cells)),
        application_cells=cells,
        reviews=_copy(t["review_litigation"], ("report_id", "group", *results)),
        review_cells=results,
        provenance=_copy(t["value_provenance"], ("report_id", "path", "provenance", "ocr_box")),
        issues=_copy(t["parse_issue"], ("report_id", *_ISSUE_FIELDS)),
        checks=_copy(check, ("report_id", "cross_year", *_CHECK_FIELDS)),
        check_numbers=frozenset(c.name for c in check.columns if isinstance(c.type, Numeric)),
    )


def check_row(report_id: int, result: CheckResult, cross_year: bool, numbers: frozenset[str]) -> Row:
    """A check result in the natural order of :attr:`Layout.checks`: report_id, cross_year, its fields."""
    return (report_id, cross_year, *(numeric(getattr(result, f)) if f in numbers else getattr(result, f)
                                     for f in _CHECK_FIELDS))
