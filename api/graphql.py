"""The Strawberry schema mounted at /graphql (GraphiQL in a browser), and the per-request context."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from functools import cache
from typing import Any

import orjson
import strawberry
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionResult

from api.auth import is_api_key
from api.context import Context
from api.dashboard import assets
from api.errors import TIMEOUT_MESSAGE, MaskInternalErrors, is_user_facing
from api.execution import ExecutionContext, PlannedExecutionContext
from api.inputs import MAX_TEXT_CHARS
from api.limits import limit_extensions
from api.mutations import Mutation
from api.queries import Query
from api.state import AppState
from api.types.enums import list_allowed_values
from api.types.scalars import SCALARS
from core.settings import Settings


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the settings' query limits, and the plain-field path unless ``XXGK_PLAIN_FIELDS=0``."""
    return _schema(settings.max_query_depth, settings.max_query_aliases, settings.max_query_tokens,
                   settings.max_query_cost, settings.plain_fields)


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log what went wrong in the server; a mistake in the request is the client's to read, not the log's."""
        super().process_errors([e for e in errors if not is_user_facing(e)], execution_context)


@cache
def _schema(depth: int, aliases: int, tokens: int, cost: int, plain_fields: bool) -> strawberry.Schema:
    limits = replace(Settings(), max_query_depth=depth, max_query_aliases=aliases, max_query_tokens=tokens,
                     max_query_cost=cost)
    schema = _Schema(
        query=Query,
        mutation=Mutation,
        # Limits refuse a query before it runs; masking applies to whatever happens while it runs.
        extensions=[*limit_extensions(limits), MaskInternalErrors],
        execution_context_class=ExecutionContext if plain_fields else PlannedExecutionContext,
        config=StrawberryConfig(scalar_map=SCALARS),
    )
    list_allowed_values(schema._schema)
    return schema


class XxgkGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a fresh :class:`Context` (and fresh DataLoaders) per request."""

    def __init__(self, state: AppState, **kw: Any) -> None:
        super().__init__(build_schema(state.settings), **kw)
        self.state = state

    async def execute_operation(self, request: Request, *args: Any, **kw: Any) -> Any:
        """Parse, validate and execute within the request's time budget (``XXGK_REQUEST_TIMEOUT_MS``); a request
        with the API key (an upload, which may take long to read) has none."""
        settings = self.state.settings
        if is_api_key(request.headers.get("authorization", ""), settings.api_key):
            return await super().execute_operation(request, *args, **kw)
        try:
            async with asyncio.timeout(settings.request_timeout_ms / 1000):
                return await super().execute_operation(request, *args, **kw)
        except TimeoutError:
            # Cancelled where it waited: a statement is cancelled in PostgreSQL too.
            return ExecutionResult(data=None, errors=[GraphQLError(TIMEOUT_MESSAGE)])

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL, its scripts and styles served from ``static/vendor/graphiql`` rather than a CDN: it works offline."""
        return HTMLResponse(graphiql_page(), headers={"Cache-Control": "no-cache"})

    def parse_json(self, data: str | bytes) -> Any:
        """The request's JSON: an object (a list is a batch, which is refused as such), else a 400."""
        try:
            payload = self.decode_json(data)
        except (ValueError, RecursionError):  # not JSON, or nested past what a parser should follow
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(payload, dict | list):
            raise HTTPException(400, "The request body must be a JSON object with a `query`")
        for operation in payload if isinstance(payload, list) else [payload]:
            name = operation.get("operationName") if isinstance(operation, dict) else None
            if isinstance(name, str) and len(name) > MAX_TEXT_CHARS:  # it would be quoted back when unknown
                raise HTTPException(400, f"operationName is {len(name):,} characters long; at most "
                                         f"{MAX_TEXT_CHARS} are taken")
        return payload

    def encode_json(self, data: object) -> bytes:
        # UTF-8 as is (no \\u escapes for Chinese) and about ten times faster than the json module.
        return orjson.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None) -> Context:
        state = self.state
        return Context(
            request=request,  # type: ignore[arg-type]
            response=response,  # type: ignore[arg-type]
            settings=state.settings,
            read_sessions=state.read_sessions,
            write_sessions=state.write_sessions,
            reads=state.reads,
            write_url=state.write_url,
            uploads=state.uploads,
        )


# Strawberry's GraphiQL page names these files on a CDN; the same files are vendored under static/.
_VENDORED = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
}


@cache
def graphiql_page() -> str:
    """Strawberry's GraphiQL page with every CDN link pointing at the vendored file's hashed URL.

    Raises ``RuntimeError`` when the page names a file that is not vendored (Strawberry moved to another
    GraphiQL): the test suite meets it first.
    """
    html = get_graphql_ide_html(graphql_ide="graphiql")
    files = assets()
    for cdn, name in _VENDORED.items():
        html = html.replace(f'src="{cdn}"', f'src="{files[f"vendor/graphiql/{name}"].url}"')
        html = html.replace(f'href="{cdn}"', f'href="{files[f"vendor/graphiql/{name}"].url}"')
    if (left := re.search(r'(?:src|href)="(https?://[^"]+)"', html)) is not None:
        raise RuntimeError(f"GraphiQL's page names {left.group(1)}, which is not vendored under api/static/vendor")
    return html.replace('crossorigin\n', "\n")


def graphql_app(state: AppState) -> GraphQL[Context, None]:
    """The ASGI endpoint for /graphql."""
    return XxgkGraphQL(state, graphql_ide="graphiql")
