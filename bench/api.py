"""Benchmark the GraphQL API: load N synthetic reports, then time three typical requests.

    .venv/bin/python bench/api.py --reports 100000 --requests 50

Rows are written straight with COPY (realistic shapes, identities 1–4 hold, about one report in ten marked
inconsistent) because parsing 100,000 rendered documents would take hours; the API does not care how rows
arrived. The app runs in-process behind httpx's ASGI transport, so figures exclude HTTP parsing and network.
Measured: (a) one report by id, (b) 100 reports with their §3 rows and consistency, (c) ``summary``
grouped by year × province over every report — each first with the response cache off (every request
executes), then with it on (repeated requests are answered from the cache while the data is unchanged).
Uses DATABASE_URL's server, or the embedded one.

Each case prints the fastest request beside p50 and p95: on a shared machine the same request can take
twice as long from one second to the next, and the fastest shows what the code costs when nothing else runs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import statistics
import sys
import time
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app  # noqa: E402
from core.settings import Settings  # noqa: E402
from db import embedded, rollup  # noqa: E402
from db.engine import async_url  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from loaders.canonical import APPLICATION_ROWS, OUTCOME_LEAVES, template_for_year  # noqa: E402
from loaders.gazetteer import all_regions  # noqa: E402

DATABASE = os.environ.get("XXGK_BENCH_DATABASE", "xxgk_bench")
YEARS = range(2019, 2025)

SINGLE = "query($id: Int!) { report(id: $id) { id year title agency { name region { name } } consistency { ok } } }"
PAGE = """query($after: String) { reports(first: 100, after: $after, filter: {year: 2022}) { edges { node {
  id year agency { name } applications { rows { key naturalPerson commercialEnterprise researchInstitution
  publicInterestOrg legalServiceOrg otherOrg total } } consistency { passed failed notCheckable ok } } } } }"""
PAGE_MATRIX = """query($after: String) { reports(first: 100, after: $after, filter: {year: 2022}) { edges { node {
  id year agency { name } applications { matrix } consistency { passed failed notCheckable ok } } } } }"""
SUMMARY = """{ summary(groupBy: [YEAR, PROVINCE]) { year province { code name } reports inconsistentReports
  applications { rows { key total } } reviews { review { total } } } }"""
SUMMARY_MATRIX = """{ summary(groupBy: [YEAR, PROVINCE]) { year province { code name } reports inconsistentReports
  applications { matrix } reviews { review { total } } } }"""


def server_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return async_url(os.environ["DATABASE_URL"])
    url, _ = embedded.start(Path(".xxgk/bench-pgdata").absolute())
    return url


def dsn(url: str, database: str | None = None) -> str:
    u = make_url(url).set(drivername="postgresql")
    return (u.set(database=database) if database else u).render_as_string(hide_password=False)


def _applications(rng: random.Random, template: str) -> list[list[int]]:
    """Seven columns per row with identities 1–3 holding."""
    rows: dict[str, list[int]] = {}
    leaves = OUTCOME_LEAVES[template]
    for key in APPLICATION_ROWS[template]:
        rows[key] = [0] * 6
    for column in range(6):
        new = rng.choice((0, 0, 1, 2, 5, 12, 40))
        over = rng.choice((0, 0, 1, 3))
        rows["new_received"][column], rows["carried_over"][column] = new, over
        forward = rng.randint(0, over)
        rows["carried_forward"][column] = forward
        remaining = new + over - forward
        for leaf in leaves[:-1]:
            take = rng.randint(0, remaining) if rng.random() < 0.3 else 0
            rows[leaf][column], remaining = take, remaining - take
        rows[leaves[-1]][column] = remaining
        rows["outcome_total"][column] = new + over - forward
    return [[*cells, sum(cells)] for cells in rows.values()]


async def load(url: str, n: int, seed: int = 7) -> None:
    """Create and fill the bench database with ``n`` reports (about n/5 agencies over five or six years)."""
    admin = await asyncpg.connect(dsn(url, "postgres"))
    await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    await admin.close()
    bench_url = make_url(url).set(database=DATABASE).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, bench_url)
    rng = random.Random(seed)
    regions = list(all_regions())
    counties = [r.code for r in regions if r.level == "county"]
    conn = await asyncpg.connect(dsn(url, DATABASE))
    try:
        await conn.copy_records_to_table(
            "region", records=[(r.code, r.name, r.level, r.parent_code) for r in regions],
            columns=["code", "name", "level", "parent_code"],
        )
        await conn.copy_records_to_table("year", records=[(y, template_for_year(y)) for y in YEARS])
        agencies, reports, outcomes, reviews = [], [], [], []
        report_id = 0
        agency_id = 0
        while report_id < n:
            agency_id += 1
            county = rng.choice(counties)
            agencies.append((agency_id, f"{county}/镇{agency_id}", f"镇{agency_id}", f"镇{agency_id}", "township",
                             county, None, True))
            for year in YEARS:
                if report_id >= n:
                    break
                report_id += 1
                template = template_for_year(year)
                failed = 1 if rng.random() < 0.1 else 0
                reports.append((report_id, agency_id, year, template, f"镇{agency_id}{year}年政府信息公开工作年度报告",
                                f"bench:{report_id}", "synthetic", f"{report_id:064x}", "bench", "", 40 - failed,
                                failed, 2, 0, 0))
                for key, cells in zip(APPLICATION_ROWS[template], _applications(rng, template), strict=True):
                    outcomes.append((report_id, key, *cells))
                for group in ("review", "litigation_direct", "litigation_after_review"):
                    parts = [rng.choice((0, 0, 0, 1, 2)) for _ in range(4)]
                    reviews.append((report_id, group, *parts, sum(parts)))
        await conn.copy_records_to_table("agency", records=agencies, columns=[
            "id", "key", "name", "normalised_name", "kind", "region_code", "region_hint", "synthetic"])
        await conn.copy_records_to_table("report", records=reports, columns=[
            "id", "agency_id", "year", "template", "title", "source_uri", "source_format", "sha256",
            "parser_version", "raw_text", "checks_passed", "checks_failed", "checks_not_checkable", "warnings",
            "issue_count"])
        await conn.copy_records_to_table("application_outcome", records=outcomes, columns=[
            "report_id", "row_key", "natural_person", "commercial_enterprise", "research_institution",
            "public_interest_org", "legal_service_org", "other_org", "total"])
        await conn.copy_records_to_table("review_litigation", records=reviews, columns=[
            "report_id", "group", "upheld", "corrected", "other", "pending", "total"])
        for table in ("agency", "report"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # Rows went in around db.writer, so the summary rollup it keeps is built here, in one go.
        await rollup.rebuild(conn)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def measure(client: httpx.AsyncClient, name: str, make_body, count: int, concurrency: int) -> dict:
    """p50/p95 of one client's sequential requests, then requests/s with ``concurrency`` clients."""
    async def one() -> float:
        body = make_body()
        started = time.perf_counter()
        response = await client.post("/graphql", json=body)
        # The latency ends when the whole response has arrived; decoding it is the client's own work.
        elapsed = time.perf_counter() - started
        answer = response.json()
        if answer.get("errors"):
            raise RuntimeError(answer["errors"][0]["message"])
        return elapsed

    await one()  # warm caches and the pool
    latencies = sorted([await one() for _ in range(count)])
    started = time.perf_counter()

    async def worker() -> None:
        for _ in range(count // concurrency or 1):
            await one()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    done = (count // concurrency or 1) * concurrency
    return {
        "name": name,
        "min_ms": latencies[0] * 1000,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "rps": done / (time.perf_counter() - started),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=1, help="Requests in flight at once (latency: 1).")
    parser.add_argument("--reuse", action="store_true", help="Keep the bench database from a previous run.")
    args = parser.parse_args()
    url = server_url()
    if not args.reuse:
        started = time.perf_counter()
        await load(url, args.reports)
        print(f"loaded {args.reports} reports in {time.perf_counter() - started:.1f} s")
    bench_url = make_url(url).set(database=DATABASE).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, bench_url)  # a reused database may predate the latest migration
    rng = random.Random(1)
    cases = [
        ("(a) report by id", lambda: {"query": SINGLE, "variables": {"id": rng.randint(1, args.reports)}},
         args.requests),
        ("(b) 100 reports + §3 rows + consistency", lambda: {"query": PAGE, "variables": {"after": None}},
         args.requests),
        ("(b') the same, §3 as one matrix field", lambda: {"query": PAGE_MATRIX, "variables": {"after": None}},
         args.requests),
        ("(c) summary year × province", lambda: {"query": SUMMARY}, args.requests),
        ("(c') the same, §3 as one matrix field", lambda: {"query": SUMMARY_MATRIX}, args.requests),
    ]
    for cache_mb, title in ((0, "response cache off: every request executes"),
                            (64, "response cache on (64 MB): repeated requests while the data is unchanged")):
        print(f"-- {title}", flush=True)
        settings = dataclasses.replace(Settings.from_env(), database_url=bench_url, database_read_url=None,
                                       response_cache_mb=cache_mb)
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        # The app's startup and shutdown run as under uvicorn (the client alone would skip them).
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=120
        ) as client:
            for name, body, count in cases:
                try:
                    r = await measure(client, name, body, count, args.concurrency)
                except RuntimeError as exc:
                    print(f"{name:<42} failed: {exc}", flush=True)
                    continue
                print(f"{name:<42} min {r['min_ms']:6.1f} ms   p50 {r['p50_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms   "
                      f"{r['rps']:6.1f} req/s",
                      flush=True)


if __name__ == "__main__":
    asyncio.run(main())
