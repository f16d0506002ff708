"""The dashboard's page and static files: hashed names, brotli/gzip, long-lived cache headers, a favicon."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import brotli
import pytest
from conftest import open_api

from api.dashboard import IMMUTABLE, assets, labels
from checks import CHECK_CODES

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"


@pytest.fixture(scope="module")
async def client(module_db_url: str):
    api, http = await open_api(module_db_url)
    yield http
    await http.aclose()
    await api.app.state.xxgk.dispose()


async def test_the_page_links_hashed_files_that_are_cached_for_a_year(client):
    page = await client.get("/", headers={"Accept-Encoding": "br"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-cache"
    assert page.headers["content-encoding"] == "br"
    html = page.text  # httpx decodes brotli
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {"/static/app.js", "/static/style.css", "/static/vendor/echarts/echarts.min.js"}.isdisjoint(links)
    for name in ("app.js", "style.css", "vendor/echarts/echarts.min.js", "favicon.svg"):
        body = (STATIC / name).read_bytes()
        url = assets()[name].url
        assert url in links and _unhash(url) == f"/static/{name}" and url == _hashed(name)
        for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
            response = await client.get(url, headers={"Accept-Encoding": encoding})
            assert response.status_code == 200
            assert response.headers["cache-control"] == IMMUTABLE
            assert response.headers["content-encoding"] == encoding and response.headers["vary"] == "Accept-Encoding"
            assert response.content == body  # httpx decoded it
            assert len(decode(await _raw(client, url, encoding))) == len(body)
        plain = await client.get(url, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.content == body


def _unhash(url: str) -> str:
    return re.sub(r"\.[0-9a-f]{10}(?=\.[^./]+$)", "", url)


async def _raw(client, url: str, encoding: str) -> bytes:
    """The bytes as sent, before httpx decodes them."""
    async with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
        return b"".join([chunk async for chunk in response.aiter_raw()])


async def test_compression_pays(client):
    echarts = assets()["vendor/echarts/echarts.min.js"]
    sent = await _raw(client, echarts.url, "br")
    assert len(sent) < len(echarts.body) / 3


def _hashed(name: str) -> str:
    """The name a file is served under: its SHA-256 (10 digits) before the extension, so new content is a new URL."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    stem, ext = name.rsplit(".", 1)
    return f"/static/{stem}.{digest}.{ext}"


async def test_revalidation_and_unknown_files(client):
    page = await client.get("/")
    again = await client.get("/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # The plain name still answers (links from elsewhere), but is revalidated rather than kept a year.
    plain = await client.get("/static/app.js")
    assert plain.status_code == 200 and plain.headers["cache-control"] == "no-cache"
    assert (await client.get("/static/nothing.js")).status_code == 404
    assert (await client.get("/static/index.html")).status_code == 404  # the template is served as / only


async def test_favicon(client):
    response = await client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in response.headers["cache-control"]


async def test_the_page_embeds_every_label_in_both_languages(client):
    html = (await client.get("/")).text
    block = re.search(r'<script type="application/json" id="labels">(.*?)</script>', html, re.S).group(1)
    embedded = json.loads(block.replace("<\\/", "</"))
    assert embedded == json.loads(json.dumps(labels()))
    assert embedded["checks"] == {code: [c.zh, c.en] for code, c in CHECK_CODES.items()}
    assert set(embedded["provenance"]) == {"stated", "inferred", "ocr", "missing"}
    for vocabulary in ("issues", "checks", "provenance", "kinds"):
        for pair in embedded[vocabulary].values():
            assert len(pair) == 2 and re.search(r"[\u4e00-\u9fff]", pair[0]) and re.search(r"[A-Za-z]", pair[1])


async def test_graphiql_is_served_with_its_vendored_files_and_no_cdn(client):
    import base64

    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text
    html = page.text
    assert "unpkg.com" not in html and "jsdelivr" not in html
    links = re.findall(r'(?:src|href)="(/static/vendor/graphiql/[^"]+)"\s+integrity="(sha384-[^"]+)"', html)
    assert len(links) == 7  # React, ReactDOM, js-cookie, GraphiQL's script and style, the explorer's two
    for url, integrity in links:
        served = await client.get(url)
        assert served.status_code == 200 and served.headers["cache-control"] == IMMUTABLE
        # The integrity hashes are Strawberry's own, for the CDN's files: the vendored bytes are those.
        assert integrity == "sha384-" + base64.b64encode(hashlib.sha384(served.content).digest()).decode()
    for licence in ("LICENSE-graphiql", "LICENSE-react", "LICENSE-react-dom", "LICENSE-js-cookie"):
        assert "MIT License" in (STATIC / "vendor" / "graphiql" / licence).read_text(encoding="utf-8")
