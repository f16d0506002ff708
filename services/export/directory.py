"""An export written to a directory, each file complete or not there at all."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path

import asyncpg

from services.export.csv import iter_csv
from services.export.descriptor import datapackage
from services.export.filters import ALL_REPORTS, ExportFilter
from services.export.jsonl import JSONL_FILE, iter_jsonl
from services.export.tables import TABLES, Table

DESCRIPTOR_FILE = "datapackage.json"


async def export_dir(conn: asyncpg.Connection, outdir: Path, flt: ExportFilter = ALL_REPORTS, *,
                     progress: Callable[[str, int], None] | None = None,
                     tables: Mapping[str, Table] = TABLES) -> dict[str, int]:
    """Write every CSV, ``reports.jsonl`` and ``datapackage.json`` into ``outdir``; rows written per file.

    All files come from one snapshot. Each is written under a temporary name and renamed when complete,
    so an interrupted export never leaves a truncated file that looks whole. ``progress(file, rows)``
    hears each batch.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        for table in tables.values():
            await write_atomically(outdir / table.file, iter_csv(conn, table, flt, _tally(counts, table.file, progress)))
        await write_atomically(outdir / JSONL_FILE, iter_jsonl(conn, flt, _tally(counts, JSONL_FILE, progress)))
    descriptor = json.dumps(datapackage(flt, tables=tables), ensure_ascii=False, indent=2) + "\n"
    await write_atomically(outdir / DESCRIPTOR_FILE, _once(descriptor.encode("utf-8")))
    return counts


def files(tables: Mapping[str, Table] = TABLES) -> Sequence[str]:
    """Every file an export writes, in order."""
    return [*(t.file for t in tables.values()), JSONL_FILE, DESCRIPTOR_FILE]


def _tally(counts: dict[str, int], file: str, progress: Callable[[str, int], None] | None) -> Callable[[int], None]:
    counts[file] = 0

    def add(n: int) -> None:
        counts[file] += n
        if progress:
            progress(file, n)

    return add


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def write_atomically(target: Path, chunks: AsyncIterator[bytes]) -> None:
    """Write ``chunks`` to ``target`` through a ``.part`` file renamed when complete (removed on failure)."""
    part = target.with_name(target.name + ".part")
    try:
        with part.open("wb") as fh:
            async for chunk in chunks:
                fh.write(chunk)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, target)
