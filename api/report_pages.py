"""``reports``: a page of reports — filtered on ``report`` alone, joined for the returned rows only, counted from
the summary rollup (or on ``report`` alone when the rollup does not answer the filter), and paged after the
previous page's sort keys rather than by skipping rows.

The filter's agency conditions narrow ``report.agency_id`` with a semi-join (``IN (SELECT id FROM agency …)``),
so neither the page nor the count joins ``agency`` row by row; only the order by agency name joins it. When
the selection can be planned (:mod:`api.planner`), the page, each report's JSON and the total count are one
statement; otherwise the page and the count are two, and the resolvers load the rest in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, literal_column, null, or_, select, tuple_
from sqlalchemy.dialects.postgresql import aggregate_order_by
from strawberry.types import Info

from api.aggregates import rollup_answers, rollup_count
from api.context import Context
from api.dataloaders import REPORT_COLUMNS
from api.errors import UserError
from api.filters import ReportFilter, bound, report_table_conditions
from api.pagination import Page, connection, encode_cursor, node_fields
from api.planner import Planned, Selected, report_json, selection
from api.types.report import Report, prefetch
from db import models
from db.pool import prepare, prepare_bound


@dataclass(frozen=True, slots=True)
class Key:
    """One sort key of an order: a column of the page's rows, its direction, and whether it may be null."""

    name: str
    column: Any
    descending: bool = False
    nullable: bool = False  # sorted last

    def sort(self, column: Any) -> Any:
        ordered = column.desc() if self.descending else column.asc()
        return ordered.nulls_last() if self.nullable else ordered


_r, _a = models.Report, models.Agency
_ID = Key("id", _r.id)
_YEAR = Key("year", _r.year)
# Report orders by their value in ``ReportOrder``; ties are broken by id. Keyset cursors for every order but
# the agency's name (a name would make the cursor as long as the name).
ORDERS: dict[str, tuple[Key, ...]] = {
    "id": (_ID,),
    "year": (_YEAR, _ID),
    "year_desc": (Key("year", _r.year, descending=True), _ID),
    "agency_name": (Key("agency_name", _a.name), _YEAR, _ID),
    "checks_failed_desc": (Key("checks_failed", _r.checks_failed, descending=True), _ID),
    "published_at_desc": (Key("published_at", _r.published_at, descending=True, nullable=True), _ID),
}
_KEYSET = frozenset(ORDERS) - {"agency_name"}


