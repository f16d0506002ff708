"""Writing canonical reports: many per transaction with COPY, each report all-or-nothing.

A batch is written in one transaction. If anything in it fails, every report of the batch is written
again in a transaction of its own, so a bad report never leaves rows behind and never stops the others.
Cross-year checks of the neighbouring years (Y-1, Y+1 of the same agency) are recomputed in the same
transaction, whatever order the years arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Literal

import asyncpg
import orjson
from sqlalchemy import MetaData

from checks import CheckResult, check_pair, check_report, summarize
from db import revisions, rollup, version
from db.engine import dsn
from db.layout import COMPUTED, Layout, check_row, issue_values, layout, numeric, report_cell
from db.models import Base
from db.reading import fetch_reports
from loaders.canonical import Report, template_for_year
from loaders.placement import Placement, place_report

Status = Literal["loaded", "unchanged", "replaced", "failed"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a report came from: its URI, format (txt, md, html, docx, pdf, synthetic) and SHA-256."""

    uri: str
    format: str
    sha256: str
    synthetic: bool = False
    raw_text: str = ""
    parser_version: str = ""


_SOURCE_FIELDS = frozenset(f.name for f in fields(Source))


@dataclass(slots=True)
class Incoming:
    """A parsed report on its way into the database, with what was worked out about it in a worker."""

    report: Report
    source: Source
    placement: Placement | None = None
    checks: list[CheckResult] | None = None
    # Set by ``encode_checks`` in a worker: the JSON and counts of all results; ``checks`` then holds only
    # the results that did not pass, so less crosses the process boundary.
    encoded: tuple[str, tuple[int, int, int, int]] | None = None

    def encode_checks(self) -> None:
        results = self.checks if self.checks is not None else check_report(self.report)
        self.encoded = (checks_json(results), status_counts(results))
        self.checks = [c for c in results if c.status != "passed"]


@dataclass(frozen=True, slots=True)
class StoreResult:
    uri: str
    status: Status
    report_id: int | None = None
    reason: str | None = None


@dataclass(slots=True)
class _Prepared:
    item: Incoming
    agency_key: str
    year: int  # the report's, known by then
    stored: bool = False  # the same bytes are stored already (by another parser version, or parsed again)
    report_id: int = 0
    replaced: bool = False
    results: list[CheckResult] = field(default_factory=list)


async def store_reports(url_or_conn: str | asyncpg.Connection, items: Iterable[Incoming | tuple[Report, Source]],
                        *, reparse: bool = False, metadata: MetaData = Base.metadata) -> list[StoreResult]:
    """Store reports; returns one result per item, in order. Never raises for a bad report.

    A document whose bytes are stored already is ``unchanged`` when the same parser version read it; when
    another version did, or with ``reparse``, the new reading replaces the stored one, wherever its agency
    and year now place it. Columns are those of ``metadata``'s tables (see ``db.layout``).
    """
    prepared = [_incoming(i) for i in items]
    conn = await asyncpg.connect(dsn(url_or_conn)) if isinstance(url_or_conn, str) else url_or_conn
    try:
        return await _store(conn, prepared, reparse, layout(_SOURCE_FIELDS, metadata))
    finally:
        if isinstance(url_or_conn, str):
            await conn.close()


def _incoming(item: Incoming | tuple[Report, Source]) -> Incoming:
    return item if isinstance(item, Incoming) else Incoming(item[0], item[1])


