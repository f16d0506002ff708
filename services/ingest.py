"""``xxgk load``: documents → rows, parsed in worker processes and written in batches.

Memory stays flat: folders are walked as their documents are taken, in windows, and only two windows of
parsed reports are held at once (one being written while the workers parse the next). A window's
documents are hashed first, and those this parser version has stored already (same SHA-256) are counted
``unchanged`` without being parsed, so loading a folder again costs little more than reading it.
"""

from __future__ import annotations

import asyncio
import csv
import glob
import hashlib
import multiprocessing
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from pathlib import Path

import asyncpg

from core.errors import UsageError
from core.settings import Settings
from db.engine import dsn
from db.migrate import ensure_current
from db.writer import StoreResult, record_failure, store_reports
from loaders.parse import PARSER_VERSION
from loaders.pipeline import Overrides
from loaders.readers import SUFFIXES
from services.prepare import Prepared, prepare

Job = tuple[str, Overrides]  # a document's path and what overrides its text
Progress = Callable[[int], None]  # hears how many more documents are done


@dataclass(slots=True)
class LoadSummary:
    counts: Counter = field(default_factory=Counter)
    issues: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # documents that are not reports

    @property
    def failed(self) -> int:
        return self.counts["failed"]


@dataclass(frozen=True, slots=True)
class Documents:
    """The documents that command-line paths name, found as they are read: a folder is walked one
    sub-folder at a time, so memory stays flat however many files it holds.

    Files, folders (recursive, supported extensions only) and globs; a stable order (each folder's files
    by name, then its sub-folders by name); a file named twice is loaded once. A folder that cannot be
    read is skipped and noted in ``unreadable``.
    """

    paths: tuple[str, ...]
    unreadable: dict[str, str] = field(default_factory=dict, compare=False)  # folder → why

    def __iter__(self) -> Iterator[Path]:
        # Only several arguments can name a file twice; one folder needs no memory of what it gave.
        seen: set[str] | None = set() if len(self.paths) > 1 else None
        for raw in self.paths:
            for path in _documents_of(raw, self.unreadable):
                if seen is not None:
                    if path in seen:
                        continue
                    seen.add(path)
                yield Path(path)

    def count(self) -> int:
        """How many there are, walking the folders once without keeping what is found."""
        return sum(1 for _ in self)


def find_documents(paths: Sequence[str]) -> Documents:
    """The documents of ``paths``; a path that names nothing is a :class:`UsageError`, raised here."""
    for raw in paths:
        if os.path.exists(raw):
            continue
        if not glob.has_magic(raw):
            raise UsageError(f"no such file or directory: {raw}")
        if next(_documents_of(raw, {}), None) is None:
            raise UsageError(f"no files match {raw}")
    return Documents(tuple(paths))


def _documents_of(raw: str, unreadable: dict[str, str]) -> Iterator[str]:
    if os.path.isdir(raw):
        yield from _walk(raw, unreadable)
    elif os.path.isfile(raw):
        yield raw
    elif glob.has_magic(raw):
        yield from sorted(m for m in glob.iglob(raw, recursive=True) if os.path.isfile(m))


def _walk(folder: str, unreadable: dict[str, str]) -> Iterator[str]:
    """The supported files under ``folder``: its own by name, then each sub-folder's (symlinked folders skipped)."""
    files, folders = [], []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
                elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file():
                    files.append(entry.name)
    except OSError as exc:  # unreadable, or gone since its parent was listed
        unreadable[folder] = exc.strerror or type(exc).__name__
        return
    for name in sorted(files):
        yield os.path.join(folder, name)
    del files
    for name in sorted(folders):
        yield from _walk(os.path.join(folder, name), unreadable)


