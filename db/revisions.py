"""A report's identity, its earlier versions and the change feed, kept by the writer in its transaction.

A report is identified by its agency and year: ``report_key`` hands out its id once, and every later
document for that agency and year is stored under the same id. Before a stored report is replaced by a
different version (other bytes, or the same bytes read by another parser version) or removed, its source
and the values of its cells are kept as a row of ``report_revision``. Each report added, replaced or
removed is a row of ``report_change``, numbered in commit order: the feed a client follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import asyncpg
import orjson

from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    DECIMAL_METRICS,
    PROACTIVE_METRICS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    Value,
)

Kind = Literal["added", "replaced", "removed"]
Cells = Mapping[str, Mapping[str, Value]]
# A snapshot's value: a count as a JSON number, an amount as its exact decimal digits, an empty cell as null.
Stored = int | str | None
# What the writer reads of a stored report before it goes: enough to keep it as a revision.
OLD_COLUMNS = "id, agency_id, year, template, sha256, parser_version, source_uri, source_format, loaded_at"


def cell_paths(template: str) -> tuple[str, ...]:
    """Every dotted path a report of ``template`` has a cell at, §2 then §3 then §4 (2021's for another)."""
    shape = template if template in PROACTIVE_METRICS else "2021"
    return (
        *(f"proactive.{c}.{m}" for c, metrics in PROACTIVE_METRICS[shape].items() for m in metrics),
        *(f"applications.{r}.{c}" for r in APPLICATION_ROWS[shape] for c in APPLICANT_COLUMNS),
        *(f"reviews.{g}.{r}" for g in REVIEW_GROUPS for r in REVIEW_RESULTS),
    )


def _stored(value: Value) -> Stored:
    return str(value) if isinstance(value, Decimal) else value


def snapshot(template: str, proactive: Cells, applications: Cells, reviews: Cells) -> dict[str, Stored]:
    """The values of a report's cells by dotted path: every path of its template, ``None`` where empty."""
    out: dict[str, Stored] = dict.fromkeys(cell_paths(template))
    for part, table in (("proactive", proactive), ("applications", applications), ("reviews", reviews)):
        for row, cells in table.items():
            for column, value in cells.items():
                out[f"{part}.{row}.{column}"] = _stored(value)
    return out


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def diff(before: Mapping[str, Stored], after: Mapping[str, Stored]) -> list[tuple[str, Stored, Stored]]:
    """``(path, before, after)`` for every cell whose value differs, in path order of ``after`` then ``before``.

    An empty cell is not a zero: null → 0 is a change. Amounts compare as numbers (1.5 = 1.50).
    """
    out = []
    for path in dict.fromkeys([*after, *before]):
        old, new = before.get(path), after.get(path)
        if _number(old) != _number(new):
            out.append((path, old, new))
    return out


async def allocate(conn: asyncpg.Connection, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The report id of each (agency id, year): the one it always had, or a new one."""
    agencies, years = [a for a, _ in pairs], [y for _, y in pairs]
    # Only the pairs not known yet: ON CONFLICT would spend a sequence number on every known one.
    await conn.execute(
        "INSERT INTO report_key (agency_id, year) SELECT DISTINCT u.a, u.y FROM unnest($1::int[], $2::int[]) AS u(a, y) "
        "WHERE NOT EXISTS (SELECT 1 FROM report_key k WHERE k.agency_id = u.a AND k.year = u.y) "
        "ON CONFLICT (agency_id, year) DO NOTHING",
        agencies, years)
    rows = await conn.fetch(
        "SELECT k.id, k.agency_id, k.year FROM report_key k JOIN unnest($1::int[], $2::int[]) AS u(a, y) "
        "ON k.agency_id = u.a AND k.year = u.y", agencies, years)
    return {(r["agency_id"], r["year"]): r["id"] for r in rows}


async def archive(conn: asyncpg.Connection, old: Sequence[asyncpg.Record]) -> None:
    """Keep stored reports (rows of :data:`OLD_COLUMNS`) as their ids' next revisions; call before deleting them."""
    if not old:
        return
    ids = [r["id"] for r in old]
    proactive: dict[int, dict[str, dict[str, Value]]] = {rid: {} for rid in ids}
    applications: dict[int, dict[str, dict[str, Value]]] = {rid: {} for rid in ids}
    reviews: dict[int, dict[str, dict[str, Value]]] = {rid: {} for rid in ids}
    for row in await conn.fetch(
            "SELECT report_id, category, metric, value FROM proactive_count WHERE report_id = ANY($1::int[])", ids):
        value = row["value"]
        if value is not None and (row["category"], row["metric"]) not in DECIMAL_METRICS:
            value = int(value)
        proactive[row["report_id"]].setdefault(row["category"], {})[row["metric"]] = value
    for row in await conn.fetch(
            f"SELECT report_id, row_key, {', '.join(APPLICANT_COLUMNS)} FROM application_outcome "
            "WHERE report_id = ANY($1::int[])", ids):
        applications[row["report_id"]][row["row_key"]] = {c: row[c] for c in APPLICANT_COLUMNS}
    results = ", ".join(f'"{r}"' for r in REVIEW_RESULTS)
    for row in await conn.fetch(
            f'SELECT report_id, "group", {results} FROM review_litigation WHERE report_id = ANY($1::int[])', ids):
        reviews[row["report_id"]][row["group"]] = {r: row[r] for r in REVIEW_RESULTS}
    values = [orjson.dumps(snapshot(r["template"], proactive[r["id"]], applications[r["id"]], reviews[r["id"]])).decode()
              for r in old]
    await conn.execute(
        "INSERT INTO report_revision (report_id, revision, sha256, source_uri, source_format, parser_version, "
        "loaded_at, values) "
        "SELECT o.id, coalesce((SELECT max(v.revision) FROM report_revision v WHERE v.report_id = o.id), 0) + 1, "
        "o.sha, o.uri, o.fmt, o.parser, o.loaded, o.vals::json "
        "FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[]) "
        "AS o(id, sha, uri, fmt, parser, loaded, vals)",
        ids, [r["sha256"] for r in old], [r["source_uri"] for r in old], [r["source_format"] for r in old],
        [r["parser_version"] for r in old], [r["loaded_at"] for r in old], values)


async def record(conn: asyncpg.Connection, changes: Sequence[tuple[int, Kind]], data_version: int) -> None:
    """Append ``changes`` (report id, kind) to the feed under the data version the transaction commits.

    Called after ``db.version.bump``: holding the version row's lock, writers append one after another,
    so a change's sequence is above that of every change committed before it, and a client reading the
    feed after a sequence never misses a change that commits later with a lower one.
    """
    if not changes:
        return
    await conn.execute(
        "INSERT INTO report_change (report_id, kind, data_version) "
        "SELECT c.id, c.kind, $3 FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS c(id, kind, n) ORDER BY c.n",
        [rid for rid, _ in changes], [kind for _, kind in changes], data_version)

