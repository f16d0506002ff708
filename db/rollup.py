"""Keeping ``summary_rollup`` in step with the reports, in the writer's transaction.

Every change is a delta added with INSERT … ON CONFLICT DO UPDATE, one set-based statement per step:
``add`` counts new reports in after they are stored, ``remove`` counts replaced reports out before they
are deleted, ``flip_inconsistent`` moves reports whose ``checks_failed`` crossed 0 when their cross-year
checks were recomputed. ``rebuild`` recomputes the whole table, for rows written around the writer.

The §3/§4 cells travel as one vector per report, flattened in Python from the canonical dicts: pivoting
25 rows × 7 columns in SQL costs a FILTER per cell per row, ten times the rest of the statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Literal

import asyncpg

from db import version
from db.models import ROLLUP_APPLICATION_CELLS, ROLLUP_KEY, ROLLUP_REVIEW_CELLS, rollup_count_name
from loaders.canonical import APPLICANT_COLUMNS, REVIEW_RESULTS, Report, Value

Sign = Literal[1, -1]
Table = Mapping[str, Mapping[str, Value]]
RollupKey = tuple[Any, ...]

_CELLS = ROLLUP_APPLICATION_CELLS + ROLLUP_REVIEW_CELLS
_NAMES = [cell for _, _, cell in _CELLS]
_COUNTS = [rollup_count_name(cell) for cell in _NAMES]
_KEY = ", ".join(ROLLUP_KEY)
_GROUPED = ", ".join(c for c in ROLLUP_KEY if c != "grain")
_ANCESTRY = 4  # town → county → city → province, as api.aggregates walks it
_REPORT_KEY = "r.year, r.template, a.kind, coalesce(a.region_code, '') AS region_code, a.synthetic"


def _province_of(code: str) -> tuple[str, str]:
    """(joins, expression): the province at or above region ``code`` within four links, '' when none."""
    joins, previous = [], code
    for i in range(_ANCESTRY):
        joins.append(f"LEFT JOIN region g{i} ON g{i}.code = {previous}")
        previous = f"g{i}.parent_code"
    levels = " ".join(f"WHEN g{i}.level = 'province' THEN g{i}.code" for i in range(_ANCESTRY))
    return " ".join(joins), f"coalesce(CASE {levels} END, '')"


def _both_grains(rows: str, aggregates: str) -> str:
    """The rows of ``rows`` (a CTE named ``v`` with key columns and ``province``) grouped at both grains."""
    by_province = ", ".join("province" if c == "region_code" else c for c in ROLLUP_KEY if c != "grain")
    return (
        f"WITH v AS ({rows})\n"
        f"SELECT 'region', {_GROUPED}, {aggregates} FROM v GROUP BY {_GROUPED}\nUNION ALL\n"
        f"SELECT 'province', {by_province}, {aggregates} FROM v GROUP BY {by_province}"
    )
_EMPTY: Mapping[str, Value] = {}


def _q(name: str) -> str:
    return f'"{name}"'


def vector(applications: Table, reviews: Table) -> list[Value]:
    """A report's §3 then §4 cells in rollup column order (``None`` where the cell or row is absent)."""
    return [applications.get(row, _EMPTY).get(column) for row, column, _ in ROLLUP_APPLICATION_CELLS] + [
        reviews.get(group, _EMPTY).get(result) for group, result, _ in ROLLUP_REVIEW_CELLS
    ]


def _upsert(select: str) -> str:
    """INSERT the rows of ``select`` (key, reports, inconsistent_reports, sums, counts) as deltas."""
    update = [f"{c} = s.{c} + EXCLUDED.{c}" for c in ("reports", "inconsistent_reports")]
    update += [f"{_q(n)} = s.{_q(n)} + EXCLUDED.{_q(n)}" for n in _COUNTS]
    # The sum goes back to null when no value is left, like SUM over no non-null value.
    update += [
        f"{_q(c)} = CASE WHEN s.{_q(n)} + EXCLUDED.{_q(n)} = 0 THEN NULL "
        f"ELSE coalesce(s.{_q(c)}, 0) + coalesce(EXCLUDED.{_q(c)}, 0) END"
        for c, n in zip(_NAMES, _COUNTS, strict=True)
    ]
    return (
        f"INSERT INTO summary_rollup AS s ({_KEY}, reports, inconsistent_reports, "
        f"{', '.join(map(_q, _NAMES + _COUNTS))})\n{select}\n"
        f"ON CONFLICT ({_KEY}) DO UPDATE SET {', '.join(update)}\nRETURNING {_KEY}, s.reports"
    )