def _encode(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _decode(key: Key, text: str) -> Any:
    if text == "" and key.nullable:
        return None
    try:
        return date.fromisoformat(text) if key.name == "published_at" else int(text)
    except ValueError:
        raise UserError("invalid cursor: pass an endCursor from a previous page") from None


def _after(keys: Sequence[Key], values: Sequence[Any], first: int) -> ColumnElement[bool]:
    """Rows that sort after ``values`` under ``keys`` (nulls last), in a form the order's index can seek to.

    Each value is bound as ``after_<n>``, n its key's place in the order (``first``: the place of ``keys[0]``);
    a null is part of the statement's shape.
    """
    bound = [None if v is None else bindparam(f"after_{first + i}", v, type_=k.column.type)
             for i, (k, v) in enumerate(zip(keys, values, strict=True))]
    if len({k.descending for k in keys}) == 1 and not any(k.nullable for k in keys):
        # One direction: a row comparison, which an index on the keys reads from the cursor on.
        row, after = tuple_(*(k.column for k in keys)), tuple_(*bound)
        return row < after if keys[0].descending else row > after
    alternatives = []
    for i, key in enumerate(keys):
        same = [k.column.is_(None) if v is None else k.column == v for k, v in zip(keys[:i], bound[:i], strict=True)]
        value = bound[i]
        if value is None:
            continue  # nothing sorts after a null but other nulls, which the next key orders
        beyond: ColumnElement[bool] = key.column < value if key.descending else key.column > value
        if key.nullable:
            beyond = or_(beyond, key.column.is_(None))
        alternatives.append(and_(*same, beyond))
    if not alternatives:
        return false()
    head, value = keys[0], bound[0]
    if head.nullable:
        return or_(*alternatives)
    # Implied by the alternatives, and where the index scan starts.
    return and_(head.column <= value if head.descending else head.column >= value, or_(*alternatives))


def _seek(order: str, page: Page, year: int | None) -> tuple[int, list[Any]] | None:
    """Where a page after a keyset cursor starts: the first sort key that still orders (a year the filter pins
    orders nothing, and the rest of the keys then seek in (year, id) alone) and the cursor's values; None for
    a page by offset."""
    after = page.keys_of(order) if order in _KEYSET else None
    if after is None:
        return None
    keys = ORDERS[order]
    if len(after) != len(keys):
        raise UserError("invalid cursor: pass an endCursor from a previous page")
    values = [_decode(k, v) for k, v in zip(keys, after, strict=True)]
    return (1 if year is not None and keys[0].name == "year" and values[0] == year else 0), values


def _page_rows(order: str, page: Page, conditions: list[ColumnElement[bool]], *columns: Any,
               year: int | None = None) -> Select[Any]:
    """The page's report rows (and one more), in order; ``year``: the one year the filter keeps, if any.

    The page's numbers are bound as ``limit``, ``offset`` and ``after_<n>`` (see :func:`_page_values`).
    """
    keys = ORDERS[order]
    offset = page.offset
    seek = _seek(order, page, year)
    if seek is not None:
        start, values = seek
        conditions = [*conditions, _after(keys[start:], values[start:], start)]
        offset = 0
    source: Any = _r.__table__
    if order == "agency_name":
        source = source.join(_a.__table__, _a.id == _r.agency_id)
        columns = (*columns, _a.name.label("agency_name"))
    statement = select(*columns).select_from(source).where(*conditions)
    statement = statement.order_by(*(k.sort(k.column) for k in keys)).limit(bindparam("limit", page.limit + 1))
    return statement.offset(bindparam("offset", offset)) if offset else statement


def _page_values(order: str, page: Page, year: int | None) -> tuple[Any, dict[str, Any]]:
    """What of the page shapes its statement (a cursor's start and nulls, an offset), and the values it binds."""
    seek = _seek(order, page, year)
    values: dict[str, Any] = {"limit": page.limit + 1}
    if seek is None:
        values["offset"] = page.offset
        return page.offset > 0, values
    start, after = seek
    values.update((f"after_{i}", v) for i, v in enumerate(after) if v is not None)
    return (start, tuple(v is None for v in after)), values


def _year(filter: ReportFilter | None) -> int | None:
    return filter.year if filter is not None else None


def _cursors(order: str, page: Page, rows: Sequence[Sequence[Any]]) -> list[str]:
    """Each item's cursor: its offset, and its sort keys when the order pages by them."""
    if order not in _KEYSET:
        return [encode_cursor(page.offset + i) for i in range(len(rows))]
    return [encode_cursor(page.offset + i, order, [_encode(v) for v in keys]) for i, keys in enumerate(rows)]


async def reports_page(info: Info[Context, None], filter: ReportFilter | None, order: Enum, page: Page) -> Any:
    """The ``reports`` connection: planned in one statement, else loaded by the resolvers."""
    planned = await _planned(info, filter, order.value, page) if info.context.settings.planned_sql else None
    if planned is not None:
        return planned
    reads = info.context.reads
    conditions = report_table_conditions(filter)
    rows = await reads.fetch(*prepare(_page_rows(order.value, page, conditions, *REPORT_COLUMNS, year=_year(filter))))

    async def count() -> int:
        return await reads.fetchval(*prepare(select(_total(filter, conditions)))) or 0

    reports = [Report.from_row(row) for row in rows]
    await prefetch(info, reports[: page.limit], node_fields(info, "edges", "node"))
    keys = ORDERS[order.value]
    shown = rows[: page.limit]
    cursors = _cursors(order.value, page, [[row[k.name] for k in keys] for row in shown])
    return connection(reports, page, count, fetched_extra=True, cursors=cursors)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a planned ``reports`` answers: the total count, the nodes' JSON, and the parts of the response."""

    node: str | None  # the JSON expression of a node over the page's row ``r``, if nodes are selected
    fields: tuple[Selected, ...]
    counted: bool
    cursors: bool  # whether an edge's cursor or pageInfo's start or end cursor is asked for


_SHAPES: dict[tuple[Selected, ...], _Shape | None] = {}
_MAX_SHAPES = 1000
_CONNECTION_FIELDS = {"totalCount", "edges", "pageInfo", "__typename"}
_EDGE_FIELDS = {"cursor", "node", "__typename"}
_PAGE_INFO_FIELDS = {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"}


def _shape(schema: Any, fields: tuple[Selected, ...]) -> _Shape | None:
    if fields in _SHAPES:
        return _SHAPES[fields]
    if len(_SHAPES) >= _MAX_SHAPES:
        _SHAPES.clear()
    shape = _plan_shape(schema, fields)
    _SHAPES[fields] = shape
    return shape


def _plan_shape(schema: Any, fields: tuple[Selected, ...]) -> _Shape | None:
    nodes: list[tuple[Selected, ...]] = []
    for field in fields:
        if field.name not in _CONNECTION_FIELDS:
            return None
        if field.name == "edges":
            for edge in field.fields or ():
                if edge.name not in _EDGE_FIELDS:
                    return None
                if edge.name == "node":
                    nodes.append(edge.fields or ())
        elif field.name == "pageInfo" and any(f.name not in _PAGE_INFO_FIELDS for f in field.fields or ()):
            return None
    if len(set(nodes)) > 1:  # the same edges asked twice with different nodes: left to the resolvers
        return None
    node = report_json(schema, nodes[0], "r") if nodes else None
    if nodes and node is None:
        return None
    cursors = any(f.name in ("cursor", "startCursor", "endCursor")
                  for field in fields if field.name in ("edges", "pageInfo") for f in field.fields or ())
    return _Shape(node, fields, any(f.name == "totalCount" for f in fields), cursors)


async def _planned(info: Info[Context, None], filter: ReportFilter | None, order: str, page: Page) -> Planned | None:
    raw = info._raw_info
    fields = selection(raw)
    shape = None if fields is None else _shape(raw.schema, fields)
    if shape is None:
        return None
    year = _year(filter)
    filter_shape, values = bound(filter)
    page_shape, page_values = _page_values(order, page, year)
    statement = prepare_bound(("reports", fields, order, filter_shape, page_shape),
                              lambda: _page_statement(shape, filter, order, page, year))
    row = await info.context.reads.fetchrow(statement.sql, statement.args(**values, **page_values))
    assert row is not None, "an aggregate without GROUP BY has one row"
    keys = ORDERS[order]
    nodes = row["nodes"] or []
    shown = nodes[: page.limit]
    if shape.cursors:
        sort_keys = list(zip(*(row[k.name] or [] for k in keys), strict=True))[: page.limit]
        cursors: Sequence[str | None] = _cursors(order, page, sort_keys)
    else:  # none is asked for: none is encoded
        cursors = [None] * len(shown)
    return Planned(_connection(shape.fields, shown, cursors, page, has_next=len(nodes) > page.limit,
                               total=row["total"]))


def _total(filter: ReportFilter | None, conditions: list[ColumnElement[bool]]) -> Any:
    """The count of every report the filter keeps: from the summary rollup when it answers the filter (a
    year's 16,667 reports are then a sum of a few hundred rows, not an index scan), else on ``report``."""
    if rollup_answers(filter):
        return rollup_count(filter)
    return select(func.count()).select_from(_r).where(*conditions).scalar_subquery()


def _page_statement(shape: _Shape, filter: ReportFilter | None, order: str, page: Page, year: int | None) -> Any:
    """The page, each node's JSON and the total count in one statement (the count on ``report`` alone)."""
    conditions = report_table_conditions(filter)
    keys = ORDERS[order]
    rows = _page_rows(order, page, conditions, *REPORT_COLUMNS, year=year).subquery("r")
    node = literal_column(f"({shape.node})::text") if shape.node is not None else null()
    ordinal = func.row_number().over(order_by=[k.sort(rows.c[k.name]) for k in keys])
    items = select(node.label("node"), ordinal.label("ordinal"), *(rows.c[k.name] for k in keys)).subquery("p")
    total = _total(filter, conditions) if shape.counted else null()
    return select(
        total.label("total"),
        func.array_agg(aggregate_order_by(items.c.node, items.c.ordinal)).label("nodes"),
        *(func.array_agg(aggregate_order_by(items.c[k.name], items.c.ordinal)).label(k.name) for k in keys),
    )


def _connection(fields: Sequence[Selected], nodes: Sequence[str | None], cursors: Sequence[str | None], page: Page, *,
                has_next: bool, total: int | None) -> dict[str, Any]:
    """The connection's response under the query's response keys; each node is the database's JSON as it is."""
    out: dict[str, Any] = {}
    for field in fields:
        if field.name == "totalCount":
            out[field.key] = total
        elif field.name == "__typename":
            out[field.key] = "ReportConnection"
        elif field.name == "pageInfo":
            info = {"hasNextPage": has_next, "hasPreviousPage": page.offset > 0,
                    "startCursor": cursors[0] if cursors else None, "endCursor": cursors[-1] if cursors else None,
                    "__typename": "PageInfo"}
            out[field.key] = {f.key: info[f.name] for f in field.fields or ()}
        else:
            out[field.key] = [_edge(field.fields or (), node, cursor) for node, cursor in zip(nodes, cursors, strict=True)]
    return out


def _edge(fields: Sequence[Selected], node: str | None, cursor: str | None) -> dict[str, Any]:
    edge: dict[str, Any] = {}
    for field in fields:
        if field.name == "cursor":
            edge[field.key] = cursor
        elif field.name == "node":
            edge[field.key] = orjson.Fragment(node) if node is not None else None
        else:
            edge[field.key] = "ReportEdge"
    return edge


__all__ = ["ORDERS", "reports_page"]