def read_manifest(path: Path) -> dict[Path, Overrides]:
    """Manifest CSV: path (required), agency, region_code, year, source_url, published_at."""
    if not path.is_file():
        raise UsageError(f"manifest not found: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"manifest {path} is not a UTF-8 CSV file: {exc}") from None
    if not rows or "path" not in rows[0]:
        raise UsageError(f"manifest {path} needs a header row with a 'path' column")
    out: dict[Path, Overrides] = {}
    for n, row in enumerate(rows, start=2):
        if not (row.get("path") or "").strip():
            raise UsageError(f"manifest {path} line {n}: empty path")
        try:
            year = int(row["year"]) if (row.get("year") or "").strip() else None
            published = date.fromisoformat(row["published_at"].strip()) if (row.get("published_at") or "").strip() else None
        except ValueError as exc:
            raise UsageError(f"manifest {path} line {n}: {exc}") from None
        target = (path.parent / row["path"].strip()).resolve()
        out[target] = Overrides(
            agency=(row.get("agency") or "").strip() or None,
            region_code=(row.get("region_code") or "").strip() or None,
            year=year,
            source_url=(row.get("source_url") or "").strip() or None,
            published_at=published,
        )
    return out


def _prepare_job(job: Job) -> Prepared:
    return prepare(job[0], job[1])


def _leave_interrupts_to_the_loader() -> None:
    """Parser workers ignore Ctrl-C: the loader stops them, rolls back its open batch and says what was stored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _windows(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    rest = iter(jobs)
    while window := list(islice(rest, size)):
        yield window


def file_sha256(path: str) -> str | None:
    """The SHA-256 of a file's bytes, read in chunks; ``None`` when it cannot be read (its worker says why)."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _hashes(window: list[Job]) -> list[str | None]:
    return [file_sha256(path) for path, _ in window]


async def _new_windows(conn: asyncpg.Connection, windows: Iterable[list[Job]], summary: LoadSummary,
                       progress: Progress | None, reparse: bool) -> AsyncIterator[list[Job]]:
    """The windows less the documents already stored by this parser version, counted ``unchanged`` here
    (all of them with ``reparse``).

    Only a shortcut: the writer checks the hashes again, for documents stored while this one parsed.
    """
    for window in windows:
        if reparse:
            yield window
            continue
        hashes = await asyncio.to_thread(_hashes, window)
        stored = {r["sha256"] for r in await conn.fetch(
            "SELECT sha256 FROM report WHERE sha256 = ANY($1::text[]) AND parser_version = $2",
            [h for h in hashes if h], PARSER_VERSION)}
        fresh = [job for job, sha in zip(window, hashes, strict=True) if sha is None or sha not in stored]
        if skipped := len(window) - len(fresh):
            summary.counts["unchanged"] += skipped
            if progress:
                progress(skipped)
        if fresh:
            yield fresh


async def load(url: str, files: Iterable[Path], *, manifest: dict[Path, Overrides] | None = None,
               overrides: Overrides | None = None, jobs: int | None = None, progress: Progress | None = None,
               summary: LoadSummary | None = None, reparse: bool = False,
               settings: Settings | None = None) -> LoadSummary:
    """Load ``files``; ``progress(n)`` is called as documents are done.

    Counts go into ``summary`` (a new one if not given) as batches commit, so a caller that is interrupted
    still knows what was stored. A document stored by another parser version is parsed again and replaces
    its old reading; with ``reparse``, so is every document stored already. ``settings`` gives the sizes of
    windows and transactions (``XXGK_LOAD_WINDOW``, ``XXGK_LOAD_BATCH``).
    """
    cfg = settings or Settings()
    await ensure_current(url)
    base = overrides or Overrides()
    # Paths are resolved only to look them up in a manifest: resolving costs a system call per folder level.
    work = ((str(f), _merge(manifest.get(f.resolve()), base) if manifest else base) for f in files)
    raw = _windows(work, cfg.load_window)
    head = next(raw, [])
    summary = summary if summary is not None else LoadSummary()
    jobs = max(1, jobs or os.cpu_count() or 1)
    conn = await asyncpg.connect(dsn(url))
    ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
    try:
        windows = _new_windows(conn, chain([head], raw), summary, progress, reparse)
        if jobs == 1 or len(head) < 20:  # a few documents: not worth starting processes
            async for window in windows:
                await _write(conn, [_prepare_job(j) for j in window], summary, progress, reparse, cfg.load_batch)
        else:
            # ProcessPoolExecutor rather than multiprocessing.Pool: the Pool's worker-handler thread spins
            # while results wait in its queue, which cost the writer half a millisecond of CPU per report.
            with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_leave_interrupts_to_the_loader) as pool:
                try:
                    first = await anext(windows, None)
                    pending = pool.map(_prepare_job, first, chunksize=16) if first else None
                    while pending is not None:
                        nxt = await anext(windows, None)  # hashed while the workers parse this window
                        done = await asyncio.to_thread(list, pending)
                        # The next window parses while this one is written.
                        pending = pool.map(_prepare_job, nxt, chunksize=16) if nxt else None
                        await _write(conn, done, summary, progress, reparse, cfg.load_batch)
                except BaseException:  # Ctrl-C (a cancelled task) or a lost database: drop the queued documents
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
    finally:
        await conn.close()
    return summary


def _merge(specific: Overrides | None, base: Overrides) -> Overrides:
    if specific is None:
        return base
    return Overrides(
        agency=base.agency or specific.agency,
        region_code=specific.region_code,
        year=base.year or specific.year,
        source_url=specific.source_url,
        published_at=specific.published_at,
    )


async def _write(conn: asyncpg.Connection, prepared: list[Prepared], summary: LoadSummary,
                 progress: Progress | None, reparse: bool, batch: int) -> None:
    ready = [(p, p.incoming) for p in prepared if p.incoming is not None]
    for p in prepared:
        if p.incoming is None and p.skipped:
            summary.counts["skipped"] += 1
            summary.skipped.append((p.path, p.reason or "not a report"))
        elif p.incoming is None:
            await record_failure(conn, p.path, p.sha256, p.reason or "unknown failure")
            summary.counts["failed"] += 1
            summary.failures.append((p.path, p.reason or "unknown failure"))
    for start in range(0, len(ready), batch):
        chunk = ready[start:start + batch]
        results: list[StoreResult] = await store_reports(conn, [item for _, item in chunk], reparse=reparse)
        for (p, _), r in zip(chunk, results, strict=True):
            summary.counts[r.status] += 1
            if r.status == "failed":
                summary.failures.append((p.path, r.reason or "failed"))
            elif r.status != "unchanged":
                summary.issues.update(p.issue_counts)
    if progress:
        progress(len(prepared))
