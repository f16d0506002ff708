"""Benchmark: does exporting stay flat in memory as the database grows?

Stores N synthetic reports (default 100,000) with ``store_reports`` in batches of 1,000 into a fresh
database on DATABASE_URL's server, else on an embedded PostgreSQL of its own (.xxgk/bench-export-pgdata),
then runs ``export_dir`` in a child process at 10 % of N and at N, and prints each run's time and peak
RSS. A child process is used so its peak RSS is the export's alone, not the loading's.

    .venv/bin/python bench/export.py                 # N = 100,000
    .venv/bin/python bench/export.py -n 20000 --keep # smaller, keep the database afterwards

Measured (2 cores shared with other work): 30,000 reports, 1.34 M rows, 228 MB of files in 20 s; peak RSS
84.6 MB at 30,000 against 84.0 MB at 1,000 (73 MB before the export starts); Python heap peak
(tracemalloc) 12.2 MB against 11.7 MB. Loading is the slow part here, ~140 reports/s.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DATABASE = f"xxgk_bench_export_{os.getpid()}"
# Where the synthetic agencies sit; each agency gets six consecutive years so cross-year checks run too.
PLACES = ("万源市", "宣汉县", "阳城县", "沁水县", "云阳县", "奉节县", "紫阳县", "民和县", "通川区")
YEARS = 6


def _memory_kb(field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process in KiB.

    Read from /proc rather than ``ru_maxrss``, which Linux carries across ``execve``: a child would report
    the parent's peak from before it started.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _prepare(start: int, count: int) -> list:
    """Synthetic reports ``start … start+count-1`` with their placement and checks (runs in a worker)."""
    from checks import check_report
    from db.writer import Incoming, Source
    from loaders.placement import place_report
    from synthetic import generate

    out, placements = [], {}
    for i in range(start, start + count):
        agency, place = f"测试{i // YEARS}镇", PLACES[(i // YEARS) % len(PLACES)]
        report = generate(i, agency_name=agency, year=2019 + i % YEARS, region_hint=place)
        key = (agency, place)
        if key not in placements:  # the same agency every year: place it once
            placements[key] = place_report(report)
        sha = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        source = Source(f"synthetic://bench/{i}", "synthetic", sha, synthetic=True, parser_version="bench")
        out.append(Incoming(report, source, placements[key], check_report(report)))
    return out


async def _load(url: str, start: int, stop: int, batch: int, on_progress) -> None:
    """Store reports ``start … stop-1`` in batches."""
    from db.engine import dsn
    from db.writer import store_reports

    conn = await asyncpg.connect(dsn(url))
    loop = asyncio.get_running_loop()
    try:
        with ProcessPoolExecutor(max_workers=max(1, (os.cpu_count() or 2) - 1)) as pool:
            starts = list(range(start, stop, batch))
            # Prepare the next batches in workers while this process writes the current one.
            pending = [loop.run_in_executor(pool, _prepare, s, min(batch, stop - s)) for s in starts[:3]]
            for k in range(len(starts)):
                items = await pending[k]
                if k + 3 < len(starts):
                    s = starts[k + 3]
                    pending.append(loop.run_in_executor(pool, _prepare, s, min(batch, stop - s)))
                results = await store_reports(conn, items)
                failed = [r for r in results if r.status != "loaded"]
                if failed:
                    raise SystemExit(f"{len(failed)} reports not loaded, first: {failed[0]}")
                pending[k] = None  # type: ignore[call-overload]  # let the batch go
                on_progress(starts[k] + len(items))
    finally:
        await conn.close()


async def _admin(server_url: str, *sql: str) -> None:
    from db.engine import dsn

    conn = await asyncpg.connect(dsn(server_url))
    try:
        for statement in sql:
            await conn.execute(statement)
    finally:
        await conn.close()


def _export_child(url: str, outdir: str, trace: bool) -> None:
    """In the child: export and print one JSON line with the time and the memory figures."""
    import tracemalloc

    from db.engine import dsn
    from services.export import export_dir

    async def run() -> dict:
        conn = await asyncpg.connect(dsn(url))
        try:
            before = _memory_kb("VmRSS")
            if trace:
                tracemalloc.start()
            t0 = time.perf_counter()
            counts = await export_dir(conn, Path(outdir))
            seconds = time.perf_counter() - t0
            traced = tracemalloc.get_traced_memory()[1] if trace else None
            return {"seconds": round(seconds, 1), "rss_before_kb": before, "peak_rss_kb": _memory_kb("VmHWM"),
                    "tracemalloc_peak_kb": traced // 1024 if traced is not None else None, "rows": counts}
        finally:
            await conn.close()

    print(json.dumps(asyncio.run(run())))


def _export(url: str, trace: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="xxgk-export-") as out:
        done = subprocess.run([sys.executable, __file__, "--child", url, out] + (["--tracemalloc"] if trace else []),
                              check=True, capture_output=True, text=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["bytes"] = sum(p.stat().st_size for p in Path(out).iterdir())
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="synthetic reports to store (default 100,000)")
    parser.add_argument("--batch", type=int, default=1_000, help="reports per store_reports call")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "OUTDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _export_child(*args.child, trace=args.tracemalloc)
        return

    from db import embedded
    from db.engine import async_url
    from db.migrate import upgrade

    own = None if os.environ.get("DATABASE_URL") else ROOT / ".xxgk" / "bench-export-pgdata"
    if own is None:
        server = async_url(os.environ["DATABASE_URL"])
    else:  # a server of its own: other benchmarks and test runs clean up databases on the shared one
        server, _ = embedded.start(own)
    url = make_url(server).set(database=DATABASE).render_as_string(hide_password=False)
    maintenance = make_url(server).set(database="postgres").render_as_string(hide_password=False)
    asyncio.run(_admin(maintenance, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)',
                       f'CREATE DATABASE "{DATABASE}"'))
    try:
        upgrade(url)
        checkpoint = max(args.batch, args.n // 10)
        t0 = time.perf_counter()
        marks: dict[int, dict] = {}

        def progress(loaded: int) -> None:
            print(f"\rloaded {loaded:,}/{args.n:,} ({time.perf_counter() - t0:.0f} s)", end="", file=sys.stderr)

        asyncio.run(_load(url, 0, checkpoint, args.batch, progress))
        print(file=sys.stderr)
        marks[checkpoint] = _export(url, args.tracemalloc)
        print(f"export of {checkpoint:,}: {json.dumps(marks[checkpoint])}", file=sys.stderr)
        if args.n > checkpoint:
            # The rest, numbered on from the checkpoint so no SHA-256 repeats.
            asyncio.run(_load(url, checkpoint, args.n, args.batch, progress))
            print(file=sys.stderr)
            marks[args.n] = _export(url, args.tracemalloc)
        load_seconds = time.perf_counter() - t0 - sum(m["seconds"] for m in marks.values())
        print(json.dumps({"n": args.n, "load_seconds_approx": round(load_seconds), "exports": marks}, indent=2))
    finally:
        if not args.keep:
            asyncio.run(_admin(maintenance, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            if own is not None:
                embedded.stop(own)


if __name__ == "__main__":
    main()
