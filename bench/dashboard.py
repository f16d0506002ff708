"""Benchmark the dashboard's own requests over many reports: what a visitor waits for on the first view and
after a click.

    .venv/bin/python bench/dashboard.py --reports 100000 --requests 20
    .venv/bin/python bench/dashboard.py --reuse          # the database bench/api.py left behind

The reports are written as ``bench/api.py`` writes them (straight COPY, about one in ten inconsistent), into
the same database, so one load serves both. The app runs in-process behind httpx's ASGI transport with the
response cache off, so every request executes. Cases: the headline figures and charts (``Overview``) with
no filter, one year, and failed checks only (which the rollup cannot answer); the filter facets; the agency
ranking by applications over every agency, and by data quality within one year; the failed checks by code.
Each prints the fastest request beside p50 and p95 (the machine's speed swings, see the README).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib.util
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from core.settings import Settings  # noqa: E402
from db.migrate import upgrade  # noqa: E402

# bench/api.py, by path: its module name would shadow the ``api`` package.
_spec = importlib.util.spec_from_file_location("bench_api", ROOT / "bench" / "api.py")
bench_api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_api)

OVERVIEW = """query($filter: ReportFilter) {
  total: summary(filter: $filter) { reports inconsistentReports applications { rows { key total } } }
  byYear: summary(filter: $filter, groupBy: [YEAR]) { year reports applications { rows { key total } } }
  byRegion: summary(filter: $filter, groupBy: [PROVINCE]) { province { code name } reports applications { rows { key total } } }
  byKind: summary(filter: $filter, groupBy: [KIND]) { kind reports applications { row(key: "new_received") { total } } }
}"""
FACETS = """query($years: ReportFilter, $kinds: ReportFilter, $provinces: ReportFilter, $templates: ReportFilter) {
  byYear: summary(filter: $years, groupBy: [YEAR]) { year reports }
  byKind: summary(filter: $kinds, groupBy: [KIND]) { kind reports }
  byProvince: summary(filter: $provinces, groupBy: [PROVINCE]) { province { code } reports }
  byTemplate: summary(filter: $templates, groupBy: [TEMPLATE]) { template reports }
}"""
RANKING = """query($filter: ReportFilter, $by: AgencyMeasure!, $ascending: Boolean!) {
  agencyRanking(filter: $filter, by: $by, ascending: $ascending, first: 25) { totalCount edges { node {
    rank reports applications grantRate checksFailed inconsistentReports passRate
    agency { id name kind region { code name parent { name parent { name } } }
      reports(first: 12) { edges { node { id year consistency { ok } } } } } } } }
}"""
FAILURES = """query($filter: ReportFilter) {
  failedChecks(filter: $filter) { code severity reports failures }
  reports(filter: $filter, orderBy: CHECKS_FAILED_DESC, first: 20) { totalCount
    edges { node { id year agency { name region { name } } consistency { failed warnings } } } }
}"""


def _all(f: dict | None) -> dict:
    # The bench's reports are synthetic: asked for as the dashboard asks with its synthetic box ticked.
    return {"includeSynthetic": True, **(f or {})}


CASES = [
    ("Overview, no filter", OVERVIEW, {"filter": _all(None)}),
    ("Overview, year 2022", OVERVIEW, {"filter": _all({"year": 2022})}),
    ("Overview, failed checks only", OVERVIEW, {"filter": _all({"hasInconsistency": True})}),
    ("Facets, year 2022 selected", FACETS, {"years": _all(None), "kinds": _all({"year": 2022}),
                                           "provinces": _all({"year": 2022}), "templates": _all({"year": 2022})}),
    ("Ranking by applications, all", RANKING, {"filter": _all(None), "by": "APPLICATIONS", "ascending": False}),
    ("Ranking by data quality, 2022", RANKING, {"filter": _all({"year": 2022}), "by": "PASS_RATE",
                                                "ascending": True}),
    ("Failed checks by code", FAILURES, {"filter": _all({"hasInconsistency": True})}),
]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="Keep the bench database from a previous run.")
    args = parser.parse_args()
    url = bench_api.server_url()
    if not args.reuse:
        started = time.perf_counter()
        await bench_api.load(url, args.reports)
        print(f"loaded {args.reports} reports in {time.perf_counter() - started:.1f} s")
    bench_url = make_url(url).set(database=bench_api.DATABASE).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, bench_url)
    settings = dataclasses.replace(Settings.from_env(), database_url=bench_url, database_read_url=None,
                                   response_cache_mb=0)
    app = create_app(settings)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
    ) as client:
        for name, query, variables in CASES:
            r = await bench_api.measure(client, name, lambda q=query, v=variables: {"query": q, "variables": v},
                                        args.requests, 1)
            print(f"{name:<34} min {r['min_ms']:6.1f} ms   p50 {r['p50_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms",
                  flush=True)


if __name__ == "__main__":
    asyncio.run(main())
