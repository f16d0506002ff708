"""The ``xxgk`` command line: database, migrations, parsing, loading, checking, exporting, serving."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from core.errors import UsageError, XxgkError
from core.settings import Settings

if TYPE_CHECKING:
    from db.reading import CheckOverview
    from loaders.pipeline import Overrides
    from services.export import ExportFilter
    from services.ingest import Documents, LoadSummary

T = TypeVar("T")


class _Commands(TyperGroup):
    """Every command's :class:`XxgkError` becomes one line on stderr and the error's exit code, here only."""

    def invoke(self, ctx: Any) -> Any:  # typer's click Context
        try:
            return super().invoke(ctx)
        except XxgkError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=_Commands,
    help="xxgk: government information-disclosure annual reports (政府信息公开工作年度报告) as data.\n\n"
    "Without DATABASE_URL, an embedded PostgreSQL is started in ./.xxgk/pgdata (XXGK_DATA_DIR).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Manage the embedded PostgreSQL server (used when DATABASE_URL is not set).",
                     no_args_is_help=True)
app.add_typer(db_app, name="db")


def _print_version(wanted: bool) -> None:
    if wanted:
        from loaders.parse import PARSER_VERSION
        from xxgk import __version__

        typer.echo(f"xxgk {__version__} (parser {PARSER_VERSION})")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version,
                                          help="Print the version of xxgk and of its parser, and exit.")] = False,
) -> None:
    """xxgk: government information-disclosure annual reports (政府信息公开工作年度报告) as data."""


def settings() -> Settings:
    return Settings.from_env()


def database_url(cfg: Settings, *, quiet: bool = False) -> str:
    """Resolve the database, starting the embedded server when needed; notices go to stderr."""
    from db.engine import resolve_url

    notices: list[str] = []
    found = resolve_url(cfg, notices=notices)
    if not quiet:
        for notice in notices:
            typer.echo(notice, err=True)
    return found


def run_db(coro_factory: Callable[[], Coroutine[Any, Any, T]], url: str) -> T:
    """Run an async database job; a connection problem becomes a :class:`DatabaseUnavailableError`."""
    from db.errors import CONNECTION_ERRORS, DatabaseUnavailableError, describe_connection_error

    try:
        return asyncio.run(coro_factory())
    except CONNECTION_ERRORS as exc:
        raise DatabaseUnavailableError(describe_connection_error(exc, url)) from None


async def _checked(url: str) -> None:
    from db.migrate import ensure_current

    await ensure_current(url)


# --- db -------------------------------------------------------------------------------------------------


@db_app.command("start")
def db_start() -> None:
    """Start the embedded PostgreSQL (a no-op when it is running)."""
    cfg = settings()
    if cfg.database_url:
        raise UsageError("DATABASE_URL is set: the embedded server is not used")
    url = database_url(cfg)
    typer.echo(f"embedded PostgreSQL is running: {url}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL."""
    from db import embedded

    stopped = embedded.stop(settings().data_dir)
    typer.echo("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")


@db_app.command("status")
def db_status() -> None:
    """Say whether the database is running and where (exit code 1 when it is not)."""
    from db import embedded

    cfg = settings()
    if cfg.database_url:
        typer.echo("using DATABASE_URL (external PostgreSQL); embedded server not used")
        return
    st = embedded.status(cfg.data_dir)
    if st.running:
        typer.echo(f"running: pid {st.pid}, socket {st.socket_dir}, data {st.data_dir}")
        return
    extra = " (a stale lock from a crashed server will be cleared on start)" if st.stale_lock else ""
    typer.echo(f"not running: data {st.data_dir}{extra}")
    raise typer.Exit(1)


@db_app.command("url")
def db_url(
    sqlalchemy: Annotated[bool, typer.Option("--sqlalchemy", help="The SQLAlchemy form "
                                             "(postgresql+asyncpg://…) instead of the libpq one.")] = False,
) -> None:
    """Print the database URL (starting the embedded server if needed), as psql takes it: `psql "$(xxgk db url)"`."""
    from db.engine import dsn

    url = database_url(settings(), quiet=True)
    typer.echo(url if sqlalchemy else dsn(url))


# --- migrate ----------------------------------------------------------------------------------------------