async def _store(conn: asyncpg.Connection, items: list[Incoming], reparse: bool, lay: Layout) -> list[StoreResult]:
    results: dict[int, StoreResult] = {}
    stored = {r["sha256"]: r["parser_version"] for r in await conn.fetch(
        "SELECT sha256, parser_version FROM report WHERE sha256 = ANY($1::text[])", [i.source.sha256 for i in items])}
    rounds: list[list[tuple[int, _Prepared]]] = []
    round_of: dict[tuple[str, int], int] = {}
    seen_sha: set[str] = set()
    for n, item in enumerate(items):
        sha = item.source.sha256
        if sha in seen_sha or (not reparse and stored.get(sha) == item.source.parser_version):
            results[n] = StoreResult(item.source.uri, "unchanged")
            continue
        seen_sha.add(sha)
        year = item.report.year
        if year is None or item.report.agency_name is None:
            reason = "the report names no year or no agency: give them with --year/--agency or a manifest"
            await record_failure(conn, item.source.uri, sha, reason)
            results[n] = StoreResult(item.source.uri, "failed", reason=reason)
            continue
        if item.placement is None:
            item.placement = place_report(item.report)
        # Synthetic agencies never merge with real ones of the same name and place.
        key = ("synthetic:" if item.source.synthetic else "") + item.placement.agency_key
        prep = _Prepared(item, key, year, stored=sha in stored)
        # Two reports of one agency and year in one batch: the later replaces the earlier, in a later round.
        slot = round_of.get((key, year), -1) + 1
        round_of[(key, year)] = slot
        if slot == len(rounds):
            rounds.append([])
        rounds[slot].append((n, prep))
    for rnd in rounds:
        try:
            async with conn.transaction():
                await _write(conn, [p for _, p in rnd], lay)
            for n, p in rnd:
                results[n] = StoreResult(p.item.source.uri, "replaced" if p.replaced else "loaded", p.report_id)
        except (asyncpg.PostgresError, ValueError, TypeError, OverflowError) as batch_error:
            if len(rnd) == 1:
                n, p = rnd[0]
                results[n] = await _failed(conn, p.item.source, batch_error)
                continue
            for n, p in rnd:  # find the bad one(s): each report alone
                p.replaced, p.results = False, []
                try:
                    async with conn.transaction():
                        await _write(conn, [p], lay)
                    results[n] = StoreResult(p.item.source.uri, "replaced" if p.replaced else "loaded", p.report_id)
                except (asyncpg.PostgresError, ValueError, TypeError, OverflowError) as exc:
                    results[n] = await _failed(conn, p.item.source, exc)
    return [results[n] for n in range(len(items))]


async def _failed(conn: asyncpg.Connection, source: Source, exc: BaseException) -> StoreResult:
    reason = f"database rejected the report: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    await record_failure(conn, source.uri, source.sha256, reason)
    return StoreResult(source.uri, "failed", reason=reason)


async def record_failure(conn: asyncpg.Connection, path: str, sha256: str | None, reason: str) -> None:
    """Remember a document that could not be loaded."""
    await conn.execute("INSERT INTO load_failure (path, sha256, reason) VALUES ($1, $2, $3)", path, sha256, reason)


async def _write(conn: asyncpg.Connection, batch: list[_Prepared], lay: Layout) -> None:
    await _ensure_regions(conn, batch)
    await conn.executemany(
        "INSERT INTO year (year, template) VALUES ($1, $2) ON CONFLICT (year) DO NOTHING",
        sorted({(p.year, template_for_year(p.year)) for p in batch}),
    )
    agency_ids = await _upsert_agencies(conn, batch)
    pairs = [(agency_ids[p.agency_key], p.year) for p in batch]
    # A report's id is its agency and year's, whatever document it comes from.
    key_ids = await revisions.allocate(conn, pairs)
    for p, pair in zip(batch, pairs, strict=True):
        p.report_id = key_ids[pair]
    # The reports these replace: the same agency and year, and the same bytes read before.
    again = [p.item.source.sha256 for p in batch if p.stored]
    old = await conn.fetch(
        f"SELECT {revisions.OLD_COLUMNS} FROM report r JOIN unnest($1::int[], $2::int[]) AS k(a, y) "
        "ON r.agency_id = k.a AND r.year = k.y"
        + (f" UNION SELECT {revisions.OLD_COLUMNS} FROM report WHERE sha256 = ANY($3::text[])" if again else ""),
        [a for a, _ in pairs], [y for _, y in pairs], *([again] if again else []))
    emptied: list[rollup.RollupKey] = []
    left: set[tuple[int, int]] = set()  # places a document moved away from when read again
    incoming = {p.report_id: p.item.source for p in batch}
    changes: list[tuple[int, revisions.Kind]] = []
    if old:
        replaced = {(r["agency_id"], r["year"]) for r in old}
        replaced_bytes = {r["sha256"] for r in old}
        for p, pair in zip(batch, pairs, strict=True):
            p.replaced = pair in replaced or p.item.source.sha256 in replaced_bytes
        left = replaced - set(pairs)
        # The same bytes read by the same parser again make no new version of the report.
        await revisions.archive(conn, [r for r in old if not _same_version(r, incoming.get(r["id"]))])
        changes = [(r["id"], "replaced" if r["id"] in incoming else "removed") for r in old]
        emptied = await rollup.remove(conn, [r["id"] for r in old])
        await conn.execute("DELETE FROM report WHERE id = ANY($1::int[])", [r["id"] for r in old])
    changes += [(rid, "added") for rid in sorted(incoming.keys() - {r["id"] for r in old})]
    for p in batch:
        p.results = p.item.checks if p.item.checks is not None else check_report(p.item.report)
    if await _is_superuser(conn):
        # Every row below references a report written in this transaction: skip the per-row foreign-key
        # triggers, which cost more than the rows themselves in bulk. (Deletes above still cascaded.)
        await conn.execute("SET LOCAL session_replication_role = replica")
    await _copy_reports(conn, batch, agency_ids, lay)
    cross, refreshed = await _cross_year(conn, set(pairs), left)
    await _copy_checks(conn, [(p.report_id, c, False) for p in batch for c in p.results] + cross, lay)
    # New reports got their within-report counts in the COPY; reports whose cross-year results were
    # recomputed (``refreshed``) need them again.
    # Reports stored before this batch are in the rollup already: they move only if they flip.
    before = await rollup.inconsistent(conn, sorted(set(refreshed) - {p.report_id for p in batch}))
    await refresh_summaries(conn, refreshed)
    await rollup.flip_inconsistent(conn, before)
    emptied += await rollup.add(conn, {p.report_id: p.item.report for p in batch})
    await rollup.prune(conn, emptied)
    # Last: the version row stays locked only while the feed is appended and the transaction commits.
    await revisions.record(conn, changes, await version.bump(conn))


