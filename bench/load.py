"""Ingestion benchmark: N synthetic reports rendered as text files in the four seed layouts, then loaded.

    .venv/bin/python bench/load.py --n 100000 [--jobs 2] [--again]

Uses a fresh database on the embedded server (or on DATABASE_URL's server), prints reports/s, the CPU
time per report of the loading process, its parser workers and (embedded server only) PostgreSQL, read
from /proc, and the peak RSS of the loading process and of its worker processes. Targets: 100,000
reports ≤ 2 minutes, RSS < 500 MB.

CPU time per report says where the time goes and is steadier than elapsed time on a shared machine: on
N cores a load cannot take less than (total CPU per report × reports / N).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db import embedded  # noqa: E402
from db.engine import async_url, dsn  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from services.ingest import find_documents, load  # noqa: E402
from synthetic import generate, render  # noqa: E402

LAYOUTS = ("docx_tsv", "html_lines", "docx_cells", "ocr_markdown")


def write_corpus(folder: Path, n: int) -> None:
    for i in range(n):
        # Agencies with unique names (the generator's names repeat), so every document is a new report.
        base = generate(i)
        name = base.agency_name
        report = generate(i, agency_name=f"{name[:-1]}{i}{name[-1]}", region_hint=base.region_hint)
        (folder / f"{i:06d}.txt").write_text(render(report, LAYOUTS[i % 4], rng_seed=i), encoding="utf-8")


def stat_fields(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, …); empty if the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and of its children it has waited for; 0 if gone."""
    return sum(int(f) for f in stat_fields(pid)[11:15]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int, *, include_root: bool = True) -> float:
    """CPU time of ``root`` and every live descendant, each with the children it has waited for."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = stat_fields(entry.name)
        if fields:
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = set(), [root]
    while frontier:
        pid = frontier.pop()
        tree.add(pid)
        frontier += [child for child, parent in parents.items() if parent == pid and child not in tree]
    if not include_root:
        tree.discard(root)
    return sum(cpu_seconds(pid) for pid in tree)


def postgres_pid() -> int | None:
    """The embedded server's postmaster, whose CPU can be read; None for DATABASE_URL's server."""
    if os.environ.get("DATABASE_URL"):
        return None
    return embedded.status(ROOT / ".xxgk" / "pgdata").pid


async def fresh_database() -> tuple[str, str]:
    if os.environ.get("DATABASE_URL"):
        server = async_url(os.environ["DATABASE_URL"])
    else:
        server, _ = embedded.start(ROOT / ".xxgk" / "pgdata")
    name = f"xxgk_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(server).set(database="postgres").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn(admin))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return admin, make_url(server).set(database=name).render_as_string(hide_password=False)


async def drop(admin: str, url: str) -> None:
    conn = await asyncpg.connect(dsn(admin))
    await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    await conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--keep", action="store_true", help="keep the benchmark database")
    ap.add_argument("--again", action="store_true",
                    help="then load the same folder a second time (every document unchanged) and time that too")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        t0 = time.perf_counter()
        write_corpus(Path(tmp), args.n)
        print(f"generated {args.n} documents in {time.perf_counter() - t0:.1f} s")
        admin, url = asyncio.run(fresh_database())
        upgrade(url)
        files = find_documents([tmp])
        server = postgres_pid()
        before = (time.process_time(), tree_cpu_seconds(os.getpid(), include_root=False),
                  tree_cpu_seconds(server) if server else 0.0)
        t0 = time.perf_counter()
        summary = asyncio.run(load(url, files, jobs=args.jobs))
        elapsed = time.perf_counter() - t0
        # The parser workers have exited; the forkserver that started them has waited for them.
        after = (time.process_time(), tree_cpu_seconds(os.getpid(), include_root=False),
                 tree_cpu_seconds(server) if server else 0.0)
        again = None
        if args.again:
            t0 = time.perf_counter()
            again = (asyncio.run(load(url, files, jobs=args.jobs)), time.perf_counter() - t0)
        if not args.keep:
            asyncio.run(drop(admin, url))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"loaded {summary.counts['loaded']} (failed {summary.failed}) in {elapsed:.1f} s: "
          f"{args.n / elapsed:,.0f} reports/s with {args.jobs} parser processes")
    loader, workers, postgres = ((b - a) * 1000 / args.n for a, b in zip(before, after, strict=True))
    cpus = os.cpu_count() or 1
    print(f"CPU per report: loader {loader:.2f} ms, parser workers {workers:.2f} ms"
          + (f", PostgreSQL {postgres:.2f} ms" if server else " (PostgreSQL not measured: not the embedded server)")
          + f"; total {loader + workers + postgres:.2f} ms, against {elapsed * cpus * 1000 / args.n:.2f} ms "
          f"of {cpus} cores' time per report")
    print(f"peak RSS: loader {own:.0f} MB, largest worker {kids:.0f} MB")
    if again:
        print(f"loaded again: {again[0].counts['unchanged']} unchanged in {again[1]:.1f} s "
              f"({args.n / again[1]:,.0f} reports/s)")
    if summary.failures:
        print("first failures:", *summary.failures[:5], sep="\n  ")


if __name__ == "__main__":
    main()