@app.command()
def migrate(
    wait: Annotated[float, typer.Option(help="Seconds to keep trying while the database cannot be reached "
                                             "(a server starting beside this one, in a container).")] = 0,
) -> None:
    """Upgrade the database schema to the latest revision (a no-op when it is up to date)."""
    from db.errors import DatabaseUnavailableError
    from db.migrate import upgrade

    url = database_url(settings())
    deadline = time.monotonic() + wait
    while True:
        try:
            before, after = run_db(lambda: asyncio.to_thread(upgrade, url), url)
            break
        except DatabaseUnavailableError as exc:
            if time.monotonic() + 1 > deadline:
                raise
            typer.echo(f"waiting for the database: {exc}", err=True)
            time.sleep(1)
    if before == after:
        typer.echo(f"database schema is up to date (revision {after})")
    else:
        typer.echo(f"migrated database schema from {before or 'empty'} to {after}")


# --- parse -------------------------------------------------------------------------------------------------


@app.command()
def parse(
    paths: Annotated[list[str], typer.Argument(help="Report documents, folders (searched recursively) or globs.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print canonical JSON (an array for several documents "
                                                         "or a folder).")] = False,
) -> None:
    """Parse report documents and print what was read: a summary of each, or the canonical JSON.

    Nothing is stored. A folder gives every document under it (the same files `xxgk load` takes), and a
    closing line counts them. Exit code 1 when any could not be read as a report, 2 for a usage error.
    """
    from loaders.pipeline import ParseFailure, parse_path
    from loaders.summary import describe
    from services.ingest import find_documents, nothing_to_load

    files = find_documents(paths)
    if next(iter(files), None) is None:
        raise XxgkError(nothing_to_load(paths))
    several = len(paths) > 1 or any(not Path(p).is_file() for p in paths)
    results: list[Any] = []
    failed = 0
    for path in files:
        try:
            report = parse_path(path)
        except ParseFailure as exc:
            failed += 1
            typer.echo(f"error: {path}: {exc}", err=True)
            continue
        if as_json:
            results.append(report.to_json())
        else:
            typer.echo(("\n" if results else "") + describe(report, path))
            results.append(None)
    if as_json and (results or several):
        typer.echo(json.dumps(results if several else results[0], ensure_ascii=False, indent=2))
    if several:
        typer.echo(f"parsed {len(results) + failed} document(s): {len(results)} read, {failed} failed",
                   err=as_json)
    if failed:
        raise typer.Exit(1)


# --- load --------------------------------------------------------------------------------------------------


