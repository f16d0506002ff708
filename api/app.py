"""The ASGI application: GraphQL at /graphql, the dashboard at /, /healthz, /readyz, /metrics and bulk exports."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api import dashboard
from api.body import BodyLimit
from api.cache import CachedEndpoint
from api.changes import change_routes
from api.errors import error_response
from api.etag import ConditionalGet, conditional_routes
from api.export import export_routes
from api.graphql import graphql_app
from api.limits import dimension_cardinality
from api.observability import ObservabilityMiddleware, metrics
from api.state import PROBE_TIMEOUT_S, AppState
from core.errors import XxgkError
from core.settings import Settings

log = logging.getLogger("xxgk.api")
_YOUNG_THRESHOLD = 20_000


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers. It asks nothing of the database, so a busy server is still alive."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Readiness: ok when the database answers, through a connection of its own (``AppState.probe_engine``)."""
    state: AppState = request.app.state.xxgk
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S), state.probe_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        log.warning("readiness check failed: %s", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app; the database is resolved from settings (DATABASE_URL or the embedded server)."""
    settings = settings or Settings.from_env()
    state = AppState.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The gazetteer's counts that the cost of a summary reads: loaded now, not in the first query's validation.
        dimension_cardinality()
        if settings.api_key:  # uploads are possible: their parser process starts now, not on the first one
            state.uploads.start()
        # What exists at startup (schema, mappers, statements, the gazetteer) lives as long as the process.
        # Frozen, a full collection no longer walks it: a summary's response leaves thousands of objects to
        # the collector, and walking the whole heap after them took a fifth of the server's CPU.
        gc.collect()
        gc.freeze()
        # A response of thousands of objects also set off ~25 young-generation collections and two or three
        # older ones, each walking everything the request had built so far: 3-7 ms of a 30 ms summary.
        # Collecting every 20,000 net allocations instead of every 700 leaves one or two per request.
        # Reference counting still frees acyclic garbage at once; only cycles wait a little longer.
        threshold = gc.get_threshold()
        gc.set_threshold(max(threshold[0], _YOUNG_THRESHOLD), *threshold[1:])
        try:
            yield
        finally:
            gc.set_threshold(*threshold)
            await state.dispose()

    app = Starlette(
        routes=[Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics),
                Route("/graphql", ConditionalGet(CachedEndpoint(graphql_app(state), state), state, whole_body=True),
                      methods=["GET", "POST"]),
                *conditional_routes([*export_routes(), *change_routes()], state),
                *dashboard.routes],
        # Outermost first: every request is counted and logged, a refused body included.
        middleware=[Middleware(ObservabilityMiddleware), Middleware(BodyLimit, state=state)],
        exception_handlers={XxgkError: error_response},
        lifespan=lifespan,
    )
    app.state.xxgk = state
    return app
