"""``xxgk load``: documents → rows, parsed in worker processes and written in batches.

Memory stays flat: folders are walked as their documents are taken, in windows, and only two windows of
parsed reports are held at once (one being written while the workers parse the next). A window's
documents are hashed first, and those this parser version has stored already (same SHA-256) are counted
``unchanged`` without being parsed, so loading a folder again costs little more than reading it.

Nothing one document does stops the load: a document that cannot be read, parsed, placed, checked or
stored, a manifest row that cannot be used, a name that is not UTF-8, a broken or looping link, and a
parser process that dies (killed by the out-of-memory killer, say) each become a failure of that
document, recorded in ``load_failure``, and the load goes on to its summary. A dead parser process is
replaced; the documents it was reading are read again once, each in a process of its own, and fail if
that one dies too.
"""

from __future__ import annotations

import asyncio
import csv
import errno
import fnmatch
import glob
import hashlib
import os
import signal
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import asyncpg

from core.errors import UsageError
from core.settings import Settings
from db.engine import dsn
from db.migrate import ensure_current
from db.writer import StoreResult, record_failure, store_reports
from loaders.gazetteer import region_chain
from loaders.parse import PARSER_VERSION
from loaders.pipeline import Overrides
from loaders.readers import SUFFIXES
from loaders.readers.limits import ReadLimits, expansion_limits
from services.prepare import REPORT_YEARS, Prepared, prepare, shown
from services.workers import context, death, start_worker

# A document's path, what overrides its text (or why its manifest row cannot be used), and its name as
# stored when nothing gives its published URL.
Job = tuple[str, Overrides | str, str]
Progress = Callable[[int], None]  # hears how many more documents are done
Worker = Callable[[Job], Prepared]  # what a parser process does with one document
_CHUNK = 16  # documents handed to a parser process at a time
_RESTARTS = 5  # parser pools started again for one window before its unread documents are given up


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
    by name, then its sub-folders by name); a file named twice is loaded once. Linked folders are not
    walked, in folders or under a glob's ``**``, so a link loop cannot send the walk round for ever. A
    folder that cannot be read, and a link with a supported extension that leads nowhere (or round in
    a loop), are skipped and noted in ``unreadable``, which the load records as failures.
    """

    paths: tuple[str, ...]
    unreadable: dict[str, str] = field(default_factory=dict, compare=False)  # path → why

    def __iter__(self) -> Iterator[Path]:
        for path, _ in self.sourced():
            yield path

    def sourced(self) -> Iterator[tuple[Path, str]]:
        """Each document with the name it is stored under when nothing gives its published URL: its path
        relative to the folder (or a glob's fixed part) that was named, or a file's own name; never an
        absolute path of this disk."""
        # Only several arguments can name a file twice; one folder needs no memory of what it gave.
        seen: set[str] | None = set() if len(self.paths) > 1 else None
        for raw in self.paths:
            base = _base_of(raw)
            for path in _documents_of(raw, self.unreadable):
                if seen is not None:
                    if path in seen:
                        continue
                    seen.add(path)
                yield Path(path), relative_source(path, base)

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


def _base_of(raw: str) -> str | None:
    """The folder documents found under ``raw`` are named relative to (``None``: a file, named by itself)."""
    if os.path.isdir(raw):
        return raw
    if os.path.isfile(raw) or not glob.has_magic(raw):
        return None
    fixed: list[str] = []
    for part in raw.split(os.sep):
        if glob.has_magic(part):
            break
        fixed.append(part)
    return os.sep.join(fixed) or (os.sep if raw.startswith(os.sep) else os.curdir)


def relative_source(path: str, base: str | None) -> str:
    """``path`` as stored for a document without a published URL: relative to ``base``, with ``/``."""
    name = os.path.basename(path) if base is None else os.path.relpath(path, base)
    return shown(Path(name).as_posix())


def nothing_to_load(paths: Sequence[str]) -> str:
    """Why ``paths`` hold no document to load, in one line: empty folders, or only files of other types."""
    others: Counter[str] = Counter()
    for raw in paths:
        for _, _, names in os.walk(raw) if os.path.isdir(raw) else ():
            others.update(os.path.splitext(name)[1].lower() or "(no extension)" for name in names)
    where = ", ".join(shown(p) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
    supported = " ".join(sorted(SUFFIXES))
    if not others:
        return f"no documents: {where} holds no files (xxgk reads {supported})"
    kinds = ", ".join(f"{n} {ext}" for ext, n in others.most_common(5))
    return f"no documents in {where}: only files of types xxgk does not read ({kinds}); it reads {supported}"


def _documents_of(raw: str, unreadable: dict[str, str]) -> Iterator[str]:
    if os.path.isdir(raw):
        yield from _walk(raw, unreadable)
    elif os.path.isfile(raw):
        yield raw
    elif glob.has_magic(raw):
        yield from sorted(m for m in _glob(raw) if os.path.isfile(m))


def _walk(folder: str, unreadable: dict[str, str]) -> Iterator[str]:
    """The supported files under ``folder``: its own by name, then each sub-folder's (linked folders skipped)."""
    files, folders = [], []
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError as exc:  # unreadable, or gone since its parent was listed
        unreadable[folder] = exc.strerror or type(exc).__name__
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.name)
            elif os.path.splitext(entry.name)[1].lower() in SUFFIXES:
                if entry.is_file():
                    files.append(entry.name)
                elif entry.is_symlink() and not os.path.exists(entry.path):
                    unreadable[entry.path] = "a link to nothing (its target is missing)"
        except OSError as exc:  # a link that leads round in a loop
            unreadable[entry.path] = _link_error(exc)
    del entries
    for name in sorted(files):
        yield os.path.join(folder, name)
    del files
    for name in sorted(folders):
        yield from _walk(os.path.join(folder, name), unreadable)


