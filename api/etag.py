"""Conditional GET: an ``ETag`` from the data version, and ``304 Not Modified`` when the client has it already.

What a GET of a GraphQL query or an export answers changes only when the data version does (every
writing transaction bumps it, ``db.version``). So the tag is the version the request was answered at and
a hash of the request's path and query string: a client that sends it back in ``If-None-Match`` gets
``304`` and no body while no write has happened since. The version is read before the answer is made,
so a tag is never newer than the data it stands for. Tags are weak (``W/"…"``): they promise the same
data, not the same bytes. Rows changed around the writer (by hand in psql) do not change the tag.
"""

from __future__ import annotations

import hashlib

from starlette.routing import Route, request_response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.state import AppState, DataVersion

# Revalidate every time: the tag answers cheaply, and a cached answer is never served after a write.
_CACHE_CONTROL = b"no-cache"


def etag(version: int, path: str, query: bytes) -> str:
    """The weak tag of a GET of ``path`` with ``query`` answered at data ``version``."""
    digest = hashlib.sha256(path.encode() + b"?" + query).hexdigest()[:20]
    return f'W/"{version}-{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weak comparison, as RFC 9110 asks for GET)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == wanted for t in if_none_match.split(","))


class ConditionalGet:
    """Wraps a GET endpoint: tags its successful answers and answers ``304`` to a tag still current.

    With ``whole_body``, the answer is held until it is complete so one carrying GraphQL ``errors`` (a
    timeout, say) gets no tag; otherwise (a streamed export) every ``200`` is tagged as it starts.
    """

    def __init__(self, app: ASGIApp, state: AppState, *, whole_body: bool = False) -> None:
        self.app = app
        self.state = state
        self.whole_body = whole_body
        self._version = DataVersion(state, "no ETag").read

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        version = await self._version()
        if version is None:
            await self.app(scope, receive, send)
            return
        tag = etag(version, scope["path"], scope.get("query_string", b""))
        headers = dict(scope.get("headers", []))
        if matches(headers.get(b"if-none-match", b"").decode("latin-1"), tag):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(b"etag", tag.encode()), (b"cache-control", _CACHE_CONTROL)]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, self._tagging(send, tag))

    def _tagging(self, send: Send, tag: str) -> Send:
        start: Message | None = None
        chunks: list[bytes] = []
        tagged = [(b"etag", tag.encode()), (b"cache-control", _CACHE_CONTROL)]

        async def streamed(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {**message, "headers": [*message.get("headers", []), *tagged]}
            await send(message)

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            if start["status"] == 200 and b'"errors"' not in body:
                start = {**start, "headers": [*start.get("headers", []), *tagged]}
            await send(start)
            await send({"type": "http.response.body", "body": body})

        return held if self.whole_body else streamed


def conditional_routes(routes: list[Route], state: AppState) -> list[Route]:
    """``routes`` (of function endpoints) answering GET conditionally, streamed answers tagged as they start."""
    return [Route(r.path, ConditionalGet(request_response(r.endpoint), state), name=r.name, methods=["GET", "HEAD"])
            for r in routes]
