"""Benchmark the GraphQL API: load N synthetic reports, then time typical requests.

    .venv/bin/python bench/api.py --reports 100000 --requests 50
    .venv/bin/python bench/api.py --reuse --against http://127.0.0.1:5000/graphql [--soak 60]

``--against URL`` compares xxgk with another GraphQL server over the same database (PostGraphile 4 with
@graphile/pg-aggregates: see the README): the four shapes of ``COMPARED``, each in PostGraphile's words for
the other server, over real HTTP with the response cache off, both servers asked in turn (a batch of one,
a batch of the other) so that a slower minute of the shared machine costs both alike. It prints, per shape
and concurrency, requests/s, p50, p95 and p99 of each and the ratio xxgk ÷ other (> 1: xxgk is faster).
``--soak S`` then sends the four shapes at concurrency 32 for S seconds and prints the workers' RSS.

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
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import orjson
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
PAGE = """query($after: String) { reports(first: 100, after: $after, filter: {year: 2022, includeSynthetic: true}) { edges { node {
  id year agency { name } applications { rows { key naturalPerson commercialEnterprise researchInstitution
  publicInterestOrg legalServiceOrg otherOrg total } } consistency { passed failed notCheckable ok } } } } }"""
PAGE_MATRIX = """query($after: String) { reports(first: 100, after: $after, filter: {year: 2022, includeSynthetic: true}) { edges { node {
  id year agency { name } applications { matrix } consistency { passed failed notCheckable ok } } } } }"""
SUMMARY = """{ summary(groupBy: [YEAR, PROVINCE], filter: {includeSynthetic: true}) { year province { code name } reports inconsistentReports
  applications { rows { key total } } reviews { review { total } } } }"""
SUMMARY_MATRIX = """{ summary(groupBy: [YEAR, PROVINCE], filter: {includeSynthetic: true}) { year province { code name } reports inconsistentReports
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
        # Each report's identity, as the writer would have handed it out.
        await conn.execute("INSERT INTO report_key (id, agency_id, year) SELECT id, agency_id, year FROM report")
        for table in ("agency", "report", "report_key"):
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
    parser.add_argument("--against", metavar="URL", help="Compare with another GraphQL server over the same data.")
    parser.add_argument("--concurrencies", dest="concurrency_list", default="1,16",
                        help="With --against: concurrencies to compare at (default 1,16).")
    parser.add_argument("--seconds", type=float, default=3.0, help="With --against: seconds per batch.")
    parser.add_argument("--rounds", type=int, default=4, help="With --against: batches of each server per case.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="With --against: xxgk workers.")
    parser.add_argument("--port", type=int, default=8765, help="With --against: where xxgk serves.")
    parser.add_argument("--soak", type=float, default=0, help="With --against: seconds of load at concurrency 32.")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency_list.split(",")] if args.against else args.concurrency
    url = server_url()
    if not args.reuse:
        started = time.perf_counter()
        await load(url, args.reports)
        print(f"loaded {args.reports} reports in {time.perf_counter() - started:.1f} s")
    bench_url = make_url(url).set(database=DATABASE).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, bench_url)  # a reused database may predate the latest migration
    print(f"bench database: {dsn(url, DATABASE)}", flush=True)
    if args.against:
        await compare(args, bench_url)
        return
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


# --- xxgk against another GraphQL server -------------------------------------------------------------------

ROW_CELLS = "naturalPerson commercialEnterprise researchInstitution publicInterestOrg legalServiceOrg otherOrg total"
# (shape, xxgk's query, PostGraphile's query, variables (``$id`` drawn per request)); FILTER becomes
# xxgk's filter of one year (with includeSynthetic where the schema has it: the bench's agencies are synthetic).
COMPARED = (
    ("report by id + agency + §3 rows",
     "query($id: Int!) { report(id: $id) { id year title agency { name region { name } } "
     f"applications {{ rows {{ key {ROW_CELLS} }} }} }} }}",
     "query($id: Int!) { reportById(id: $id) { id year title agencyByAgencyId { name regionByRegionCode { name } } "
     f"applicationOutcomesByReportId {{ nodes {{ rowKey {ROW_CELLS} }} }} }} }}"),
    ("100 reports of a year + §3 rows",
     "{ reports(first: 100, filter: FILTER) { edges { node { id year agency { name } "
     f"applications {{ rows {{ key {ROW_CELLS} }} }} }} }} }} }}",
     "{ allReports(first: 100, condition: {year: 2022}, orderBy: ID_ASC) { nodes { id year agencyByAgencyId { name } "
     f"applicationOutcomesByReportId {{ nodes {{ rowKey {ROW_CELLS} }} }} }} }} }}"),
    ("page of 20 by year desc + totalCount",
     "{ reports(first: 20, orderBy: YEAR_DESC, filter: FILTER) { totalCount edges { node { id year title "
     "agency { name } } } } }",
     "{ allReports(first: 20, condition: {year: 2022}, orderBy: [YEAR_DESC, ID_ASC]) { totalCount nodes { id year "
     "title agencyByAgencyId { name } } } }"),
    ("sum of new applications by year",
     '{ summary(groupBy: [YEAR]FILTER_ALL) { year applications { row(key: "new_received") { total } } } }',
     "{ allSummaryRollups(condition: {grain: \"province\"}) { groupedAggregates(groupBy: [YEAR]) { keys "
     "sum { newReceivedTotal } } } }"),
)


class Client:
    """A minimal HTTP/1.1 keep-alive client: the load generator shares the cores with both servers, so it must
    cost little and the same for both."""

    def __init__(self, url: str) -> None:
        parts = httpx.URL(url)
        self.host, self.port, self.path = parts.host, parts.port or 80, parts.raw_path.decode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> bytes:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = None
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    return data
                data += chunk[:-2]
        assert length is not None, head
        return await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _run(url: str, bodies, concurrency: int, seconds: float) -> tuple[list[float], float]:
    """Send ``bodies()`` from ``concurrency`` clients for ``seconds``; every latency and the elapsed time."""
    latencies: list[float] = []
    clients = [Client(url) for _ in range(concurrency)]
    deadline = time.perf_counter() + seconds

    async def loop(client: Client) -> None:
        while time.perf_counter() < deadline:
            body = bodies()
            started = time.perf_counter()
            answer = await client.post(body)
            latencies.append(time.perf_counter() - started)
            if b'"errors"' in answer[:200]:
                raise RuntimeError(answer[:300].decode(errors="replace"))

    started = time.perf_counter()
    try:
        await asyncio.gather(*(loop(c) for c in clients))
    finally:
        for c in clients:
            await c.close()
    return latencies, time.perf_counter() - started


def _figures(latencies: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(latencies)
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"rps": len(ordered) / elapsed, "p50": at(0.5), "p95": at(0.95), "p99": at(0.99)}


async def _xxgk_filter(url: str) -> tuple[str, str]:
    """FILTER and FILTER_ALL in xxgk's words: includeSynthetic where the schema has it (bench data is synthetic)."""
    probe = orjson.dumps({"query": '{ __type(name: "ReportFilter") { inputFields { name } } }'})
    client = Client(url)
    try:
        fields = {f["name"] for f in orjson.loads(await client.post(probe))["data"]["__type"]["inputFields"]}
    finally:
        await client.close()
    if "includeSynthetic" in fields:
        return "{year: 2022, includeSynthetic: true}", ", filter: {includeSynthetic: true}"
    return "{year: 2022}", ""


def _bodies(query: str, reports: int, rng: random.Random):
    if "$id" not in query:
        body = orjson.dumps({"query": query})
        return lambda: body
    return lambda: orjson.dumps({"query": query, "variables": {"id": rng.randint(1, reports)}})


def _serve_xxgk(bench_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": bench_url, "XXGK_RESPONSE_CACHE_MB": "0", "XXGK_PORT": str(port),
           "XXGK_WORKERS": str(workers)}
    env.pop("DATABASE_READ_URL", None)
    xxgk = Path(sys.executable).with_name("xxgk")
    server = subprocess.Popen([str(xxgk), "serve", "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("xxgk serve did not start")


def _worker_rss(server: subprocess.Popen[bytes]) -> list[int]:
    """RSS in MB of the server's worker processes."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server.pid):
            out.append(int(fields["VmRSS"].split()[0]) // 1024)
    return sorted(out)


async def compare(args: argparse.Namespace, bench_url: str) -> None:
    server = _serve_xxgk(bench_url, args.port, args.workers)
    xxgk_url = f"http://127.0.0.1:{args.port}/graphql"
    try:
        filter_year, filter_all = await _xxgk_filter(xxgk_url)
        rng = random.Random(1)
        print(f"xxgk {xxgk_url} ({args.workers} workers, response cache off) against {args.against}; "
              f"{args.rounds} rounds of {args.seconds:g} s each, alternating", flush=True)
        print(f"{'shape':<38} {'conc':>4}  {'xxgk req/s':>10} {'p50':>6} {'p95':>6} {'p99':>6}   "
              f"{'other req/s':>11} {'p50':>6} {'p95':>6} {'p99':>6}   {'ratio':>5}", flush=True)
        for shape, ours, theirs in COMPARED:
            ours = ours.replace("FILTER_ALL", filter_all).replace("FILTER", filter_year)
            for concurrency in args.concurrency:
                runs: dict[str, tuple[list[float], float]] = {"xxgk": ([], 0.0), "other": ([], 0.0)}
                targets = (("xxgk", xxgk_url, ours), ("other", args.against, theirs))
                for _name, url, query in targets:  # warm both: pools, prepared statements, JIT
                    await _run(url, _bodies(query, args.reports, rng), concurrency, 1.0)
                for round_ in range(args.rounds):
                    for name, url, query in targets if round_ % 2 == 0 else targets[::-1]:
                        latencies, elapsed = await _run(url, _bodies(query, args.reports, rng), concurrency,
                                                        args.seconds)
                        runs[name] = (runs[name][0] + latencies, runs[name][1] + elapsed)
                a, b = _figures(*runs["xxgk"]), _figures(*runs["other"])
                print(f"{shape:<38} {concurrency:>4}  {a['rps']:>10.0f} {a['p50']:>6.1f} {a['p95']:>6.1f} "
                      f"{a['p99']:>6.1f}   {b['rps']:>11.0f} {b['p50']:>6.1f} {b['p95']:>6.1f} {b['p99']:>6.1f}   "
                      f"{a['rps'] / b['rps']:>5.2f}", flush=True)
        if args.soak:
            await soak(xxgk_url, server, args, filter_year, filter_all)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


async def soak(url: str, server: subprocess.Popen[bytes], args: argparse.Namespace, filter_year: str,
               filter_all: str) -> None:
    """The four shapes in turn from 32 clients for ``args.soak`` seconds; the workers' RSS every tenth of it."""
    rng = random.Random(2)
    makers = [_bodies(q.replace("FILTER_ALL", filter_all).replace("FILTER", filter_year), args.reports, rng)
              for _, q, _ in COMPARED]
    turn = iter(range(10**12))
    mixed = lambda: makers[next(turn) % len(makers)]()  # noqa: E731
    print(f"-- soak: the four shapes at concurrency 32 for {args.soak} s; workers' RSS (MB)", flush=True)
    print(f"   start {_worker_rss(server)}", flush=True)
    step = args.soak / 10
    total = 0
    for i in range(10):
        latencies, _ = await _run(url, mixed, 32, step)
        total += len(latencies)
        print(f"   {step * (i + 1):5.0f} s  {_worker_rss(server)}  ({total} requests)", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
