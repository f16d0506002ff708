"""Replay hostile requests against a running API server and print, per attack, how it fared.

    .venv/bin/python bench/abuse.py                    # starts `xxgk serve` on the bench database itself
    .venv/bin/python bench/abuse.py --url http://127.0.0.1:8000 --pid 1234 --api-key KEY

Without ``--url`` the script serves the database that ``bench/api.py`` loads (``xxgk_bench`` in
``.xxgk/bench-pgdata``, or ``DATABASE_URL``'s server), with an API key of its own for the upload attacks;
run ``bench/api.py --reports 100000`` once first. Each attack is sent while ``/healthz`` is asked every 20 ms
on another connection; the server's resident memory is sampled every 10 ms from ``/proc``, that of the
processes it started (the upload parser, behind its forkserver) every 100 ms. Printed per attack: the time
until every request of it was refused or answered, the server's peak RSS during it, the slowest
``/healthz`` meanwhile, the parser processes' peak RSS, and what the server said. Targets: within 1 s, a
server under 500 MB, ``/healthz`` under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import Settings  # noqa: E402
from db import embedded  # noqa: E402
from db.engine import async_url  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from synthetic import hostile  # noqa: E402

DATABASE = os.environ.get("XXGK_BENCH_DATABASE", "xxgk_bench")
API_KEY = "abuse-bench-key"
TARGET_S, TARGET_RSS_MB, TARGET_HEALTHZ_MS = 1.0, 500, 100
ALL_SIX = "[YEAR, PROVINCE, CITY, COUNTY, KIND, TEMPLATE]"
ROWS = ("applications { rows { key naturalPerson commercialEnterprise researchInstitution publicInterestOrg "
        "legalServiceOrg otherOrg total } } reviews { review { upheld total } }")
INGEST = ("mutation($name: String!, $content: String!) { ingestReport(filename: $name, content: $content, "
          "encoding: BASE64) { status reason } }")


@dataclass
class Outcome:
    said: list[str] = field(default_factory=list)

    def add(self, status: int, body: bytes) -> None:
        text = body.decode("utf-8", "replace")
        try:
            payload = json.loads(text)
        except ValueError:
            self.said.append(f"{status} {text[:60]}")
            return
        if isinstance(payload, dict) and payload.get("errors"):
            self.said.append(f"{status} error: {payload['errors'][0]['message'][:60]}")
        elif isinstance(payload, dict) and payload.get("error"):
            self.said.append(f"{status} {payload['error'][:60]}")
        elif isinstance(payload, dict) and isinstance(payload.get("data"), dict):
            first = next(iter(payload["data"].values()), None)
            detail = (f"{first.get('status')}: {(first.get('reason') or '')[:50]}" if isinstance(first, dict)
                      and "status" in first else f"answered, {len(body):,} bytes")
            self.said.append(f"{status} {detail}")
        else:
            self.said.append(f"{status} {text[:60]}")

    def summary(self) -> str:
        distinct = sorted(set(self.said), key=self.said.index)
        head = distinct[0] if distinct else "no answer"
        return head if len(distinct) == 1 else f"{head} (+{len(distinct) - 1} other)"


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Sampler:
    """Since the last ``reset``: the server's peak RSS, every 10 ms; the peak RSS of the processes it started
    (the upload parser), every 100 ms; and the slowest /healthz."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.peak_kb = self.children_peak_kb = 0
        self.slowest = 0.0
        self._stop = threading.Event()
        threading.Thread(target=self._sample_rss, daemon=True).start()

    def _sample_rss(self) -> None:
        ticks = 0
        while not self._stop.is_set():
            if self.pid:
                self.peak_kb = max(self.peak_kb, _rss_kb(self.pid))
                if ticks % 10 == 0:
                    below = sum(_rss_kb(child) for child in _descendants(self.pid))
                    self.children_peak_kb = max(self.children_peak_kb, below)
            ticks += 1
            time.sleep(0.01)

    def reset(self) -> None:
        self.slowest = 0.0
        self.peak_kb = _rss_kb(self.pid) if self.pid else 0
        self.children_peak_kb = sum(_rss_kb(child) for child in _descendants(self.pid)) if self.pid else 0

    def stop(self) -> None:
        self._stop.set()