@app.command()
def load(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (searched recursively) or globs.")],
    manifest: Annotated[Path | None, typer.Option(help="CSV with columns path, agency, region_code, year, "
                                                       "source_url, published_at (all optional but path).")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency name for every document, overriding the title.")] = None,
    year: Annotated[int | None, typer.Option(help="Report year for every document, overriding the title.")] = None,
    jobs: Annotated[int | None, typer.Option(help="Parser processes (default: one per CPU).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    reparse: Annotated[bool, typer.Option("--reparse", help="Parse documents already stored again and replace "
                                                            "their reports, e.g. to apply --agency/--year to them.")] = False,
) -> None:
    """Load report documents (.txt .md .html .docx .pdf .doc .wps .xlsx .xls .png .jpg .tif) into the database.

    A document already loaded (same SHA-256) is `unchanged`, unless another parser version read it: then it
    is parsed again and `replaced`, as every stored document is with --reparse. A new document for the same
    agency and year `replaces` the old report. Each report is all-or-nothing; failures are recorded and the
    batch goes on; documents that are not reports (a cover letter, a picture of a seal) are skipped and
    counted apart. Exit code 0 when everything loaded or was skipped, 1 when any document failed, 2 for a
    usage error, 130 when interrupted (committed batches stay; the summary says what is stored).
    """
    from db.errors import DatabaseUnavailableError
    from loaders.pipeline import Overrides
    from services.ingest import LoadSummary, find_documents, nothing_to_load, read_manifest
    from services.prepare import REPORT_YEARS

    files = find_documents(paths)
    if next(iter(files), None) is None:  # an empty folder, or one of other files: a mistake, not a success
        raise XxgkError(nothing_to_load(paths))
    rows = read_manifest(manifest) if manifest else None
    if year is not None and year not in REPORT_YEARS:
        raise UsageError(f"--year {year} is not a report year ({REPORT_YEARS[0]}–{REPORT_YEARS[-1]})")
    cfg = settings()
    url = database_url(cfg, quiet=quiet)
    summary = LoadSummary()
    started = time.perf_counter()
    resume = "the reports counted above are stored; run the same command again to load the rest (documents " \
             "already stored are skipped)"
    try:
        run_db(lambda: _load_with_progress(cfg, url, files, rows, Overrides(agency=agency, year=year),
                                           jobs, quiet, summary, reparse), url)
    except KeyboardInterrupt:
        # Every batch that committed is stored whole; the one being written was rolled back.
        _print_load_summary(summary, time.perf_counter() - started)
        typer.echo(f"interrupted: {resume}", err=True)
        raise typer.Exit(130) from None
    except DatabaseUnavailableError as exc:
        if not sum(summary.counts.values()):
            raise  # nothing was done: the one line says why
        # Lost in the middle (a crash, a restart): what committed before is stored whole.
        _print_load_summary(summary, time.perf_counter() - started)
        typer.echo(f"error: the database was lost during the load ({exc}); {resume}", err=True)
        raise typer.Exit(exc.exit_code) from None
    if not quiet:
        _print_load_summary(summary, time.perf_counter() - started)
    given = [name for name, value in (("--agency", agency), ("--year", year), ("--manifest", manifest)) if value]
    if given and summary.counts["unchanged"] and not reparse:
        # Stored bytes are not read again, so what was given did not reach them.
        typer.echo(f"note: {summary.counts['unchanged']} document(s) were stored already and were not read again, "
                   f"so {' and '.join(given)} did not apply to them; add --reparse to apply it", err=True)
    if summary.failed:
        raise typer.Exit(1)


async def _load_with_progress(cfg: Settings, url: str, files: Documents, rows: dict[Path, Overrides | str] | None,
                              overrides: Overrides, jobs: int | None, quiet: bool, summary: LoadSummary,
                              reparse: bool) -> LoadSummary:
    from services.ingest import load as run_load

    if quiet or not sys.stderr.isatty():
        return await run_load(url, files, manifest=rows, overrides=overrides, jobs=jobs, summary=summary,
                              reparse=reparse, settings=cfg)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as bar:
        task = bar.add_task("load", total=files.count())
        return await run_load(url, files, manifest=rows, overrides=overrides, jobs=jobs,
                              progress=lambda n: bar.advance(task, n), summary=summary, reparse=reparse, settings=cfg)


_FAILURES_LISTED_ALONE = 10  # more failures than this are also counted by reason


def _print_load_summary(summary: LoadSummary, elapsed: float) -> None:
    c = summary.counts
    for path, reason in summary.skipped:
        typer.echo(f"skipped: {path}: {reason}", err=True)
    for path, reason in summary.failures:
        typer.echo(f"failed: {path}: {reason}", err=True)
    if len(summary.failures) > _FAILURES_LISTED_ALONE:
        # Readers name the file before the reason; without it, the same reason counts once per kind.
        reasons = Counter(reason.removeprefix(f"{Path(path).name}: ") for path, reason in summary.failures)
        typer.echo("failed by reason: " + "; ".join(f"{n:,} × {r}" for r, n in reasons.most_common()), err=True)
    issues = ", ".join(f"{n} {sev}" for sev, n in sorted(summary.issues.items())) or "none"
    done = sum(c.values())
    rate = f", {done / elapsed:,.0f} documents/s" if done and elapsed >= 1 else ""
    typer.echo(f"loaded {c['loaded']}, unchanged {c['unchanged']}, replaced {c['replaced']}, failed {c['failed']}"
               f", skipped {c['skipped']} (not reports); parse issues: {issues}; {elapsed:.1f} s{rate}")


# --- demo / check ------------------------------------------------------------------------------------------


@app.command()
def demo(
    synthetic: Annotated[int, typer.Option("--synthetic", help="How many synthetic reports to add.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same reports.")] = 0,
) -> None:
    """Add clearly marked synthetic reports (source format `synthetic`) to try the API at scale."""
    from services.demo import add_synthetic

    if synthetic < 1:
        raise UsageError("--synthetic must be at least 1")
    cfg = settings()
    url = database_url(cfg)

    async def run() -> dict[str, int]:
        await _checked(url)
        if not sys.stderr.isatty():
            return await add_synthetic(url, synthetic, seed=seed, settings=cfg)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("synthetic"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      transient=True) as bar:
            task = bar.add_task("demo", total=synthetic)
            return await add_synthetic(url, synthetic, seed=seed, progress=lambda n: bar.advance(task, n),
                                       settings=cfg)

    counts = run_db(run, url)
    typer.echo(", ".join(f"{status} {n}" for status, n in sorted(counts.items())) + " synthetic reports")


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


_CHECK_HEADINGS = {"error": "failed checks (errors)", "warning": "warnings (anomalies worth a second look)"}
_CHECK_NOUNS = {"error": "failed", "warning": "warning(s)"}


@app.command()
def check(
    agency: Annotated[str | None, typer.Option(help="Only agencies whose name contains this.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this report year.")] = None,
    limit: Annotated[int, typer.Option(min=0, help="At most this many reports listed per section "
                                                   "(the counts cover every report).")] = 50,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", case_sensitive=False,
        help="Exit 1 when a report has a failed check (error), or a failed check or a warning (warning). "
             "Without it the exit code is 0 whatever is found.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (shape in the README).")] = False,
) -> None:
    """Print the consistency checks stored reports did not pass: failed checks first, then warnings.

    Each section lists reports with the most findings first, each with its findings; a summary line closes
    the output. A failed check (error) is a broken identity of the report's own numbers; a warning is an
    anomaly (a value jumping year to year, a count out of range) worth a second look. Exit code 0, or 1
    with --fail-on when something at or above that severity was found; 2 for a usage error.
    """
    from db.reading import SEVERITIES, check_overview

    url = database_url(settings(), quiet=True)

    async def run() -> CheckOverview:
        await _checked(url)
        return await check_overview(url, agency=agency, year=year, limit=limit)

    found = run_db(run, url)
    if as_json:
        typer.echo(json.dumps(_check_json(found), ensure_ascii=False, indent=2))
    else:
        for severity in SEVERITIES:
            reports, findings = found.counts.get(severity, (0, 0))
            typer.echo(f"{_CHECK_HEADINGS[severity]}: {findings} in {reports} report(s)")
            for r in found.listed[severity]:
                typer.echo(f"  {r.agency_name} {r.year} (report {r.report_id}, {len(r.findings)} {_CHECK_NOUNS[severity]}) "
                           f"{r.source_uri}")
                for f in r.findings:
                    typer.echo(f"    {f.code} {f.location}: {f.message}")
            if len(found.listed[severity]) < reports:
                typer.echo(f"  … {reports - len(found.listed[severity])} more report(s) (--limit)")
        typer.echo(_check_summary(found))
    errors = found.counts.get("error", (0, 0))[1]
    warnings = found.counts.get("warning", (0, 0))[1]
    if (fail_on is FailOn.error and errors) or (fail_on is FailOn.warning and errors + warnings):
        raise typer.Exit(1)


