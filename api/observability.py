"""Prometheus metrics (/metrics) and one structured access-log line per request.

With ``xxgk serve --workers N`` each worker counts its own requests; set ``PROMETHEUS_MULTIPROC_DIR`` to a
shared empty directory to have /metrics aggregate them (prometheus_client's multiprocess mode, which
prometheus_client itself turns on from the same variable when it is imported).
"""

from __future__ import annotations

import logging
import time

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("xxgk.access")

REQUESTS = Counter("xxgk_http_requests_total", "HTTP requests served.", ["method", "route", "status"])
LATENCY = Histogram(
    "xxgk_http_request_duration_seconds",
    "Time to serve an HTTP request.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# Known routes keep their path; anything else is "other", so random URLs cannot blow up the label set.
ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics", "/"})


class ObservabilityMiddleware:
    """Pure ASGI middleware: counts and times every HTTP request and logs it as one JSON line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            elapsed = time.perf_counter() - started
            path = scope.get("path", "")
            route = path if path in ROUTES else "/export" if path.startswith("/export/") else "other"
            method = scope.get("method", "")
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_log.info(orjson.dumps({
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client": client[0] if client else None,
                }).decode())


async def metrics(request: Request) -> Response:
    """The Prometheus exposition of this process (or of every worker, in multiprocess mode)."""
    shared = request.app.state.xxgk.settings.prometheus_multiproc_dir
    if shared is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(shared))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
