"""``ingestReport``: the load pipeline behind an API key."""

from __future__ import annotations

import base64
from pathlib import Path

from conftest import API_KEY, open_api

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "003_f873e43823df0c69.txt"

INGEST = """mutation($filename: String!, $content: String!, $encoding: ContentEncoding!, $metadata: IngestMetadata) {
  ingestReport(filename: $filename, content: $content, encoding: $encoding, metadata: $metadata) {
    status reason report { id year template agency { name } issues { code severity }
      consistency { passed failed checks { code status } }
      proactive { ... on Proactive2021 { licensing { decisions } } } } } }"""


def _variables(encoding: str = "TEXT") -> dict:
    text = FIXTURE.read_text(encoding="utf-8")
    content = base64.b64encode(text.encode()).decode() if encoding == "BASE64" else text
    return {"filename": FIXTURE.name, "content": content, "encoding": encoding, "metadata": {"sourceUrl": "https://example.gov.cn/r.html"}}


async def test_ingest_refuses_a_missing_or_wrong_key_and_accepts_the_right_one(db_url: str):
    api, client = await open_api(db_url)
    try:
        assert "Authorization: Bearer" in await api.error(INGEST, _variables())
        assert "not valid" in await api.error(INGEST, _variables(), authorization="Bearer wrong")
        assert "Authorization: Bearer" in await api.error(INGEST, _variables(), authorization=f"Basic {API_KEY}")
        assert (await api.data("{ reports { totalCount } }"))["reports"]["totalCount"] == 0

        body = await api.post(INGEST, _variables("BASE64"), authorization=f"Bearer {API_KEY}")
        assert not body.get("errors"), body
        result = body["data"]["ingestReport"]
        assert result["status"] == "loaded" and result["reason"] is None
        report = result["report"]
        # The fixture is 红椿镇's 2021 report; its §2 states 行政许可 40.
        assert report["agency"]["name"] == "红椿镇" and report["year"] == 2021 and report["template"] == "T2021"
        assert report["proactive"]["licensing"]["decisions"] == 40
        checks = report["consistency"]["checks"]
        assert checks and report["consistency"]["passed"] == sum(c["status"] == "passed" for c in checks)

        again = await api.post(INGEST, _variables(), authorization=f"Bearer {API_KEY}")
        assert again["data"]["ingestReport"]["status"] == "unchanged"
        assert again["data"]["ingestReport"]["report"]["id"] == report["id"]
        assert (await api.data("{ reports { totalCount } }"))["reports"]["totalCount"] == 1
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


async def test_ingest_reports_a_document_that_is_not_a_report(db_url: str):
    api, client = await open_api(db_url)
    try:
        body = await api.post(INGEST, {**_variables(), "content": "hello", "filename": "x.txt"},
                              authorization=f"Bearer {API_KEY}")
        result = body["data"]["ingestReport"]
        assert result["status"] == "failed" and result["reason"] and result["report"] is None
        assert "not valid base64" in await api.error(
            INGEST, {**_variables(), "encoding": "BASE64", "content": "%%%"}, authorization=f"Bearer {API_KEY}"
        )
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


async def test_without_a_configured_key_writes_are_disabled(db_url: str):
    api, client = await open_api(db_url, api_key=None)
    try:
        message = await api.error(INGEST, _variables(), authorization="Bearer anything")
        assert "writes are disabled" in message
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


async def test_an_upload_is_sourced_from_its_argument_its_text_or_its_name(db_url: str):
    query = """mutation($filename: String!, $content: String!, $metadata: IngestMetadata) {
      ingestReport(filename: $filename, content: $content, metadata: $metadata) { status report { source { uri } } } }"""
    crawled = (Path(__file__).resolve().parents[2] / "samples" / "pingtan_2021_crawled.txt").read_text(encoding="utf-8")
    api, client = await open_api(db_url)
    try:
        async def uri(filename: str, content: str, metadata: dict | None = None) -> str:
            body = await api.post(query, {"filename": filename, "content": content, "metadata": metadata},
                                  authorization=f"Bearer {API_KEY}")
            assert not body.get("errors"), body
            return body["data"]["ingestReport"]["report"]["source"]["uri"]

        # No sourceUrl: the crawled page's own 原文链接, else the upload's name.
        from_text = await uri("page.txt", crawled)
        assert from_text.startswith("https://www.pingtan.gov.cn/") and from_text in crawled
        assert await uri("/home/someone/红椿镇.txt", FIXTURE.read_text(encoding="utf-8")) == "upload:红椿镇.txt"
        # The argument wins over the text.
        assert await uri("page.txt", crawled + "\n", {"sourceUrl": "https://example.gov.cn/p.html"}) == \
            "https://example.gov.cn/p.html"
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


async def test_a_document_ingested_as_synthetic_is_marked_and_kept_apart_from_the_real_one(db_url: str):
    api, client = await open_api(db_url)
    try:
        real = await api.post(INGEST, _variables(), authorization=f"Bearer {API_KEY}")
        # Other bytes than the real one's (the same would be "unchanged"), marked synthetic by the caller.
        variables = {**_variables(), "metadata": {"synthetic": True}}
        variables["content"] += "\n"
        fake = await api.post(INGEST, variables, authorization=f"Bearer {API_KEY}")
        assert not real.get("errors") and not fake.get("errors"), (real, fake)
        stored = fake["data"]["ingestReport"]
        assert stored["status"] == "loaded" and stored["report"]["agency"]["name"] == "【合成】红椿镇"
        assert real["data"]["ingestReport"]["report"]["agency"]["name"] == "红椿镇"
        listed = await api.data("{ reports { totalCount edges { node { title synthetic } } } }")
        assert listed["reports"]["totalCount"] == 1 and listed["reports"]["edges"][0]["node"]["synthetic"] is False
        both = await api.data("{ reports(filter: {includeSynthetic: true}) { edges { node { title synthetic } } } }")
        titles = {e["node"]["synthetic"]: e["node"]["title"] for e in both["reports"]["edges"]}
        assert titles[True] == "【合成】" + titles[False]
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


async def test_a_real_document_may_not_carry_the_synthetic_mark(db_url: str):
    api, client = await open_api(db_url)
    try:
        variables = {**_variables(), "metadata": {"agency": "【合成】红椿镇"}}
        body = await api.post(INGEST, variables, authorization=f"Bearer {API_KEY}")
        result = body["data"]["ingestReport"]
        assert result["status"] == "failed" and "mark of synthetic test data" in result["reason"]
        assert (await api.data("{ reports(filter: {includeSynthetic: true}) { totalCount } }"))["reports"]["totalCount"] == 0
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()