def _same_version(stored: asyncpg.Record, source: Source | None) -> bool:
    return source is not None and (stored["sha256"], stored["parser_version"]) == (source.sha256,
                                                                                    source.parser_version)


async def _is_superuser(conn: asyncpg.Connection) -> bool:
    return bool(await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))


async def _ensure_regions(conn: asyncpg.Connection, batch: list[_Prepared]) -> None:
    rows = {}
    for p in batch:
        for region in (p.item.placement.chain if p.item.placement else ()):
            rows[region.code] = (region.code, region.name, region.level, region.parent_code)
    if rows:
        # Parents before children: the chain is ordered from province down.
        await conn.executemany(
            "INSERT INTO region (code, name, level, parent_code) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING",
            sorted(rows.values(), key=lambda r: len(r[3] or "")),
        )


async def _upsert_agencies(conn: asyncpg.Connection, batch: list[_Prepared]) -> dict[str, int]:
    agencies = {}
    for p in batch:
        pl = p.item.placement
        assert pl is not None
        agencies[p.agency_key] = (p.agency_key, p.item.report.agency_name, pl.normalised_name, pl.kind,
                                  pl.region_code, p.item.report.region_hint, p.item.source.synthetic)
    rows = await conn.fetch(
        "INSERT INTO agency (key, name, normalised_name, kind, region_code, region_hint, synthetic) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[]) "
        "ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name RETURNING id, key",
        *[list(col) for col in zip(*agencies.values(), strict=True)],
    )
    return {r["key"]: r["id"] for r in rows}


async def _copy_reports(conn: asyncpg.Connection, batch: list[_Prepared], agency_ids: dict[str, int],
                        lay: Layout) -> None:
    reports, proactive, applications, reviews, provenance, issues = [], [], [], [], [], []
    cells, results = lay.application_cells, lay.review_cells
    for p in batch:
        r, s, rid = p.item.report, p.item.source, p.report_id
        encoded, counts = p.item.encoded or (checks_json(p.results), status_counts(p.results))
        computed = dict(zip(COMPUTED, (rid, agency_ids[p.agency_key], len(r.issues), encoded, *counts), strict=True))
        reports.append(tuple(report_cell(kind, name, computed, r, s) for kind, name in lay.report_values))
        proactive += [(rid, cat, m, numeric(v)) for cat, ms in r.proactive.items() for m, v in ms.items()]
        applications += [(rid, row, *(cols.get(c) for c in cells)) for row, cols in r.applications.items()]
        reviews += [(rid, g, *(cols.get(c) for c in results)) for g, cols in r.reviews.items()]
        boxes = r.ocr_boxes
        provenance += [(rid, path, prov, orjson.dumps(boxes[path]).decode() if path in boxes else None)
                       for path, prov in r.provenance.items()]
        issues += [(rid, *issue_values(i)) for i in r.issues]
    for copy, rows in ((lay.report, reports), (lay.proactive, proactive), (lay.applications, applications),
                       (lay.reviews, reviews), (lay.provenance, provenance), (lay.issues, issues)):
        await conn.copy_records_to_table(copy.table, records=copy.records(rows), columns=list(copy.columns))


