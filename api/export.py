"""Bulk downloads over HTTP, streamed in constant memory: the same files as ``xxgk export``.

``/export/{table}.csv``, ``/export/reports.jsonl`` and ``/export/datapackage.json``, each filtered by
``?year=2021&region=510000`` like the command line; synthetic test data only with ``?include_synthetic=true``. Rows come from a server-side cursor on a pooled
read connection held for the length of the download.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api.state import AppState
from core.errors import NotFoundError
from db.errors import CONNECTION_ERRORS, DatabaseUnavailableError
from services.export import DESCRIPTOR_FILE, JSONL_FILE, TABLES, ExportFilter, datapackage, iter_csv, iter_jsonl

log = logging.getLogger("xxgk.api.export")


def _filter(request: Request) -> ExportFilter:
    params = request.query_params
    return ExportFilter.parse(params.get("year"), params.get("region"), params.get("include_synthetic"))


def _attachment(file: str, flt: ExportFilter) -> dict[str, str]:
    # The filter goes into the file name, so two downloads of different selections do not overwrite each other.
    stem, ext = file.rsplit(".", 1)
    tags = "".join(f"-{v}" for v in (flt.year, flt.region) if v is not None) + ("-synthetic" if flt.include_synthetic else "")
    return {"Content-Disposition": f'attachment; filename="{stem}{tags}.{ext}"'}


async def _download(request: Request, produce: Callable[[asyncpg.Connection], AsyncIterator[bytes]],
                    media_type: str, headers: dict[str, str]) -> Response:
    """A streamed download whose first chunk is read before the answer starts: a database that cannot be
    reached, or that fails the query, is a 503, not a 200 cut short. Past the first byte a failure can only
    break the stream off (no final chunk), which clients report as an incomplete download."""
    state: AppState = request.app.state.xxgk
    opened = state.read_engine.connect()
    conn: AsyncConnection | None = None
    try:
        conn = await opened.__aenter__()
        raw = (await conn.get_raw_connection()).driver_connection
        chunks = aiter(produce(raw))
        first = await anext(chunks, b"")  # the query has run: its rows, or the whole (short) file
    except CONNECTION_ERRORS as exc:
        log.warning("export of %s refused: %s", request.url.path, exc)
        if conn is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                await conn.invalidate()
        with contextlib.suppress(*CONNECTION_ERRORS):
            await opened.__aexit__(None, None, None)
        raise DatabaseUnavailableError("the database cannot be reached; try again later") from None
    return StreamingResponse(_rest(request, opened, conn, first, chunks), media_type=media_type, headers=headers)


async def _rest(request: Request, opened: Any, conn: AsyncConnection, first: bytes,
                chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    done = False
    try:
        if first:
            yield first
        async for chunk in chunks:
            yield chunk
        done = True
    finally:
        if not done:
            # A download cut short (client gone, query failed) may leave the connection mid-protocol.
            log.warning("export of %s stopped before the end", request.url.path)
            with contextlib.suppress(*CONNECTION_ERRORS):
                await conn.invalidate()
        with contextlib.suppress(*CONNECTION_ERRORS):
            await opened.__aexit__(None, None, None)


async def table_csv(request: Request) -> Response:
    """One table as CSV."""
    table = request.path_params["table"]
    if table not in TABLES:
        raise NotFoundError(f"no table {table!r}; tables: {', '.join(TABLES)}")
    flt = _filter(request)
    return await _download(request, lambda conn: iter_csv(conn, table, flt), "text/csv; charset=utf-8",
                           _attachment(TABLES[table].file, flt))


async def reports_jsonl(request: Request) -> Response:
    """Whole reports as JSON Lines."""
    flt = _filter(request)
    return await _download(request, lambda conn: iter_jsonl(conn, flt), "application/x-ndjson; charset=utf-8",
                            _attachment(JSONL_FILE, flt))


async def datapackage_json(request: Request) -> Response:
    """The Frictionless descriptor; its resource paths are this server's URLs with the same filter."""
    flt = _filter(request)
    query = {k: str(v) for k, v in flt.describe().items() if v is not None}

    def url(file: str) -> str:
        target = (request.url_for("export_jsonl") if file == JSONL_FILE
                  else request.url_for("export_table", table=file.removesuffix(".csv")))
        return str(target.include_query_params(**query))

    body = json.dumps(datapackage(flt, path=url), ensure_ascii=False, indent=2).encode("utf-8")
    return Response(body, media_type="application/json", headers=_attachment(DESCRIPTOR_FILE, flt))


def export_routes() -> list[Route]:
    """The routes to mount in the app."""
    return [
        Route(f"/export/{DESCRIPTOR_FILE}", datapackage_json, name="export_datapackage"),
        Route("/export/reports.jsonl", reports_jsonl, name="export_jsonl"),
        Route("/export/{table}.csv", table_csv, name="export_table"),
    ]
