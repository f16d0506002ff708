"""A limit on request bodies, enforced as they arrive: ``413`` beyond it, before the body is read whole.

Every request may send ``XXGK_MAX_BODY_KB``; one that carries the API key (``ingestReport``) may send a
document of ``XXGK_MAX_UPLOAD_MB`` base64-encoded. A declared ``Content-Length`` past the limit is refused
at once; a body sent in chunks is counted as it is received and refused at the first chunk past it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import is_api_key
from api.state import AppState
from core.errors import UsageError

_ENVELOPE = 64 * 1024  # the JSON around an uploaded document: its query, file name and metadata


class BodyTooLargeError(UsageError):
    """The request body is larger than the server takes."""

    http_status = 413


class _TooLarge(Exception):  # noqa: N818 - not an XxgkError: it must pass the app's handlers up to BodyLimit
    """Raised from ``receive`` at the first chunk past the limit."""


def upload_body_bytes(max_upload_mb: int) -> int:
    """The largest body of a request that uploads a document of ``max_upload_mb`` (base64 takes 4 bytes per 3)."""
    return max_upload_mb * 1024 * 1024 * 4 // 3 + _ENVELOPE


class BodyLimit:
    """Pure ASGI middleware: refuses a body past the limit with ``413`` and a one-line message."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    def _limit(self, scope: Scope) -> int:
        settings = self.state.settings
        for name, value in scope.get("headers", ()):
            if name == b"authorization" and is_api_key(value.decode("latin-1"), settings.api_key):
                return upload_body_bytes(settings.max_upload_mb)
        return settings.max_body_kb * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        error = BodyTooLargeError(f"the request body is larger than {_size(limit)}, the most this server takes")
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, error)
            return
        received = 0
        started = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, sending)
        except _TooLarge:
            if started:
                raise
            await _refuse(send, error)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


async def _refuse(send: Send, error: BodyTooLargeError) -> None:
    """413 with ``Connection: close``, so that the server reads no more of the body."""
    import orjson

    body = orjson.dumps({"error": str(error)})
    await send({"type": "http.response.start", "status": error.http_status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
