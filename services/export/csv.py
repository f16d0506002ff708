"""A table as UTF-8 CSV: the canonical names as headers, an empty cell for ``None`` (never ``0``)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from db.export import iter_rows
from services.export.filters import ALL_REPORTS, ExportFilter
from services.export.tables import TABLES, Table

# Only these field types need converting; the csv module already writes None as "" and an int as its digits.
_CONVERTED = frozenset({"number", "boolean", "date", "datetime"})


def cell(value: Any) -> str:
    """A CSV cell: ``None`` is empty (never ``0``), decimals exact, dates ISO 8601, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _formatter(table: Table) -> Callable[[Sequence[Any]], Sequence[Any]] | None:
    slots = [i for i, f in enumerate(table.fields) if f.type in _CONVERTED]
    if not slots:
        return None

    def convert(row: Sequence[Any]) -> Sequence[Any]:
        values = list(row)
        for i in slots:
            values[i] = cell(values[i])
        return values

    return convert


async def iter_csv(conn: asyncpg.Connection, table: str | Table, flt: ExportFilter = ALL_REPORTS,
                   counter: Callable[[int], None] | None = None) -> AsyncIterator[bytes]:
    """One table as UTF-8 CSV, header first, in chunks of encoded rows; ``counter`` hears rows written."""
    spec = TABLES[table] if isinstance(table, str) else table
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([f.name for f in spec.fields])
    convert = _formatter(spec)
    async for batch in iter_rows(conn, spec.rows, year=flt.year, region=flt.region,
                                     include_synthetic=flt.include_synthetic):
        out.writerows(map(convert, batch) if convert else batch)
        yield _drain(buf)
        if counter:
            counter(len(batch))
    if buf.tell():
        yield _drain(buf)


def _drain(buf: io.StringIO) -> bytes:
    data = buf.getvalue().encode("utf-8")
    buf.seek(0)
    buf.truncate()
    return data