def _check_summary(found: CheckOverview) -> str:
    (err_reports, errors), (warn_reports, warnings) = (found.counts.get(s, (0, 0)) for s in ("error", "warning"))
    return (f"{found.reports} report(s) checked: {errors} failed check(s) in {err_reports} report(s), "
            f"{warnings} warning(s) in {warn_reports} report(s)")


def _check_json(found: CheckOverview) -> dict[str, Any]:
    def number(value: Any) -> Any:
        return None if value is None else int(value) if value == int(value) else float(value)

    out: dict[str, Any] = {"reports_checked": found.reports}
    for severity, key in (("error", "errors"), ("warning", "warnings")):
        reports, findings = found.counts.get(severity, (0, 0))
        out[key] = {
            "count": findings,
            "reports": reports,
            "listed": [{"report_id": r.report_id, "agency_name": r.agency_name, "year": r.year,
                        "source_uri": r.source_uri,
                        "checks": [{"code": f.code, "severity": f.severity, "cross_year": f.cross_year,
                                    "location": f.location, "expected": number(f.expected),
                                    "actual": number(f.actual), "message": f.message} for f in r.findings]}
                       for r in found.listed[severity]],
        }
    return out


# --- export ------------------------------------------------------------------------------------------------


@app.command()
def export(
    outdir: Annotated[Path, typer.Argument(help="Directory for the files (created when missing).")],
    year: Annotated[int | None, typer.Option(help="Only reports of this year.")] = None,
    region: Annotated[str | None, typer.Option(help="Only agencies in this GB/T 2260 region, at any level "
                                                    "(e.g. 510000), its subdivisions included.")] = None,
    include_synthetic: Annotated[bool, typer.Option(
        "--include-synthetic", help="Also export synthetic test data (xxgk demo), marked 【合成】 and synthetic=true."
    )] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
) -> None:
    """Export open data: one CSV per table, reports.jsonl and a Frictionless datapackage.json.

    Synthetic test data is left out unless --include-synthetic.

    Empty cells stay empty (never 0); every report row carries its source URI, SHA-256 and parser version.
    Exit code 2 for a bad filter or an OUTDIR that is not a directory.
    """
    from services.export import ExportFilter

    flt = ExportFilter.parse(year, region, include_synthetic)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"not a directory: {outdir}")
    url = database_url(settings(), quiet=quiet)
    counts = run_db(lambda: _export_with_progress(url, outdir, flt, quiet), url)
    if not quiet:
        rows = ", ".join(f"{name.removesuffix('.csv')} {n:,}" for name, n in counts.items())
        typer.echo(f"wrote {len(counts) + 1} files to {outdir} (rows: {rows})")


