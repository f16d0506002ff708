"""Stable report ids, revisions and what changed between them, the change feed, conditional GET.

The corrected document is the real fixture 000 (官渡镇, 2021, every count 0, the administrative-review
group left empty) with three edits made here: 3 new applications from natural persons (total 3), 7
licensing decisions, and the empty review group filled with zeros. So exactly these cells change:
new_received natural_person and total 0 → 3, licensing decisions 0 → 7, the five review cells null → 0.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from typing import Any

import asyncpg
import orjson
import pytest

from db.engine import dsn
from db.revisions import diff
from db.writer import Source, store_reports
from loaders.parse import parse_text
from tests.api.conftest import FIXTURES, open_api

ORIGINAL = (FIXTURES / "000_cad348b87ea66ad4.txt").read_text(encoding="utf-8")
OTHER = (FIXTURES / "004_83d6bcfc80752c3f.txt").read_text(encoding="utf-8")
EDITS = {
    "一、本年新收政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0": "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3",
    "行政许可\t0\t\t": "行政许可\t7\t\t",
    "\t" * 5 + "\t".join(["0"] * 10): "\t".join(["0"] * 15),
}
EXPECTED_CHANGES = {
    ("applications.new_received.natural_person", "0", "3"),
    ("applications.new_received.total", "0", "3"),
    ("proactive.licensing.decisions", "0", "7"),
    *((f"reviews.review.{result}", None, "0") for result in ("upheld", "corrected", "other", "pending", "total")),
}

REPORT = """query($id: Int!) { report(id: $id) {
  id year applications { row(key: "new_received") { naturalPerson total } }
  proactive { ... on Proactive2021 { licensing { decisions } } }
  reviews { review { upheld total } }
  revisions { revision current sha256 sourceUri sourceFormat parserVersion loadedAt changedValues { path before after } }
} }"""
CHANGED = """query($id: Int!, $from: Int!, $to: Int) { report(id: $id) {
  changedValues(fromRevision: $from, toRevision: $to) { path before after } } }"""
VALUES = """query($id: Int!) { report(id: $id) { revisions { values } } }"""
FEED = """query($after: String, $first: Int) { changes(after: $after, first: $first) {
  edges { cursor node { reportId kind dataVersion changedAt report { id year } } }
  pageInfo { hasNextPage endCursor } totalCount } }"""


def corrected() -> str:
    text = ORIGINAL
    for old, new in EDITS.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def source(name: str, text: str, parser: str = "test") -> Source:
    return Source(f"fixture:{name}", "txt", hashlib.sha256(text.encode()).hexdigest(), False, text, parser)


def store(url: str, text: str, name: str, parser: str = "test", year: int | None = None, **kw: Any) -> Any:
    report = parse_text(text)
    if year is not None:
        report = dataclasses.replace(report, year=year)
    [result] = asyncio.run(store_reports(url, [(report, source(name, text, parser))], **kw))
    return result


async def sql(url: str, statement: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn(url))
    try:
        return await conn.fetch(statement, *args)
    finally:
        await conn.close()


async def graphql(url: str, query: str, **variables: Any) -> dict[str, Any]:
    api, client = await open_api(url)
    try:
        return await api.data(query, variables)
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()


def changes_of(items: list[dict[str, Any]]) -> set[tuple[str, str | None, str | None]]:
    return {(c["path"], c["before"], c["after"]) for c in items}


def test_a_corrected_document_keeps_the_report_id_and_shows_what_changed(db_url):
    first = store(db_url, ORIGINAL, "v1.txt")
    second = store(db_url, corrected(), "v2.txt")
    assert (first.status, second.status) == ("loaded", "replaced")
    assert second.report_id == first.report_id

    report = asyncio.run(graphql(db_url, REPORT, id=first.report_id))["report"]
    assert report["id"] == first.report_id
    assert report["applications"]["row"] == {"naturalPerson": 3, "total": 3}
    assert report["proactive"]["licensing"] == {"decisions": 7}
    assert report["reviews"]["review"] == {"upheld": 0, "total": 0}
    revisions = report["revisions"]
    assert [(r["revision"], r["current"], r["sha256"], r["sourceUri"], r["sourceFormat"], r["parserVersion"])
            for r in revisions] == [(2, True, source("v2", corrected()).sha256, "fixture:v2.txt", "txt", "test"),
                                    (1, False, source("v1", ORIGINAL).sha256, "fixture:v1.txt", "txt", "test")]
    assert revisions[0]["loadedAt"] >= revisions[1]["loadedAt"]
    assert changes_of(revisions[0]["changedValues"]) == EXPECTED_CHANGES
    assert revisions[1]["changedValues"] == []
    values = [asyncio.run(graphql(db_url, VALUES, id=first.report_id))["report"]["revisions"][n]["values"]
              for n in (0, 1)]
    assert [(v["applications.new_received.total"], v["proactive.licensing.decisions"], v["reviews.review.upheld"])
            for v in values] == [(3, 7, 0), (0, 0, None)]
    # Between any two revisions, either way round.
    back = asyncio.run(graphql(db_url, CHANGED, id=first.report_id, **{"from": 2, "to": 1}))["report"]
    assert changes_of(back["changedValues"]) == {(p, a, b) for p, b, a in EXPECTED_CHANGES}
    same = asyncio.run(graphql(db_url, CHANGED, id=first.report_id, **{"from": 1, "to": 1}))["report"]
    assert same["changedValues"] == []
    # A page of reports reads every report's revisions at once.
    other = store(db_url, OTHER, "other.txt")
    page = asyncio.run(graphql(db_url, "{ reports { edges { node { id revisions { revision current } } } } }"))
    assert {e["node"]["id"]: [r["revision"] for r in e["node"]["revisions"]] for e in page["reports"]["edges"]} == {
        first.report_id: [2, 1], other.report_id: [1]}


def test_a_third_version_is_compared_with_the_stored_second(db_url):
    first = store(db_url, ORIGINAL, "v1.txt")
    store(db_url, corrected(), "v2.txt")
    third_text = corrected().replace("一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3",
                                     "一、本年新收政府信息公开申请数量\t3\t1\t0\t0\t0\t0\t4")
    assert store(db_url, third_text, "v3.txt").report_id == first.report_id
    data = asyncio.run(graphql(db_url, CHANGED, id=first.report_id, **{"from": 2, "to": 3}))["report"]
    assert changes_of(data["changedValues"]) == {("applications.new_received.commercial_enterprise", "0", "1"),
                                                 ("applications.new_received.total", "3", "4")}
    data = asyncio.run(graphql(db_url, CHANGED, id=first.report_id, **{"from": 1}))["report"]
    assert ("applications.new_received.total", "0", "4") in changes_of(data["changedValues"])


def test_a_revision_out_of_range_is_a_clear_error(db_url):
    first = store(db_url, ORIGINAL, "v1.txt")

    async def ask() -> str:
        api, client = await open_api(db_url)
        try:
            return await api.error(CHANGED, {"id": first.report_id, "from": 0})
        finally:
            await client.aclose()
            await api.app.state.xxgk.dispose()

    assert asyncio.run(ask()) == f"report {first.report_id} has revisions 1 to 1, not 0"


def test_the_same_bytes_loaded_again_make_no_new_revision(db_url):
    first = store(db_url, ORIGINAL, "v1.txt")
    assert store(db_url, ORIGINAL, "again.txt").status == "unchanged"
    assert store(db_url, ORIGINAL, "again.txt", reparse=True).status == "replaced"
    report = asyncio.run(graphql(db_url, REPORT, id=first.report_id))["report"]
    assert [r["revision"] for r in report["revisions"]] == [1]
    # Another parser version reading the same bytes is a new version of the report, with the same values.
    assert store(db_url, ORIGINAL, "v1.txt", parser="test-2").report_id == first.report_id
    report = asyncio.run(graphql(db_url, REPORT, id=first.report_id))["report"]
    assert [(r["revision"], r["parserVersion"]) for r in report["revisions"]] == [(2, "test-2"), (1, "test")]
    assert report["revisions"][0]["changedValues"] == []


def test_the_change_feed_resumes_from_a_cursor_after_a_restart_and_more_writes(db_url):
    first = store(db_url, ORIGINAL, "v1.txt")
    store(db_url, corrected(), "v2.txt")
    page = asyncio.run(graphql(db_url, FEED, first=1))["changes"]
    [added] = page["edges"]
    assert (added["node"]["reportId"], added["node"]["kind"]) == (first.report_id, "ADDED")
    assert page["pageInfo"]["hasNextPage"] and page["totalCount"] == 2

    other = store(db_url, OTHER, "other.txt")
    # A new app (new pools, nothing in memory) takes the cursor the old one handed out.
    rest = asyncio.run(graphql(db_url, FEED, after=page["pageInfo"]["endCursor"], first=10))["changes"]
    assert [(e["node"]["reportId"], e["node"]["kind"]) for e in rest["edges"]] == [
        (first.report_id, "REPLACED"), (other.report_id, "ADDED")]
    assert not rest["pageInfo"]["hasNextPage"]
    versions = [added["node"]["dataVersion"], *(e["node"]["dataVersion"] for e in rest["edges"])]
    assert versions == sorted(set(versions))
    [[current]] = asyncio.run(sql(db_url, "SELECT version FROM data_version"))
    assert versions[-1] == current
    assert rest["edges"][0]["node"]["report"] == {"id": first.report_id, "year": 2021}
    # Read to the end: the last cursor stays valid and gives nothing more until the next write.
    end = rest["pageInfo"]["endCursor"]
    assert asyncio.run(graphql(db_url, FEED, after=end))["changes"]["edges"] == []


def test_changes_jsonl_streams_one_change_a_line_and_resumes_from_any_line(db_url):
    first = store(db_url, ORIGINAL, "v1.txt")
    store(db_url, corrected(), "v2.txt")
    other = store(db_url, OTHER, "other.txt")

    async def get(params: dict[str, Any]) -> Any:
        api, client = await open_api(db_url)
        try:
            return await client.get("/changes.jsonl", params=params)
        finally:
            await client.aclose()
            await api.app.state.xxgk.dispose()

    response = asyncio.run(get({}))
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    lines = [orjson.loads(line) for line in response.text.splitlines()]
    assert [(line["report_id"], line["kind"]) for line in lines] == [
        (first.report_id, "added"), (first.report_id, "replaced"), (other.report_id, "added")]
    resumed = [orjson.loads(line) for line in asyncio.run(get({"after": lines[0]["cursor"], "limit": 1})).text.splitlines()]
    assert resumed == [lines[1]]
    resumed = [orjson.loads(line) for line in asyncio.run(get({"after": resumed[0]["cursor"]})).text.splitlines()]
    assert resumed == [lines[2]]
    assert asyncio.run(get({"after": lines[2]["cursor"]})).text == ""
    bad = asyncio.run(get({"after": "not-a-cursor"}))
    assert bad.status_code == 400 and "invalid change cursor" in bad.json()["error"]
    assert asyncio.run(get({"limit": "0"})).status_code == 400


def test_a_report_moved_to_another_year_and_back_keeps_its_id_and_leaves_no_empty_year(db_url):
    years = "{ years { year reportCount } summary(groupBy: [YEAR]) { year reports } }"
    first = store(db_url, ORIGINAL, "v1.txt")
    # The same bytes read again by a newer parser that places them in 2023: the 2021 report goes.
    moved = store(db_url, ORIGINAL, "v1.txt", parser="test-2", year=2023)
    assert moved.status == "replaced" and moved.report_id != first.report_id
    data = asyncio.run(graphql(db_url, years))
    assert data["years"] == [{"year": 2023, "reportCount": 1}]
    assert data["summary"] == [{"year": 2023, "reports": 1}]
    assert asyncio.run(graphql(db_url, "query($id: Int!) { report(id: $id) { id } }", id=first.report_id)) == {
        "report": None}

    back = store(db_url, ORIGINAL, "v1.txt", parser="test-3")
    assert back.report_id == first.report_id
    data = asyncio.run(graphql(db_url, years))
    assert data["years"] == [{"year": 2021, "reportCount": 1}]
    assert data["summary"] == [{"year": 2021, "reports": 1}]
    assert [r["year"] for r in asyncio.run(sql(db_url, "SELECT DISTINCT year FROM summary_rollup"))] == [2021]
    feed = asyncio.run(graphql(db_url, FEED))["changes"]["edges"]
    assert [(e["node"]["reportId"], e["node"]["kind"]) for e in feed] == [
        (first.report_id, "ADDED"), (first.report_id, "REMOVED"), (moved.report_id, "ADDED"),
        (moved.report_id, "REMOVED"), (first.report_id, "ADDED")]
    # The version removed when the report moved away is a revision of its id.
    report = asyncio.run(graphql(db_url, REPORT, id=first.report_id))["report"]
    assert [(r["revision"], r["parserVersion"]) for r in report["revisions"]] == [(2, "test-3"), (1, "test")]


def test_get_answers_carry_an_etag_and_a_matching_if_none_match_gets_304_until_a_write(db_url):
    first = store(db_url, ORIGINAL, "v1.txt")

    async def run() -> None:
        api, client = await open_api(db_url)
        try:
            for path, params in (("/graphql", {"query": "{ years { year reportCount } }"}),
                                 ("/export/reports.csv", {}), ("/export/reports.jsonl", {"year": "2021"}),
                                 ("/changes.jsonl", {"limit": "5"})):
                answer = await client.get(path, params=params)
                assert answer.status_code == 200, answer.text
                tag = answer.headers["etag"]
                again = await client.get(path, params=params, headers={"If-None-Match": tag})
                assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
                other = await client.get(path, params={**params, "x": "1"}, headers={"If-None-Match": tag})
                assert other.status_code == 200 and other.headers["etag"] != tag
            # POSTed queries are not tagged; a query with errors is not either.
            posted = await client.post("/graphql", json={"query": "{ years { year } }"})
            assert "etag" not in posted.headers
            failing = await client.get("/graphql", params={
                "query": f"{{ report(id: {first.report_id}) {{ changedValues(fromRevision: 9) {{ path }} }} }}"})
            assert "errors" in failing.json() and "etag" not in failing.headers

            params = {"query": "{ years { year reportCount } }"}
            tag = (await client.get("/graphql", params=params)).headers["etag"]
            csv_tag = (await client.get("/export/reports.csv")).headers["etag"]
            await asyncio.to_thread(store, db_url, OTHER, "other.txt")
            after = await client.get("/graphql", params=params, headers={"If-None-Match": tag})
            assert after.status_code == 200 and after.headers["etag"] != tag
            assert (await client.get("/export/reports.csv", headers={"If-None-Match": csv_tag})).status_code == 200
        finally:
            await client.aclose()
            await api.app.state.xxgk.dispose()

    asyncio.run(run())


@pytest.mark.parametrize(("before", "after", "changed"), [
    ({"a": None}, {"a": 0}, [("a", None, 0)]),  # empty is not zero
    ({"a": 0}, {"a": None}, [("a", 0, None)]),
    ({"a": "1.5"}, {"a": "1.50"}, []),  # the same amount
    ({"a": 1}, {}, [("a", 1, None)]),  # a cell the other version has not
    ({"a": None}, {}, []),
])
def test_diff_is_null_aware(before, after, changed):
    assert diff(before, after) == changed