def checks_json(results: Sequence[CheckResult]) -> str:
    """All results of a report as a JSON array (numbers as JSON numbers or exact decimal strings).

    A passed check keeps code, location and figures; its message is the check's description, so it is
    not repeated a million times. Other results keep their own message and severity.
    """
    out = []
    for c in results:
        entry = {"code": c.code, "status": c.status, "location": c.location, "expected": _json_num(c.expected),
                 "actual": _json_num(c.actual)}
        if c.status != "passed":
            entry["severity"], entry["message"] = c.severity, c.message
        out.append(entry)
    return orjson.dumps(out).decode()


def status_counts(results: Sequence[CheckResult]) -> tuple[int, int, int, int]:
    """passed, failed (errors), not checkable, warnings: the report's counter columns."""
    s = summarize(results)
    return s.passed, s.errors, s.not_checkable, s.warnings


def _json_num(v: int | Decimal | None) -> int | str | None:
    # Past 2^53 a JSON number is not exact in every reader (and orjson refuses past 64 bits): digits, as a string.
    return v if v is None or (isinstance(v, int) and abs(v) < 2**53) else str(v)


async def _copy_checks(conn: asyncpg.Connection, rows: Sequence[tuple[int, CheckResult, bool]], lay: Layout) -> None:
    """Rows for the checks that did not pass; passed ones stay in the report's JSON only."""
    records = [check_row(rid, c, cross, lay.check_numbers) for rid, c, cross in rows if c.status != "passed"]
    await conn.copy_records_to_table(lay.checks.table, records=lay.checks.records(records),
                                     columns=list(lay.checks.columns))


async def _cross_year(conn: asyncpg.Connection, keys: set[tuple[int, int]], left: set[tuple[int, int]],
                      ) -> tuple[list[tuple[int, CheckResult, bool]], list[int]]:
    """Recompute the cross-year checks touching the (agency, year) ``keys`` just written; results belong to
    the later report. ``left`` are places a report moved away from: the next year's report there has no
    previous one any more, and loses its cross-year results.

    Returns the results, and the reports whose cross-year results were recomputed.
    """
    if not keys and not left:
        return [], []
    agency_ids = sorted({a for a, _ in keys | left})
    rows = await conn.fetch("SELECT id, agency_id, year FROM report WHERE agency_id = ANY($1::int[])", agency_ids)
    by_key = {(r["agency_id"], r["year"]): r["id"] for r in rows}
    pairs = set()
    for a, y in keys:
        if (a, y - 1) in by_key:
            pairs.add((by_key[(a, y - 1)], by_key[(a, y)]))
        if (a, y + 1) in by_key:
            pairs.add((by_key[(a, y)], by_key[(a, y + 1)]))
    orphans = {by_key[(a, y + 1)] for a, y in left if (a, y) not in by_key and (a, y + 1) in by_key}
    later = sorted({cur for _, cur in pairs} | orphans)
    if not later:
        return [], []
    await conn.execute("DELETE FROM check_result WHERE cross_year AND report_id = ANY($1::int[])", later)
    reports = await fetch_reports(conn, sorted({i for pair in pairs for i in pair}))
    out: list[tuple[int, CheckResult, bool]] = []
    by_later: dict[int, list[CheckResult]] = dict.fromkeys(orphans, [])
    for prev, cur in sorted(pairs):
        found = check_pair(reports[prev], reports[cur])
        by_later[cur] = found
        out += [(cur, c, True) for c in found]
    await conn.executemany("UPDATE report SET cross_checks = $2::json WHERE id = $1",
                           [(rid, checks_json(found)) for rid, found in by_later.items()])
    return out, later


async def refresh_summaries(conn: asyncpg.Connection, report_ids: list[int]) -> None:
    """Keep report's check counters equal to its check_result rows."""
    await conn.execute(
        """
        UPDATE report r SET
            checks_passed = s.passed, checks_failed = s.failed,
            checks_not_checkable = s.not_checkable, warnings = s.warnings
        FROM (
            SELECT r2.id,
                   count(e.v) FILTER (WHERE e.v->>'status' = 'passed') AS passed,
                   count(e.v) FILTER (WHERE e.v->>'status' = 'failed' AND e.v->>'severity' = 'error') AS failed,
                   count(e.v) FILTER (WHERE e.v->>'status' = 'not_checkable') AS not_checkable,
                   count(e.v) FILTER (WHERE e.v->>'status' = 'failed' AND e.v->>'severity' = 'warning') AS warnings
            FROM report r2 LEFT JOIN LATERAL (
                SELECT * FROM json_array_elements(r2.checks) UNION ALL SELECT * FROM json_array_elements(r2.cross_checks)
            ) AS e(v) ON TRUE
            WHERE r2.id = ANY($1::int[]) GROUP BY r2.id
        ) s
        WHERE r.id = s.id
        """,
        report_ids,
    )
