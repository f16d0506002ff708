"""The Strawberry schema mounted at /graphql (GraphiQL in a browser), and the per-request context."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import orjson
import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.context import Context
from api.errors import MaskInternalErrors
from api.execution import ExecutionContext, PlannedExecutionContext
from api.limits import limit_extensions
from api.mutations import Mutation
from api.queries import Query
from api.state import AppState
from core.settings import Settings


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the settings' query limits, and the plain-field path unless ``XXGK_PLAIN_FIELDS=0``."""
    return _schema(settings.max_query_depth, settings.max_query_aliases, settings.max_query_tokens,
                   settings.max_query_cost, settings.plain_fields)


@cache
def _schema(depth: int, aliases: int, tokens: int, cost: int, plain_fields: bool) -> strawberry.Schema:
    limits = replace(Settings(), max_query_depth=depth, max_query_aliases=aliases, max_query_tokens=tokens,
                     max_query_cost=cost)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        # Limits refuse a query before it runs; masking applies to whatever happens while it runs.
        extensions=[*limit_extensions(limits), MaskInternalErrors],
        execution_context_class=ExecutionContext if plain_fields else PlannedExecutionContext,
    )


class XxgkGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a fresh :class:`Context` (and fresh DataLoaders) per request."""

    def __init__(self, state: AppState, **kw: Any) -> None:
        super().__init__(build_schema(state.settings), **kw)
        self.state = state

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
        )


def graphql_app(state: AppState) -> GraphQL[Context, None]:
    """The ASGI endpoint for /graphql."""
    return XxgkGraphQL(state, graphql_ide="graphiql")