def _link_error(exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"{reason} (a link loop)" if exc.errno == errno.ELOOP else reason


def _glob(pattern: str) -> Iterator[str]:
    """What ``glob.glob(pattern, recursive=True)`` gives, except that ``**`` does not enter linked folders."""
    head, *parts = pattern.split(os.sep)
    fixed = [head]
    while parts and not glob.has_magic(fixed[-1]):
        fixed.append(parts.pop(0))
    if glob.has_magic(fixed[-1]):
        parts.insert(0, fixed.pop())
    base = os.sep.join(fixed) or (os.sep if pattern.startswith(os.sep) else "")
    yield from _matches(base, parts)


def _matches(base: str, parts: list[str]) -> Iterator[str]:
    if not parts:
        if base and os.path.lexists(base):
            yield base
        return
    part, rest = parts[0], parts[1:]
    if not glob.has_magic(part):
        yield from _matches(os.path.join(base, part) if base else part, rest)
        return
    try:
        with os.scandir(base or os.curdir) as listing:
            entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in listing]
    except OSError:
        return  # as glob does: a folder that cannot be listed matches nothing
    hidden = part.startswith(".")
    if part == "**":
        yield from _matches(base, rest)  # zero folders
        for name, is_folder in sorted(entries):
            if name.startswith(".") and not hidden:
                continue
            path = os.path.join(base, name) if base else name
            if is_folder:
                yield from _matches(path, parts)  # one more folder, itself not a link
            elif not rest:
                yield path
        return
    for name, _ in sorted(entries):
        if (hidden or not name.startswith(".")) and fnmatch.fnmatchcase(name, part):
            yield from _matches(os.path.join(base, name) if base else name, rest)


