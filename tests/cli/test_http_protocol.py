"""``xxgk serve``'s HTTP protocol: a response's head and body leave in one write, and answers are unchanged."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import uvicorn

from xxgk.http_protocol import _HELD_BYTES, CoalescingHttpToolsProtocol, _Coalescing


class Recording:
    """A transport that records what is written to it."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


async def test_writes_within_one_loop_turn_leave_as_one():
    transport = Recording()
    held = _Coalescing(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    held.write(memoryview(b"body"))
    assert transport.writes == []
    await asyncio.sleep(0)
    assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    held.write(b"x" * _HELD_BYTES)  # a large write goes out at once, with what was held before it
    assert transport.writes[-1] == b"x" * _HELD_BYTES
    held.write(b"last")
    held.close()  # closing sends what is held first
    assert transport.writes[-1] == b"last" and transport.closed
    assert held.get_extra_info("peername") == ("127.0.0.1", 1)  # anything else is the transport's


async def test_abort_drops_what_is_held():
    transport = Recording()
    held = _Coalescing(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
    held.write(b"never sent")
    held.abort()
    await asyncio.sleep(0)
    assert transport.writes == [] and transport.aborted


async def _app(scope: dict, receive: Any, send: Any) -> None:
    await receive()
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for i in range(3):
            await send({"type": "http.response.body", "body": f"chunk{i};".encode(), "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b"end"})
        return
    body = b"y" * (3 * _HELD_BYTES) if scope["path"] == "/large" else b'{"ok":true}'
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def test_uvicorn_with_the_protocol_answers_as_usual():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_app, http=CoalescingHttpToolsProtocol, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    try:
        await asyncio.wait_for(_requests(port), 30)
    finally:
        server.should_exit = True
        await serving


async def _requests(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for path in ("/", "/large", "/stream", "/"):  # one keep-alive connection
        writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        assert head.startswith("HTTP/1.1 200 OK\r\n")
        if "transfer-encoding: chunked" in head:
            body = b""
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                body += (await reader.readexactly(size + 2))[:-2]
            await reader.readexactly(2)
            assert body == b"chunk0;chunk1;chunk2;end"
        else:
            length = int(head.split("content-length: ")[1].split("\r\n")[0])
            body = await reader.readexactly(length)
            assert body == (b"y" * (3 * _HELD_BYTES) if path == "/large" else b'{"ok":true}')
    writer.close()
