"""Bulk downloads over HTTP, streamed in constant memory: the same files as ``xxgk export``.

``/export/{table}.csv``, ``/export/reports.jsonl`` and ``/export/datapackage.json``, each filtered by
``?year=2021&region=510000`` like the command line; synthetic test data only with ``?include_synthetic=true``. Rows come from a server-side cursor on a pooled
read connection held for the length of the download.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable

import asyncpg
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api.state import AppState
from core.errors import NotFoundError
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


async def _stream(request: Request, produce: Callable[[asyncpg.Connection], AsyncIterator[bytes]]
                  ) -> AsyncIterator[bytes]:
    state: AppState = request.app.state.xxgk
    async with state.read_engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        done = False
        try:
            async for chunk in produce(raw):
                yield chunk
            done = True
        finally:
            if not done:
                # A download cut short (client gone, query failed) may leave the connection mid-protocol.
                log.warning("export of %s stopped before the end", request.url.path)
                await conn.invalidate()


async def table_csv(request: Request) -> Response:
    """One table as CSV."""
    table = request.path_params["table"]
    if table not in TABLES:
        raise NotFoundError(f"no table {table!r}; tables: {', '.join(TABLES)}")
    flt = _filter(request)
    return StreamingResponse(_stream(request, lambda conn: iter_csv(conn, table, flt)),
                             media_type="text/csv; charset=utf-8", headers=_attachment(TABLES[table].file, flt))


async def reports_jsonl(request: Request) -> Response:
    """Whole reports as JSON Lines."""
    flt = _filter(request)
    return StreamingResponse(_stream(request, lambda conn: iter_jsonl(conn, flt)),
                             media_type="application/x-ndjson; charset=utf-8", headers=_attachment(JSONL_FILE, flt))


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