def read_manifest(path: Path) -> dict[Path, Overrides | str]:
    """Manifest CSV: path (required), agency, region_code, year, source_url, published_at.

    A file that is not such a CSV is a :class:`UsageError`. A row whose values cannot be used (a year that
    is no report year, a date that is none, a region code the gazetteer does not know) maps its document
    to why, a string: that document fails with the reason and the others load.
    """
    if not path.is_file():
        raise UsageError(f"manifest not found: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"manifest {path} is not a UTF-8 CSV file: {exc}") from None
    if not rows or "path" not in rows[0]:
        raise UsageError(f"manifest {path} needs a header row with a 'path' column")
    out: dict[Path, Overrides | str] = {}
    for n, row in enumerate(rows, start=2):
        if not (row.get("path") or "").strip():
            raise UsageError(f"manifest {path} line {n}: empty path")
        target = (path.parent / row["path"].strip()).resolve()
        try:
            out[target] = _row_overrides(row)
        except ValueError as exc:
            out[target] = f"manifest {shown(str(path))} line {n}: {exc}"
    return out


def _row_overrides(row: dict[str, str | None]) -> Overrides:
    def value(name: str) -> str | None:
        return (row.get(name) or "").strip() or None

    year_text, published_text, region = value("year"), value("published_at"), value("region_code")
    try:
        year = int(year_text) if year_text else None
    except ValueError:
        raise ValueError(f"year {(year_text or '')[:20]!r} is not a number") from None
    if year is not None and year not in REPORT_YEARS:
        raise ValueError(f"year {year} is not a report year ({REPORT_YEARS[0]}–{REPORT_YEARS[-1]})")
    try:
        published = date.fromisoformat(published_text) if published_text else None
    except ValueError:
        raise ValueError(f"published_at {(published_text or '')[:20]!r} is not a date (YYYY-MM-DD)") from None
    if region is not None:
        try:
            region_chain(region)
        except KeyError:
            raise ValueError(f"region_code {region[:20]!r} is not a GB/T 2260 code the gazetteer knows") from None
    return Overrides(agency=value("agency"), region_code=region, year=year, source_url=value("source_url"),
                     published_at=published)


def _prepare_job(job: Job) -> Prepared:
    path, overrides, source = job
    if isinstance(overrides, str):  # the manifest row's problem
        return Prepared(shown(path), None, reason=overrides)
    return prepare(path, overrides, source=source)


def _leave_interrupts_to_the_loader() -> None:
    """Parser workers ignore Ctrl-C: the loader stops them, rolls back its open batch and says what was stored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# In a parser process: where it notes the document it is reading (see _Parsers).
_SLOTS: Any = None
_SLOT = -1


def _start_parser(parent_pid: int, limits: ReadLimits, slots: Any, taken: Any) -> None:
    global _SLOTS, _SLOT
    start_worker(parent_pid, limits)
    with taken.get_lock():
        _SLOT = taken.value
        taken.value += 1
    _SLOTS = slots


def _parse_chunk(worker: Worker, chunk: list[tuple[int, Job]]) -> list[Prepared]:
    out = []
    try:
        for number, job in chunk:
            _SLOTS[_SLOT] = number  # read by the loader if this process dies
            out.append(worker(job))
    finally:
        _SLOTS[_SLOT] = -1
    return out


def _parse_alone(worker: Worker, job: Job, answer: Connection, parent_pid: int, limits: ReadLimits) -> None:
    start_worker(parent_pid, limits)
    answer.send(worker(job))


@dataclass(slots=True)
class _Window:
    jobs: list[Job]
    first: int  # the number of its first document
    chunks: list[tuple[list[tuple[int, Job]], Future[list[Prepared]]]]


class _Parsers:
    """The parser processes. A window's documents go out in chunks, each numbered; a process notes in shared
    memory which document it is reading, so when one dies the documents being read then are known.
    Those are read again once, each in a process of its own; the others simply go to a new pool."""

    def __init__(self, jobs: int, limits: ReadLimits, worker: Worker) -> None:
        self.jobs, self.limits, self.worker = jobs, limits, worker
        self.ctx = context()
        self._numbered = 0
        self._start()

    def _start(self) -> None:
        self.slots = self.ctx.Array("q", [-1] * self.jobs, lock=False)
        taken = self.ctx.Value("i", 0)
        # ProcessPoolExecutor rather than multiprocessing.Pool: the Pool's worker-handler thread spins
        # while results wait in its queue, which cost the writer half a millisecond of CPU per report.
        self.pool = ProcessPoolExecutor(self.jobs, mp_context=self.ctx, initializer=_start_parser,
                                        initargs=(os.getpid(), self.limits, self.slots, taken))

    def submit(self, jobs: list[Job]) -> _Window:
        first = self._numbered
        self._numbered += len(jobs)
        return _Window(jobs, first, self._send(list(enumerate(jobs, start=first))))

    def _send(self, numbered: list[tuple[int, Job]]) -> list[tuple[list[tuple[int, Job]], Future[list[Prepared]]]]:
        chunks = [numbered[i:i + _CHUNK] for i in range(0, len(numbered), _CHUNK)]
        return [(chunk, self.pool.submit(_parse_chunk, self.worker, chunk)) for chunk in chunks]

    def collect(self, window: _Window) -> list[Prepared]:
        """The window's documents, prepared, in order (blocking: run it in a thread)."""
        done: dict[int, Prepared] = {}
        chunks = window.chunks
        for _ in range(_RESTARTS):
            lost: list[tuple[int, Job]] = []
            for chunk, future in chunks:
                try:
                    done.update(zip((n for n, _ in chunk), future.result(), strict=True))
                except BrokenProcessPool:
                    lost.extend(chunk)
            if not lost:
                break
            reading = {n for n in self.slots if n >= 0}  # what the processes were reading when one died
            self.pool.shutdown(wait=True, cancel_futures=True)
            self._start()
            for number, job in lost:
                if number in reading:
                    done[number] = self._alone(job)
            chunks = self._send([(n, job) for n, job in lost if n not in reading])
        else:
            for chunk, _ in chunks:
                for number, job in chunk:
                    done.setdefault(number, Prepared(shown(job[0]), None, reason="the parser processes kept dying "
                                                     "before they could read it"))
        return [done[n] for n in range(window.first, window.first + len(window.jobs))]

    def _alone(self, job: Job) -> Prepared:
        """A document read again in a process of its own: its result, or its failure if that dies too."""
        receive, send = self.ctx.Pipe(duplex=False)
        process = self.ctx.Process(target=_parse_alone, args=(self.worker, job, send, os.getpid(), self.limits),
                                   daemon=True)
        process.start()
        send.close()
        try:
            prepared: Prepared | None = receive.recv()
        except EOFError:  # it died before it could answer
            prepared = None
        finally:
            receive.close()
            process.join()
        if prepared is None:
            return Prepared(shown(job[0]), None,
                            reason=f"the parser process reading it died, twice ({death(process.exitcode)})")
        return prepared

    def shutdown(self, *, now: bool) -> None:
        self.pool.shutdown(wait=not now, cancel_futures=now)


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
    return [file_sha256(path) for path, _, _ in window]


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


async def load(url: str, files: Iterable[Path], *, manifest: dict[Path, Overrides | str] | None = None,
               overrides: Overrides | None = None, jobs: int | None = None, progress: Progress | None = None,
               summary: LoadSummary | None = None, reparse: bool = False,
               settings: Settings | None = None, worker: Worker | None = None) -> LoadSummary:
    """Load ``files``; ``progress(n)`` is called as documents are done.

    Counts go into ``summary`` (a new one if not given) as batches commit, so a caller that is interrupted,
    or that loses the database, still knows what was stored. A document stored by another parser version
    is parsed again and replaces its old reading; with ``reparse``, so is every document stored already.
    ``settings`` gives the sizes of windows and transactions (``XXGK_LOAD_WINDOW``, ``XXGK_LOAD_BATCH``)
    and what a document may expand to (``XXGK_MAX_UNPACKED_MB`` …). ``worker`` replaces what a parser
    process does with a document (a module-level function, for tests). Paths that ``files`` (as
    :class:`Documents`) could not read are recorded as failures at the end.
    """
    cfg = settings or Settings()
    await ensure_current(url)
    base = overrides or Overrides()
    limits = ReadLimits.from_settings(cfg)
    # Paths are resolved only to look them up in a manifest: resolving costs a system call per folder level.
    sourced = files.sourced() if isinstance(files, Documents) else ((f, relative_source(str(f), None)) for f in files)
    work = ((str(f), _merge(manifest.get(f.resolve()), base) if manifest else base, source) for f, source in sourced)
    raw = _windows(work, cfg.load_window)
    head = next(raw, [])
    summary = summary if summary is not None else LoadSummary()
    jobs = max(1, jobs or os.cpu_count() or 1)
    conn = await asyncpg.connect(dsn(url), server_settings={"application_name": "xxgk load"})
    try:
        windows = _new_windows(conn, chain([head], raw), summary, progress, reparse)
        if jobs == 1 or len(head) < 20:  # a few documents: not worth starting processes
            async for window in windows:
                with expansion_limits(limits):
                    prepared = [(worker or _prepare_job)(j) for j in window]
                await _write(conn, prepared, summary, progress, reparse, cfg.load_batch)
        else:
            parsers = _Parsers(jobs, limits, worker or _prepare_job)
            try:
                first = await anext(windows, None)
                pending = parsers.submit(first) if first else None
                while pending is not None:
                    nxt = await anext(windows, None)  # hashed while the workers parse this window
                    done = await asyncio.to_thread(parsers.collect, pending)
                    # The next window parses while this one is written.
                    pending = parsers.submit(nxt) if nxt else None
                    await _write(conn, done, summary, progress, reparse, cfg.load_batch)
            except BaseException:  # Ctrl-C (a cancelled task) or a lost database: drop the queued documents
                parsers.shutdown(now=True)
                raise
            finally:
                parsers.shutdown(now=False)
        if isinstance(files, Documents):
            for path, why in files.unreadable.items():
                await _record(conn, summary, shown(path), None, why)
    finally:
        await _close(conn)
    return summary


async def _close(conn: asyncpg.Connection) -> None:
    """Close politely; a connection to a database that is gone is dropped instead of waited on."""
    try:
        await conn.close(timeout=5)
    except Exception:  # noqa: BLE001 - the database went away: whatever was to be said is said
        conn.terminate()


async def _record(conn: asyncpg.Connection, summary: LoadSummary, path: str, sha256: str | None, reason: str) -> None:
    await record_failure(conn, path, sha256, reason)
    summary.counts["failed"] += 1
    summary.failures.append((path, reason))


def _merge(specific: Overrides | str | None, base: Overrides) -> Overrides | str:
    if specific is None or isinstance(specific, str):  # no row, or a row that cannot be used
        return base if specific is None else specific
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
            await _record(conn, summary, p.path, p.sha256, p.reason or "unknown failure")
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
