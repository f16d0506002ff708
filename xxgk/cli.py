"""The ``xxgk`` command line: database, migrations, parsing, loading, checking, exporting, serving."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from core.errors import UsageError, XxgkError
from core.settings import Settings

if TYPE_CHECKING:
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
def db_url() -> None:
    """Print the database URL (starting the embedded server if needed)."""
    typer.echo(database_url(settings(), quiet=True))


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
    files: Annotated[list[Path], typer.Argument(help="Report text files (.txt, .md) or documents.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print canonical JSON (an array for several files).")] = False,
) -> None:
    """Parse report files and print what was read: a summary, or the canonical JSON."""
    from loaders.pipeline import ParseFailure, parse_path
    from loaders.summary import describe

    results: list[Any] = []
    failed = 0
    for path in files:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        try:
            report = parse_path(path)
        except ParseFailure as exc:
            failed += 1
            typer.echo(f"error: {path}: {exc}", err=True)
            continue
        results.append(report.to_json() if as_json else describe(report, path))
    if as_json:
        out = results[0] if len(files) == 1 and results else results
        if results or len(files) > 1:
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        typer.echo("\n\n".join(results))
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
    from services.ingest import LoadSummary, find_documents, read_manifest
    from services.prepare import REPORT_YEARS

    files = find_documents(paths)
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


@app.command()
def check(
    agency: Annotated[str | None, typer.Option(help="Only agencies whose name contains this.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this report year.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many reports listed.")] = 50,
) -> None:
    """Print the failed consistency checks of stored reports, with their messages."""
    from db.reading import failed_checks

    url = database_url(settings(), quiet=True)

    async def run() -> tuple[int, list[tuple[str, list[str]]]]:
        await _checked(url)
        return await failed_checks(url, agency=agency, year=year, limit=limit)

    checked, reports = run_db(run, url)
    for head, rows in reports:
        typer.echo(head)
        for row in rows:
            typer.echo(f"  {row}")
    bad = len(reports)
    typer.echo(f"{checked} report(s) checked, {bad}{'+' if bad >= limit else ''} with failed checks")


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
    uvicorn.run("api.app:create_app", factory=True, host=host or cfg.host, port=port or cfg.port,
                workers=workers, log_level="info", access_log=False, log_config=log_config)


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
