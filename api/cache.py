"""A response cache for GraphQL queries, exact because it is keyed by the data version.

Dashboards ask the same questions over and over (``summary`` by year × province, a region's page), and the
answer changes only when reports are written. Every writing transaction bumps ``data_version`` as it
commits (``db.version``); a cached response is served only while the version it was computed at is still
the current one, read in one cheap statement per request from the same database (primary or replica) the
answer would come from. So a response is never stale after a load, a replacement or an ``ingestReport``.

A query is remembered from its second request on: the first only marks it as seen, so one-off queries
(a report by a random id) cost nothing extra. Only POSTed queries are cached (never mutations), only
successful answers without errors, entries are
evicted least recently used beyond ``XXGK_RESPONSE_CACHE_MB`` (0 turns the cache off), and an entry also
expires after ``XXGK_RESPONSE_CACHE_TTL`` seconds, which bounds staleness for rows changed around the
writer (by hand in psql, say). Responses carry ``X-XXGK-Cache: hit`` or ``miss``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from functools import lru_cache

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.state import AppState, DataVersion

HEADER = b"x-xxgk-cache"
_MAX_ENTRY_SHARE = 4  # one response may take at most a quarter of the cache
_MAX_QUERY_CHARS = 20_000
_MAX_SEEN = 10_000


class ResponseCache:
    """Bodies by key, each with the data version it was computed at; least recently used go first."""

    def __init__(self, max_bytes: int, ttl_seconds: float) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl_seconds
        self.size = 0
        self._entries: OrderedDict[str, tuple[int, float, bytes]] = OrderedDict()
        self._seen: OrderedDict[str, None] = OrderedDict()  # keys asked for once, most recent last

    def admit(self, key: str) -> bool:
        """Whether ``key`` is worth a version read: cached already, or asked for before."""
        if key in self._entries or key in self._seen:
            return True
        self._seen[key] = None
        if len(self._seen) > _MAX_SEEN:
            self._seen.popitem(last=False)
        return False

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, version: int) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_version, stored_at, body = entry
        if stored_version != version or time.monotonic() - stored_at > self.ttl:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return body

    def put(self, key: str, version: int, body: bytes) -> None:
        if len(body) * _MAX_ENTRY_SHARE > self.max_bytes:
            return
        self._drop(key)
        self._entries[key] = (version, time.monotonic(), body)
        self.size += len(body)
        while self.size > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry[2])


@lru_cache(maxsize=1024)
def _is_query(document: str, operation_name: str | None, max_tokens: int) -> bool:
    try:
        # Past the token limit the endpoint refuses the query anyway: no need to parse all of it here.
        operation = get_operation_ast(parse(document, max_tokens=max_tokens), operation_name)
    except GraphQLError:
        return False  # the endpoint reports the error, uncached
    return operation is not None and operation.operation is OperationType.QUERY


def cache_key(body: bytes, max_tokens: int) -> str | None:
    """The key of a POSTed GraphQL query, or None when the request is not one to cache."""
    try:
        # The json module, as the endpoint reads it: orjson would read a huge integer as a float, and two
        # different variables could then share a key.
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    if len(payload["query"]) > _MAX_QUERY_CHARS:
        return None  # not worth remembering (and the parse cache holds at most 1024 short documents)
    name = payload.get("operationName")
    if not (name is None or isinstance(name, str)) or not _is_query(payload["query"], name, max_tokens):
        return None
    try:
        canonical = json.dumps([payload["query"], payload.get("variables"), name], sort_keys=True)
    except (ValueError, RecursionError):
        return None
    return hashlib.sha256(canonical.encode()).hexdigest()


class CachedEndpoint:
    """Wraps the /graphql ASGI endpoint: answers repeated queries from the cache while the data is unchanged."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state
        self.cache = ResponseCache(state.settings.response_cache_mb * 1024 * 1024, state.settings.response_cache_ttl_s)
        self._version = DataVersion(state, "response cache off").read

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or self.cache.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        key = cache_key(body, self.state.settings.max_query_tokens)
        if key is not None and not self.cache.admit(key):
            key = None  # a first request: answered as usual, remembered only if it comes again
        version = await self._version() if key is not None else None
        if key is not None and version is not None:
            cached = self.cache.get(key, version)
            if cached is not None:
                await _send_json(send, cached)
                return
        await self.app(scope, _replay(body, receive), self._capture(send, key, version))

    def _capture(self, send: Send, key: str | None, version: int | None) -> Send:
        status = 0
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (HEADER, b"miss")]}
            elif message["type"] == "http.response.body" and key is not None and version is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and status == 200:
                    body = b"".join(chunks)
                    # A response with errors is not an answer worth keeping (and may be a timeout).
                    if b'"errors"' not in body:
                        self.cache.put(key, version, body)
            await send(message)

        return capture


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the already-read body once, then defers to the real one (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_json(send: Send, body: bytes) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (HEADER, b"hit"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
