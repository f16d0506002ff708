"""The Strawberry schema mounted at /graphql, with GraphiQL."""

from __future__ import annotations

import strawberry
from strawberry.asgi import GraphQL

from api.state import AppState


@strawberry.type
class Query:
    @strawberry.field(description="The API version.")
    def version(self) -> str:
        from xxgk import __version__

        return __version__


schema = strawberry.Schema(query=Query)


def graphql_app(state: AppState) -> GraphQL:
    return GraphQL(schema, graphql_ide="graphiql")