async def _export_with_progress(url: str, outdir: Path, flt: ExportFilter, quiet: bool) -> dict[str, int]:
    import asyncpg

    from db.engine import dsn
    from services.export import export_dir

    conn = await asyncpg.connect(dsn(url))
    try:
        if quiet or not sys.stderr.isatty():
            return await export_dir(conn, outdir, flt)
        from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn

        with Progress(SpinnerColumn(), TextColumn("exporting {task.description}"),
                      TextColumn("{task.completed:,.0f} rows"), transient=True) as bar:
            tasks: dict[str, TaskID] = {}

            def advance(file: str, n: int) -> None:
                if file not in tasks:
                    tasks[file] = bar.add_task(file, total=None)
                bar.advance(tasks[file], n)

            return await export_dir(conn, outdir, flt, progress=advance)
    finally:
        await conn.close()


# --- serve -------------------------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (XXGK_HOST, default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (XXGK_PORT, default 8000).")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes (XXGK_WORKERS, default one per CPU); the API holds no state.")] = None,
) -> None:
    """Serve the GraphQL API (/graphql), the dashboard (/), /healthz and /metrics."""
    import copy
    import os

    import uvicorn

    cfg = settings()
    host, port = host or cfg.host, port or cfg.port
    _check_listen(host, port)
    url = database_url(cfg)
    run_db(lambda: _checked(url), url)
    # Workers resolve the same database: hand them the URL the embedded server got, and how many they are
    # (each sizes its connection pools by it).
    os.environ.setdefault("DATABASE_URL", url)
    workers = workers or cfg.worker_count
    os.environ.update(XXGK_WORKERS=str(workers))
    # uvicorn's own logging, plus the app's loggers (xxgk.access: one JSON line per request) on stdout.
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["formatters"]["plain"] = {"format": "%(message)s"}
    log_config["handlers"]["plain"] = {"class": "logging.StreamHandler", "formatter": "plain",
                                       "stream": "ext://sys.stdout"}
    log_config["loggers"]["xxgk"] = {"handlers": ["plain"], "level": "INFO", "propagate": False}
    from xxgk.http_protocol import CoalescingHttpToolsProtocol

    options: dict[str, Any] = dict(factory=True, host=host, port=port, workers=workers, log_level="info",
                                   access_log=False, log_config=log_config, http=CoalescingHttpToolsProtocol)
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run("api.app:create_app", **options)
        return
    # uvicorn's workers would share one listening socket, and the first awake accepts every connection
    # waiting: a client opening 16 keep-alive connections at once had 13–16 of them on one worker while the
    # other idled. Here each worker listens on a socket of its own (SO_REUSEPORT), among which the kernel
    # spreads new connections by their addresses. uvicorn still supervises the workers.
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("api.app:create_app", **options)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[_WorkerSocket.opened(host, port)]).run()


class _WorkerSocket(socket.socket):
    """The parent's socket, bound with SO_REUSEPORT and never listening; a worker started with it gets a
    socket of its own, bound to the same address (how it is pickled for the worker's process)."""

    @classmethod
    def opened(cls, host: str, port: int) -> _WorkerSocket:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = cls(family, kind, proto)
        _reuse_port(sock).bind(address)
        logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", host,
                                                sock.getsockname()[1])
        return sock

    def __reduce_ex__(self, protocol: Any) -> Any:
        return _worker_socket, (self.family, self.type, self.proto, self.getsockname())


def _reuse_port(sock: socket.socket) -> socket.socket:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


def _worker_socket(family: int, kind: int, proto: int, address: Any) -> socket.socket:
    """A worker's own listening socket on the parent's address."""
    sock = _reuse_port(socket.socket(family, kind, proto))
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


def _check_listen(host: str, port: int) -> None:
    """Say in one line, before anything starts, when the server could not listen there."""
    import socket

    if not 1 <= port <= 65535:
        raise UsageError(f"port {port} is not a TCP port (1–65535)")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as exc:  # in use, not an address of this machine, a privileged port, a name unknown
        reason = exc.strerror or str(exc)
        raise XxgkError(f"cannot listen on {host}:{port}: {reason} (choose another with --port or --host)") from None


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug, not a user mistake: one line unless asked for the traceback
        if _debug():
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (set XXGK_DEBUG=1 for the traceback)", err=True)
        sys.exit(70)


def _debug() -> bool:
    try:
        return Settings.from_env().debug
    except XxgkError:  # another setting is unusable; that error is not this one
        return False
