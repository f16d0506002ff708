"""The response cache: repeated queries are answered from it, and never after the data changed."""

from __future__ import annotations

import httpx
import orjson
from conftest import load_seeds, load_synthetic, open_api

from api.cache import ResponseCache
from api.cache import cache_key as key_for
from core.settings import Settings

COUNT = "{ reports(first: 1, filter: {includeSynthetic: true}) { totalCount } }"
SUMMARY = "{ summary(groupBy: [YEAR], filter: {includeSynthetic: true}) { year reports } }"


async def _post(client: httpx.AsyncClient, query: str, variables: dict | None = None) -> httpx.Response:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response


async def test_a_repeated_query_is_a_hit_until_the_writer_changes_the_data(db_url: str):
    await load_seeds(db_url)
    api, client = await open_api(db_url)
    try:
        first = await _post(client, COUNT)
        second = await _post(client, COUNT)  # asked for again: now worth keeping
        assert (first.headers["x-xxgk-cache"], second.headers["x-xxgk-cache"]) == ("miss", "miss")
        again = await _post(client, COUNT)
        assert again.headers["x-xxgk-cache"] == "hit"
        assert again.json() == first.json() == {"data": {"reports": {"totalCount": 5}}}

        added = await load_synthetic(db_url)  # through the writer, which bumps the data version
        after = await _post(client, COUNT)
        assert after.headers["x-xxgk-cache"] == "miss"
        assert after.json()["data"]["reports"]["totalCount"] == 5 + added
        by_year = (await _post(client, SUMMARY)).json()["data"]["summary"]
        assert sum(g["reports"] for g in by_year) == 5 + added
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


async def test_variables_mutations_errors_and_a_disabled_cache(db_url: str):
    await load_seeds(db_url)
    api, client = await open_api(db_url)
    try:
        query = "query($y: Int) { reports(filter: {year: $y}) { totalCount } }"
        a = [await _post(client, query, {"y": 2021}) for _ in range(3)]
        b = await _post(client, query, {"y": 2019})
        assert [r.headers["x-xxgk-cache"] for r in [*a, b]] == ["miss", "miss", "hit", "miss"]
        assert a[2].json() == a[0].json() != b.json()

        wrong = "{ reports(first: 101) { totalCount } }"  # refused by the page limit: never cached
        for _ in range(3):
            refused = await client.post("/graphql", json={"query": wrong})
            assert refused.headers["x-xxgk-cache"] == "miss" and refused.json()["errors"]

        mutation = 'mutation { ingestReport(filename: "a.txt", content: "x") { status } }'
        for _ in range(3):
            response = await client.post("/graphql", json={"query": mutation})
            assert response.headers["x-xxgk-cache"] == "miss"
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()

    api, client = await open_api(db_url, response_cache_mb=0)
    try:
        for _ in range(2):
            assert "x-xxgk-cache" not in (await _post(client, COUNT)).headers
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


def cache_key(body: bytes) -> str | None:
    return key_for(body, Settings().max_query_tokens)


def test_keys_name_queries_only():
    assert cache_key(b'{"query": "{ years { year } }"}') is not None
    assert cache_key(b'{"query": "{ years { year } }", "variables": {"a": 1, "b": 2}}') == cache_key(
        b'{"query": "{ years { year } }", "variables": {"b": 2, "a": 1}}'
    )
    assert cache_key(b'{"query": "mutation { ingestReport }"}') is None
    assert cache_key(b'{"query": "query A { years { year } } mutation B { x }", "operationName": "B"}') is None
    assert cache_key(b'{"query": "{ broken"}') is None
    assert cache_key(b"not json") is None
    big = '{"query": "query($n: ID) { years { year } }", "variables": {"n": 12345678901234567890123456789%d}}'
    assert cache_key((big % 0).encode()) != cache_key((big % 1).encode())  # exact, not rounded to a float
    assert cache_key(b'[{"query": "{ years { year } }"}]') is None  # batches are not cached
    huge = "{ " + " ".join(f"a{i}: years {{ year }}" for i in range(2000)) + " }"
    assert cache_key(orjson.dumps({"query": huge})) is None


def test_a_key_is_admitted_on_its_second_request():
    cache = ResponseCache(max_bytes=100, ttl_seconds=60)
    assert not cache.admit("a")
    assert cache.admit("a")
    cache.put("b", 1, b"x")
    assert cache.admit("b")  # cached already


def test_the_cache_evicts_the_least_recently_used_and_refuses_huge_entries():
    cache = ResponseCache(max_bytes=100, ttl_seconds=60)
    cache.put("a", 1, b"x" * 20)
    cache.put("b", 1, b"y" * 20)
    assert cache.get("a", 1) == b"x" * 20  # a is now the most recently used
    cache.put("c", 1, b"z" * 20)
    cache.put("d", 1, b"w" * 20)
    cache.put("e", 1, b"v" * 20)  # 100 bytes in all: still fits
    cache.put("f", 1, b"u" * 20)  # b is the least recently used: it goes
    assert cache.get("b", 1) is None and cache.get("a", 1) is not None
    assert cache.size <= 100
    cache.put("huge", 1, b"h" * 30)  # more than a quarter of the cache
    assert cache.get("huge", 1) is None
    assert cache.get("a", 2) is None and cache.get("a", 1) is None  # another version drops the entry


def test_entries_expire(monkeypatch):
    cache = ResponseCache(max_bytes=100, ttl_seconds=10)
    now = [1000.0]
    monkeypatch.setattr("api.cache.time.monotonic", lambda: now[0])
    cache.put("a", 1, b"x")
    now[0] += 9
    assert cache.get("a", 1) == b"x"
    now[0] += 2
    assert cache.get("a", 1) is None