async def poll_healthz(base: str, sampler: Sampler, running: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while running.is_set():
            started = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                await client.get("/healthz")
            sampler.slowest = max(sampler.slowest, time.perf_counter() - started)
            await asyncio.sleep(0.02)


def _post_raw(base: str, head_extra: str, chunks: Iterable[bytes]) -> tuple[int, bytes]:
    """POST /graphql over a bare socket, writing the body as it goes and stopping as soon as the server has
    answered (it refuses a body past its limit, then closes: writing on would only reset the connection)."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80)) as sock:
        sock.sendall((f"POST /graphql HTTP/1.1\r\nHost: {parts.hostname}\r\nContent-Type: application/json\r\n"
                      f"{head_extra}\r\n").encode())
        answer = b""
        try:
            for chunk in chunks:
                if select.select([sock], [], [], 0)[0]:
                    break
                sock.sendall(chunk)
        except OSError:
            pass
        sock.settimeout(30)
        try:
            while not answer.endswith(b"}") and (piece := sock.recv(65536)):
                answer += piece
        except OSError:
            pass
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, answer.partition(b"\r\n\r\n")[2]


async def raw_post(base: str, head_extra: str, chunks: Iterable[bytes], outcome: Outcome) -> None:
    outcome.add(*await asyncio.to_thread(_post_raw, base, head_extra, chunks))


def attacks(api_key: str) -> list[tuple[str, Callable[[httpx.AsyncClient, str, Outcome], Awaitable[None]]]]:
    def graphql(query: str, variables: dict | None = None, times: int = 1, key: bool = False):
        async def run(client: httpx.AsyncClient, base: str, outcome: Outcome) -> None:
            headers = {"authorization": f"Bearer {api_key}"} if key else {}

            async def one() -> None:
                response = await client.post("/graphql", json={"query": query, "variables": variables or {}},
                                             headers=headers)
                outcome.add(response.status_code, response.content)

            await asyncio.gather(*(one() for _ in range(times)))
        return run

    def declared_body(size: int):
        async def run(client: httpx.AsyncClient, base: str, outcome: Outcome) -> None:
            def chunks() -> Iterator[bytes]:
                block = b" " * 65536
                for _ in range(size // len(block)):
                    yield block
            await raw_post(base, f"Content-Length: {size}\r\n", chunks(), outcome)
        return run

    def chunked_comment(size: int):
        async def run(client: httpx.AsyncClient, base: str, outcome: Outcome) -> None:
            def chunks() -> Iterator[bytes]:
                yield b'5\r\n{"q":\r\n'
                block = b"#" * 65536
                for _ in range(size // len(block)):
                    yield b"%x\r\n%s\r\n" % (len(block), block)
                yield b"0\r\n\r\n"
            await raw_post(base, "Transfer-Encoding: chunked\r\n", chunks(), outcome)
        return run

    def big_graphql(query: str, variables: dict):
        """A request past the body limit, sent as one declared body (the server refuses it from its length)."""
        async def run(client: httpx.AsyncClient, base: str, outcome: Outcome) -> None:
            body = json.dumps({"query": query, "variables": variables}, ensure_ascii=False).encode()
            chunks = (body[i:i + 65536] for i in range(0, len(body), 65536))
            await raw_post(base, f"Content-Length: {len(body)}\r\n", chunks, outcome)
        return run

    def upload(name: str, data: bytes):
        return graphql(INGEST, {"name": name, "content": base64.b64encode(data).decode()}, key=True)

    search = "query($s: String) { agencies(filter: {search: $s}) { totalCount } }"
    summaries = " ".join(f"s{i}: summary(groupBy: {ALL_SIX}) {{ {ROWS} }}" for i in range(20))
    by_variable = f"query($by: [SummaryDimension!]) {{ summary(groupBy: $by) {{ {ROWS} }} }}"
    return [
        ("fragment bomb, 21 levels x 2 spreads", graphql(hostile.fragment_bomb(21, 2))),
        ("fragment bomb, 30 levels x 3 spreads", graphql(hostile.fragment_bomb(30, 3))),
        ("400 MB body (Content-Length)", declared_body(400 << 20)),
        ("50 MB comment, chunked", chunked_comment(50 << 20)),
        ("20 summaries by all six dimensions", graphql(f"{{ {summaries} }}")),
        ("the same, ten in parallel", graphql(f"{{ {summaries} }}", times=10)),
        ("summary by all six, groupBy a variable x10", graphql(by_variable, {"by": ALL_SIX[1:-1].split(", ")},
                                                               times=10)),
        ("10 MB search string", big_graphql(search, {"s": "镇" * ((10 << 20) // 3)})),
        ("forty 300 KB searches in parallel", graphql(search, {"s": "镇" * 100_000}, times=40)),
        ("forty 100-character searches in parallel", graphql(search, {"s": "第1测试镇" * 20}, times=40)),
        ("NUL, surrogate-free text, year 40000", graphql(
            "query($s: String) { a: agencies(filter: {search: $s}) { totalCount } "
            "b: reports(filter: {year: 40000}) { totalCount } }", {"s": "a\u0000b"})),
        ("wrong variable type", graphql("query($id: Int!) { report(id: $id) { id } }", {"id": "x" * 500_000})),
        ("1 MB cursor", graphql("query($c: String) { reports(after: $c) { totalCount } }", {"c": "x" * 900_000})),
        ("ingestReport: DOCX bomb (4 MB -> 4 GB)", upload("bomb.docx", hostile.docx_bomb(4000))),
        ("ingestReport: HTML span bomb (60 KB)", upload("span.html", hostile.html_span_bomb())),
        ("ingestReport: PDF deflate bomb (1 MB -> 1 GB)", upload("bomb.pdf", hostile.pdf_deflate_bomb(1024))),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_database() -> str:
    if os.environ.get("DATABASE_URL"):
        server = async_url(os.environ["DATABASE_URL"])
    else:
        server, _ = embedded.start(Path(".xxgk/bench-pgdata").absolute())
    return make_url(server).set(database=DATABASE).render_as_string(hide_password=False)


def start_server(url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "XXGK_API_KEY": API_KEY, "XXGK_RESPONSE_CACHE_MB": "0"}
    server = subprocess.Popen([sys.executable, "-m", "xxgk", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server did not start: {server.stderr.read()[-500:] if server.stderr else ''}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    sys.exit("the server did not answer /readyz within 60 s")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="A running server (default: start one on the bench database).")
    parser.add_argument("--pid", type=int, help="The running server's process id, for its RSS.")
    parser.add_argument("--api-key", default=API_KEY, help="The running server's XXGK_API_KEY (upload attacks).")
    args = parser.parse_args()
    planned = attacks(args.api_key)  # the bombs are built before the server is started
    server = None
    if args.url:
        base, pid = args.url.rstrip("/"), args.pid
    else:
        url = bench_database()
        try:
            await asyncio.to_thread(upgrade, url)
        except Exception as exc:  # noqa: BLE001 - one line for the person running the bench
            sys.exit(f"no bench database at {url}: run bench/api.py --reports 100000 first ({exc})")
        server, base = start_server(url)
        pid = server.pid
    sampler = Sampler(pid)
    print(f"server {base} (pid {pid}); limits: body {Settings.from_env().max_body_kb} KB, query cost "
          f"{Settings.from_env().max_query_cost:,}; targets: < {TARGET_S:.0f} s, RSS < {TARGET_RSS_MB} MB, "
          f"/healthz < {TARGET_HEALTHZ_MS} ms", flush=True)
    print(f"{'attack':<46} {'time':>7} {'RSS':>7} {'/healthz':>9} {'parsers':>8}  {'':4} what the server said")
    failures = 0
    try:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            for name, attack in planned:
                outcome = Outcome()
                running = asyncio.Event()
                running.set()
                await asyncio.sleep(0.1)
                sampler.reset()
                poller = asyncio.create_task(poll_healthz(base, sampler, running))
                started = time.perf_counter()
                try:
                    await attack(client, base, outcome)
                except httpx.HTTPError as exc:
                    outcome.said.append(f"client error: {type(exc).__name__}")
                elapsed = time.perf_counter() - started
                await asyncio.sleep(0.05)  # one more /healthz after the last answer
                running.clear()
                await poller
                rss_mb, healthz_ms = sampler.peak_kb / 1024, sampler.slowest * 1000
                ok = elapsed < TARGET_S and (not pid or rss_mb < TARGET_RSS_MB) and healthz_ms < TARGET_HEALTHZ_MS
                failures += not ok
                print(f"{name:<46} {elapsed:6.2f}s {rss_mb:5.0f}MB {healthz_ms:7.0f}ms "
                      f"{sampler.children_peak_kb / 1024:6.0f}MB  {'ok' if ok else 'MISS':4} {outcome.summary()}",
                      flush=True)
    finally:
        sampler.stop()
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(f"{failures} attack(s) missed a target" if failures else "every attack met the targets")


if __name__ == "__main__":
    asyncio.run(main())