@cache
def _delta_statement() -> str:
    """$1: the sign, $2: report ids, $3…: one array per cell as text (see :func:`_array`), aligned with $2."""
    # int[] like the cells themselves (integer columns): sum(integer) is a bigint, where sum(bigint) would
    # be a numeric, several times slower to aggregate.
    arrays = ", ".join(f"${i + 3}::text::int[]" for i in range(len(_NAMES)))
    columns = ", ".join(f"c{i}" for i in range(len(_NAMES)))
    aggregates = [f"$1 * sum(c{i})" for i in range(len(_NAMES))] + [f"$1 * count(c{i})" for i in range(len(_NAMES))]
    joins, province = _province_of("a.region_code")
    rows = (
        f"SELECT {_REPORT_KEY}, {province} AS province, r.checks_failed > 0 AS bad, {columns} "
        f"FROM unnest($2::int[], {arrays}) AS v(id, {columns}) "
        f"JOIN report r ON r.id = v.id JOIN agency a ON a.id = r.agency_id {joins}"
    )
    return _upsert(_both_grains(rows, f"$1 * count(*), $1 * count(*) FILTER (WHERE bad), {', '.join(aggregates)}"))


async def _apply(conn: asyncpg.Connection, vectors: Mapping[int, list[Value]], sign: Sign) -> list[RollupKey]:
    if not vectors:
        return []
    columns = [_array(c) for c in zip(*vectors.values(), strict=True)]
    rows = await conn.fetch(_delta_statement(), sign, list(vectors), *columns)
    return [tuple(row[c] for c in ROLLUP_KEY) for row in rows if row["reports"] == 0]


