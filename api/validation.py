"""Parsing and validating GraphQL documents off the event loop, each distinct document once.

A document is parsed and validated in a small thread pool, so a long one never holds up the requests
the event loop is serving meanwhile (``/healthz`` among them); the request's time budget
(``XXGK_REQUEST_TIMEOUT_MS``) bounds how long its client waits. Parsed documents are kept by their text,
validation results by the document's normalised form (printed back without comments, commas or layout),
so the same query sent with other whitespace or comments is validated once.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from graphql import DocumentNode, GraphQLError, parse, print_ast
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

K = TypeVar("K")
V = TypeVar("V")

CACHED_DOCUMENTS = 256  # distinct query texts kept: a dashboard sends a few dozen
_MAX_CACHED_CHARS = 20_000  # longer texts are parsed each time (they are rare, and bounded by the body limit)
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="xxgk-graphql")


class _Lru(Generic[K, V]):
    """A small least-recently-used map (the event loop is its only user: no lock)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


# query text and token limit → (document, normalised key)
_PARSED: _Lru[tuple[str, int | None], tuple[DocumentNode, str]] = _Lru(CACHED_DOCUMENTS)
# (normalised key, rules) → (the text it was validated from, its errors)
_VALIDATED: _Lru[tuple[str, tuple[type[ASTValidationRule], ...]], tuple[str, list[GraphQLError]]] = _Lru(
    CACHED_DOCUMENTS)


def _parse(query: str, max_tokens: int | None) -> tuple[DocumentNode, str]:
    document = parse(query, max_tokens=max_tokens)
    return document, hashlib.sha256(print_ast(document).encode()).hexdigest()


async def _off_loop(function: Callable[..., V], *args: Any) -> V:
    return await asyncio.get_running_loop().run_in_executor(_POOL, function, *args)


class OffLoopValidation(SchemaExtension):
    """Parses (with at most ``max_tokens`` tokens) and validates (with ``rules`` and the specified ones) in the
    thread pool."""

    def __init__(self, rules: Sequence[type[ASTValidationRule]], max_tokens: int | None = None) -> None:
        super().__init__()
        self.rules = tuple(rules)
        self.max_tokens = max_tokens
        self._key: str | None = None

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        query = context.query or ""
        max_tokens = self.max_tokens
        found = _PARSED.get((query, max_tokens))
        if found is None:
            found = await _off_loop(_parse, query, max_tokens)  # a syntax error is raised here, for the client
            if len(query) <= _MAX_CACHED_CHARS:
                _PARSED.put((query, max_tokens), found)
        context.graphql_document, self._key = found
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document, query = context.graphql_document, context.query or ""
        assert document is not None and self._key is not None
        rules = (*context.validation_rules, *self.rules)
        cached = _VALIDATED.get((self._key, rules))
        # An error points into the text it was found in: reused only for that same text.
        if cached is not None and (not cached[1] or cached[0] == query):
            errors = cached[1]
        else:
            errors = await _off_loop(validate_document, context.schema._schema, document, rules)
            if len(query) <= _MAX_CACHED_CHARS:
                _VALIDATED.put((self._key, rules), (query, errors))
        context.pre_execution_errors = errors
        yield


__all__ = ["CACHED_DOCUMENTS", "OffLoopValidation"]
