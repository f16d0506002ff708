"""``Revision``: one version of a report, and ``ValueChange``: a cell that differs between two versions.

The current version is the report itself; earlier ones are rows of ``report_revision`` (see
``db.revisions``), each with the values of its cells as they were. Revisions are numbered from 1 in the
order they were loaded; the current one has the highest number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import orjson
import strawberry
from sqlalchemy import case, select
from strawberry.scalars import JSON
from strawberry.types import Info

from api.context import Context
from api.dataloaders import fetch
from api.errors import UserError
from db import models
from db.revisions import Stored, diff, snapshot
from loaders.canonical import APPLICANT_COLUMNS, DECIMAL_METRICS, REVIEW_RESULTS, Value


@strawberry.type(description="A cell whose value differs between two revisions (null: the cell was empty).")
class ValueChange:
    path: str = strawberry.field(description="Dotted canonical path, e.g. applications.new_received.total.")
    before: Decimal | None = strawberry.field(description="The value in the earlier revision.")
    after: Decimal | None = strawberry.field(description="The value in the later revision.")


def _value(stored: Stored) -> Decimal | None:
    return None if stored is None else Decimal(str(stored))


@strawberry.type(description="One version of a report: the document it was read from, and when it was loaded.")
class Revision:
    revision: int = strawberry.field(description="1 for the first version loaded; the current one is the highest.")
    current: bool = strawberry.field(description="True for the version the report serves now.")
    sha256: str
    source_uri: str
    source_format: str
    parser_version: str
    loaded_at: datetime
    report_id: strawberry.Private[int]
    template: strawberry.Private[str]

    @strawberry.field(
        description="Every §2, §3 and §4 cell of this version by dotted path, {\"applications.new_received.total\": "
        "n, …}: a count as a number, an amount as a string of its exact digits, an empty cell as null."
    )
    async def values(self, info: Info[Context, None]) -> JSON:
        return cast(JSON, (await _values(info, self.report_id, self.template, [self.revision]))[self.revision])

    @strawberry.field(description="The cells that differ from the previous revision (none for the first).")
    async def changed_values(self, info: Info[Context, None]) -> list[ValueChange]:
        if self.revision == 1:
            return []
        return await changed_values(info, self.report_id, self.template, self.revision - 1, self.revision)


async def revisions(info: Info[Context, None], report_id: int, template: str, current: Any) -> list[Revision]:
    """Every version of a report, newest first; ``current`` is its row (source columns and ``loaded_at``)."""
    rows = await info.context.loaders.revisions.load(report_id)
    latest = Revision(revision=(rows[0].revision if rows else 0) + 1, current=True, sha256=current.sha256,
                      source_uri=current.source_uri, source_format=current.source_format,
                      parser_version=current.parser_version, loaded_at=current.loaded_at, report_id=report_id,
                      template=template)
    return [latest, *(Revision(revision=r.revision, current=False, sha256=r.sha256, source_uri=r.source_uri,
                               source_format=r.source_format, parser_version=r.parser_version,
                               loaded_at=r.loaded_at, report_id=report_id, template=template) for r in rows)]


async def changed_values(info: Info[Context, None], report_id: int, template: str, before: int,
                         after: int | None) -> list[ValueChange]:
    """The cells that differ between revisions ``before`` and ``after`` (``None``: the current one)."""
    values = await _values(info, report_id, template, [before, after])
    return [ValueChange(path=path, before=_value(old), after=_value(new))
            for path, old, new in diff(values[before], values[after])]


async def _values(info: Info[Context, None], report_id: int, template: str,
                  wanted: Sequence[int | None]) -> dict[int | None, dict[str, Stored]]:
    """The cell values of revisions ``wanted`` by number (``None``: the current one, also under its number)."""
    v = models.ReportRevision
    # Every revision's number (to know the current one's), the values of the wanted ones only.
    numbers = [-1 if n is None else n for n in wanted]
    rows = await fetch(info.context.read_sessions, select(
        v.revision, case((v.revision.in_(numbers), v.values)).label("values")).where(v.report_id == report_id))
    stored = {r.revision: r.values for r in rows}
    current = max(stored, default=0) + 1
    for n in wanted:
        if n is not None and not 1 <= n <= current:
            raise UserError(f"report {report_id} has revisions 1 to {current}, not {n}")
    out: dict[int | None, dict[str, Stored]] = {n: _decoded(stored[n]) for n in wanted if n in stored}
    if None in wanted or current in wanted:
        out[None] = out[current] = await _current_values(info, report_id, template)
    return out


def _decoded(raw: Any) -> dict[str, Stored]:
    value: dict[str, Stored] = orjson.loads(raw) if isinstance(raw, str | bytes) else raw
    return value


async def _current_values(info: Info[Context, None], report_id: int, template: str) -> dict[str, Stored]:
    loaders = info.context.loaders
    proactive_rows, application_rows, review_rows = (
        await loaders.proactive.load(report_id), await loaders.applications.load(report_id),
        await loaders.reviews.load(report_id))
    proactive: dict[str, dict[str, Value]] = {}
    for row in proactive_rows:
        value = row.value
        if value is not None and (row.category, row.metric) not in DECIMAL_METRICS:
            value = int(value)
        proactive.setdefault(row.category, {})[row.metric] = value
    return snapshot(template, proactive, _cells(application_rows, "row_key", APPLICANT_COLUMNS),
                    _cells(review_rows, "group", REVIEW_RESULTS))


def _cells(rows: Sequence[Any], key: str, columns: Sequence[str]) -> dict[str, dict[str, Value]]:
    return {getattr(row, key): {c: getattr(row, c) for c in columns} for row in rows}