def _array(values: Sequence[Value]) -> str:
    """An int[] literal: sent as text, 190 arrays a batch cost no per-element checks in asyncpg's encoder
    (which asks of every element whether it is itself a sequence)."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


async def add(conn: asyncpg.Connection, reports: Mapping[int, Report]) -> list[RollupKey]:
    """Count reports just stored (by id) into the rollup, with their ``checks_failed`` as stored now.

    Returns the keys left with no report, for :func:`prune`.
    """
    return await _apply(conn, {rid: vector(r.applications, r.reviews) for rid, r in reports.items()}, 1)


async def remove(conn: asyncpg.Connection, report_ids: Sequence[int]) -> list[RollupKey]:
    """Count stored reports out of the rollup; call before deleting them. Returns keys for :func:`prune`."""
    if not report_ids:
        return []
    ids = list(report_ids)
    applications: dict[int, dict[str, dict[str, Value]]] = {rid: {} for rid in ids}
    reviews: dict[int, dict[str, dict[str, Value]]] = {rid: {} for rid in ids}
    for row in await conn.fetch(
        f"SELECT report_id, row_key, {', '.join(APPLICANT_COLUMNS)} FROM application_outcome "
        "WHERE report_id = ANY($1::int[])", ids):
        applications[row["report_id"]][row["row_key"]] = dict(row)
    for row in await conn.fetch(
        f'SELECT report_id, "group", {", ".join(map(_q, REVIEW_RESULTS))} FROM review_litigation '
        "WHERE report_id = ANY($1::int[])", ids):
        reviews[row["report_id"]][row["group"]] = dict(row)
    return await _apply(conn, {rid: vector(applications[rid], reviews[rid]) for rid in ids}, -1)


async def prune(conn: asyncpg.Connection, keys: Sequence[RollupKey]) -> None:
    """Delete the rollup rows of ``keys`` that count no report any more (a group of no report is no group)."""
    if not keys:
        return
    await conn.execute(
        "DELETE FROM summary_rollup s "
        f"USING unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bool[]) AS k({_KEY}) "
        f"WHERE s.reports = 0 AND {' AND '.join(f's.{c} = k.{c}' for c in ROLLUP_KEY)}",
        *[list(c) for c in zip(*keys, strict=True)],
    )


async def inconsistent(conn: asyncpg.Connection, report_ids: Sequence[int]) -> dict[int, bool]:
    """Whether each stored report counts as inconsistent now (``checks_failed > 0``): the "before" of a flip."""
    if not report_ids:
        return {}
    rows = await conn.fetch(
        "SELECT id, checks_failed > 0 AS bad FROM report WHERE id = ANY($1::int[])", list(report_ids))
    return {row["id"]: row["bad"] for row in rows}


async def flip_inconsistent(conn: asyncpg.Connection, before: Mapping[int, bool]) -> None:
    """Move the reports whose inconsistency differs from ``before`` (see :func:`inconsistent`)."""
    if not before:
        return
    joins, province = _province_of("a.region_code")
    rows = (
        f"SELECT {_REPORT_KEY}, {province} AS province, r.checks_failed > 0 AS bad "
        f"FROM report r JOIN agency a ON a.id = r.agency_id {joins} "
        f"JOIN unnest($1::int[], $2::bool[]) AS b(id, bad) ON b.id = r.id WHERE (r.checks_failed > 0) <> b.bad"
    )
    await conn.execute(
        f"INSERT INTO summary_rollup AS s ({_KEY}, inconsistent_reports)\n"
        f"{_both_grains(rows, 'sum(CASE WHEN bad THEN 1 ELSE -1 END)')}\n"
        f"ON CONFLICT ({_KEY}) DO UPDATE SET inconsistent_reports = s.inconsistent_reports + EXCLUDED.inconsistent_reports",
        list(before), list(before.values()),
    )


def _pivot(table: str, key_column: str, cells: Sequence[tuple[str, str, str]], columns: Sequence[str]) -> str:
    """Per rollup key, every cell of a per-(report, row) table: sum by row first, then one FILTER per cell."""
    sums = ", ".join(f"sum(t.{_q(c)}) AS {_q(c)}, count(t.{_q(c)}) AS {_q('n__' + c)}" for c in columns)
    pivot = ", ".join(
        f"sum(g.{_q(column)}) FILTER (WHERE g.key = '{row}') AS {_q(cell)}, "
        f"sum(g.{_q('n__' + column)}) FILTER (WHERE g.key = '{row}') AS {_q(rollup_count_name(cell))}"
        for row, column, cell in cells
    )
    return (
        f"SELECT {_GROUPED}, {pivot} FROM (SELECT {', '.join(f'k.{c}' for c in _GROUPED.split(', '))}, "
        f"t.{key_column} AS key, {sums} FROM k JOIN {table} t ON t.report_id = k.id "
        f"GROUP BY {_GROUPED}, t.{key_column}) g GROUP BY {_GROUPED}"
    )


async def rebuild(conn: asyncpg.Connection) -> None:
    """Recompute the whole rollup from the stored reports (after rows were written around the writer)."""
    counts = [f"coalesce(x.{_q(n)}, 0)" for n in _COUNTS]
    async with conn.transaction():
        await conn.execute("DELETE FROM summary_rollup")
        await conn.execute(f"""
            INSERT INTO summary_rollup ({_KEY}, reports, inconsistent_reports, {', '.join(map(_q, _NAMES + _COUNTS))})
            WITH k AS MATERIALIZED (
                SELECT r.id, {_REPORT_KEY}, r.checks_failed > 0 AS bad FROM report r JOIN agency a ON a.id = r.agency_id
            ), x AS (
                SELECT * FROM (SELECT {_GROUPED}, count(*) AS reports, count(*) FILTER (WHERE bad) AS inconsistent_reports
                               FROM k GROUP BY {_GROUPED}) n
                LEFT JOIN ({_pivot("application_outcome", "row_key", ROLLUP_APPLICATION_CELLS, APPLICANT_COLUMNS)})
                    ao USING ({_GROUPED})
                LEFT JOIN ({_pivot("review_litigation", '"group"', ROLLUP_REVIEW_CELLS, REVIEW_RESULTS)})
                    rl USING ({_GROUPED})
            )
            SELECT 'region', {_GROUPED}, reports, inconsistent_reports, {', '.join(f'x.{_q(c)}' for c in _NAMES)},
                   {', '.join(counts)}
            FROM x
        """)
        joins, province = _province_of("s.region_code")
        by_province = ", ".join(province if c == "region_code" else f"s.{c}" for c in ROLLUP_KEY if c != "grain")
        sums = ", ".join(f"sum(s.{_q(c)})" for c in ["reports", "inconsistent_reports", *_NAMES, *_COUNTS])
        # The province grain is the region grain summed by province.
        await conn.execute(f"""
            INSERT INTO summary_rollup ({_KEY}, reports, inconsistent_reports, {', '.join(map(_q, _NAMES + _COUNTS))})
            SELECT 'province', {by_province}, {sums}
            FROM summary_rollup s {joins} WHERE s.grain = 'region' GROUP BY {by_province}
        """)
        await version.bump(conn)
