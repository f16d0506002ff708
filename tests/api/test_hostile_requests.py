"""Hostile requests: each is refused (or answered) quickly, in one line, without echoing itself back, and
the server goes on answering others meanwhile."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time

import asyncpg
import httpx
import pytest
from conftest import API_KEY, open_api, settings_for
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg

from api.app import create_app
from api.errors import BAD_INPUT_MESSAGE, TIMEOUT_MESSAGE
from api.filters import ReportFilter, agency_conditions
from api.limits import summary_groups
from api.types.summary import SummaryDimension
from core.settings import Settings
from db.engine import dsn
from db.writer import Source, store_reports
from synthetic import generate, hostile

DEFAULTS = Settings()


async def test_a_fragment_bomb_is_refused_at_once_whatever_its_expansion(api):
    for levels, spreads in ((21, 2), (30, 3), (60, 4)):  # 2 million, 2·10^14 and 10^36 fields once expanded
        query = hostile.fragment_bomb(levels, spreads)
        started = time.perf_counter()
        message = await api.error(query)
        assert time.perf_counter() - started < 1, (levels, spreads)
        assert message.startswith("query is too expensive: estimated cost"), message
        assert len(query) < 4000


async def test_fragments_count_once_per_spread_towards_depth_and_aliases(api):
    deep = "{ report(id: 1) { ...P } } fragment P on Report { previous { ...Q } } fragment Q on Report { " \
           + "previous { " * DEFAULTS.max_query_depth + "year" + " }" * DEFAULTS.max_query_depth + " }"
    assert "exceeds maximum operation depth" in await api.error(deep)
    # Eleven aliases in a fragment spread twice are twenty-two.
    twice = "{ report(id: 1) { ...A ...A } } fragment A on Report { " + " ".join(f"a{i}: year" for i in range(11)) + " }"
    assert "22 aliases found. Allowed: 20" in await api.error(twice)


async def test_the_same_query_written_differently_is_validated_once(loaded_url, monkeypatch):
    from api.limits import QueryLimitsRule

    validated = []
    original = QueryLimitsRule.enter_document
    monkeypatch.setattr(QueryLimitsRule, "enter_document", lambda self, *a: validated.append(1) or original(self, *a))
    client_api, client = await open_api(loaded_url, response_cache_mb=0)
    try:
        # An alias no other test sends: validation results are kept by the process.
        for text in ("{ differently: years { year } }", "{differently:years{year}}",
                     "# a comment\n{ differently: years {\n  year\n} }", "{ differently: years, { year, } }"):
            assert (await client_api.data(text))["differently"]
        assert len(validated) == 1
    finally:
        await client.aclose()
        await client_api.app.state.xxgk.dispose()


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_body_past_the_limit_is_refused_with_413_before_it_is_read_whole(api, chunked):
    limit = DEFAULTS.max_body_kb * 1024
    received = 0

    async def body():
        nonlocal received
        for _ in range(400):  # 400 × 64 KB = 25 MB offered
            received += 65536
            yield b" " * 65536

    content = body() if chunked else b"{" + b" " * (50 * 1024 * 1024) + b"}"
    response = await api.client.post("/graphql", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"error": "the request body is larger than 1 MB, the most this server takes"}
    if chunked:
        assert received <= limit + 2 * 65536  # stopped at the first chunk past the limit


async def test_a_body_within_the_limit_is_answered(api):
    padded = '{"query": "{ years { year } }"' + " " * (DEFAULTS.max_body_kb * 1024 - 100) + "}"
    response = await api.client.post("/graphql", content=padded, headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.json()["data"]["years"]


def test_summary_groups_follow_the_dimensions_cardinality_and_the_filter():
    county = summary_groups([SummaryDimension.COUNTY])
    assert county > 2500  # every county of the gazetteer
    assert summary_groups([SummaryDimension.PROVINCE, SummaryDimension.CITY, SummaryDimension.COUNTY]) == county
    assert summary_groups([SummaryDimension.COUNTY, SummaryDimension.TEMPLATE]) == 2 * county
    assert summary_groups([]) == 1
    sichuan = summary_groups([SummaryDimension.COUNTY], {"region_code": "510000"})
    assert 100 < sichuan < 300
    assert summary_groups([SummaryDimension.YEAR], {"year_from": 2020, "year_to": 2022}) == 3
    assert summary_groups([SummaryDimension.YEAR, SummaryDimension.KIND], {"year": 2021, "kind": "township"}) == 1


ALL_SIX = "[YEAR, PROVINCE, CITY, COUNTY, KIND, TEMPLATE]"
ROWS = "applications { rows { key naturalPerson commercialEnterprise total } }"


async def test_twenty_summaries_by_every_dimension_are_refused_before_they_run(api):
    aliases = " ".join(f"s{i}: summary(groupBy: {ALL_SIX}) {{ {ROWS} }}" for i in range(20))
    started = time.perf_counter()
    message = await api.error(f"{{ {aliases} }}")
    assert time.perf_counter() - started < 1
    assert message.startswith("query is too expensive") and "fewer summary groups" in message


async def test_a_summary_grouped_by_a_variable_is_measured_once_its_value_is_known(api):
    query = f"query($by: [SummaryDimension!], $f: ReportFilter) {{ summary(groupBy: $by, filter: $f) {{ {ROWS} }} }}"
    refused = await api.error(query, {"by": ["YEAR", "PROVINCE", "CITY", "COUNTY", "KIND", "TEMPLATE"]})
    assert refused.startswith("query is too expensive")
    # The same dimensions within one county and one year: a few groups, answered.
    narrow = {"by": ["YEAR", "COUNTY", "KIND"], "f": {"regionCode": "511722", "year": 2021, "includeSynthetic": True}}
    assert (await api.data(query, narrow))["summary"]
    # Summaries from variables share the request's budget: one by county passes, two do not.
    fields = "reports applications { rows { key total } }"  # 23 per group: 65,000 for every county
    one = f"query($by: [SummaryDimension!]) {{ a: summary(groupBy: $by) {{ {fields} }} }}"
    assert (await api.data(one, {"by": ["COUNTY"]}))["a"]
    two = one.replace("a: summary", f"a: summary(groupBy: $by) {{ {fields} }} b: summary")
    assert (await api.error(two, {"by": ["COUNTY"]})).startswith("query is too expensive")


async def test_sums_past_two_to_the_31_come_back_whole(db_url):
    big = []
    for i, name in enumerate(("甲镇", "乙镇")):
        report = generate(900 + i, year=2022, agency_name=name, region_hint="宣汉县")
        report.applications["new_received"]["total"] = 2_000_000_000
        uri = f"synthetic:{name}"
        big.append((report, Source(uri, "synthetic", hashlib.sha256(uri.encode()).hexdigest(), True, uri, "t")))
    assert [r.status for r in await store_reports(db_url, big)] == ["loaded", "loaded"]
    client_api, client = await open_api(db_url)
    try:
        query = '{ summary(filter: {synthetic: true}) { reports applications { row(key: "new_received") { total } } } }'
        (group,) = (await client_api.data(query))["summary"]
        assert group["applications"]["row"]["total"] == 4_000_000_000
        report = (await client_api.data(
            '{ reports(filter: {synthetic: true}) { edges { node { consistency { checks { code status } } } } } }'))
        codes = {c["code"] for e in report["reports"]["edges"] for c in e["node"]["consistency"]["checks"]}
        assert "A_IMPLAUSIBLE" in codes  # and each report says its cell is absurd
    finally:
        await client.aclose()
        await client_api.app.state.xxgk.dispose()


@pytest.mark.parametrize("variables, message", [
    ({"f": {"search": "a\u0000b"}}, "filter.search holds a NUL character"),
    ({"f": {"search": "镇" * 101}}, "filter.search is 101 characters long; at most 100 are taken"),
    ({"f": {"year": 40000}}, "filter.year must be between 0 and 9999, got 40000"),
    ({"f": {"regionCode": "5\u00001"}}, "filter.regionCode holds a NUL character"),
    ({"f": {"year": "2021"}}, "Variable '$f' has invalid value at .year: Int cannot represent non-integer value"),
])
async def test_input_the_database_cannot_take_is_a_user_error(api, variables, message):
    query = "query($f: ReportFilter) { reports(filter: $f) { totalCount } }"
    assert (await api.error(query, variables)).startswith(message)


async def test_a_lone_surrogate_is_a_user_error(api):
    body = b'{"query": "query($s: String) { agencies(filter: {search: $s}) { totalCount } }", ' \
           b'"variables": {"s": "\\ud800"}}'  # JSON may escape a lone surrogate; no UTF-8 can hold one
    response = await api.client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.json()["errors"][0]["message"] == "filter.search holds a lone surrogate (not valid Unicode text)"


async def test_a_value_refused_by_the_database_is_a_user_error_not_an_internal_one(api, monkeypatch):
    from api.types import applications

    def refused(*args, **kwargs):
        raise asyncpg.exceptions.CharacterNotInRepertoireError('invalid byte sequence for encoding "UTF8": 0x00')

    monkeypatch.setattr(applications.Applications, "from_rows", refused)
    # ``row(key:)`` takes an argument, so the resolvers answer (a planned report never builds Applications).
    body = await api.post('{ report(id: 1) { id applications { row(key: "new_received") { total } } } }')
    assert [e["message"] for e in body["errors"]] == [BAD_INPUT_MESSAGE]


async def test_large_input_is_never_echoed_back(api):
    huge = "Z" * 900_000
    for query, variables in (
        ("query($c: String) { reports(after: $c) { totalCount } }", {"c": huge}),
        ("query($s: String) { reports(filter: {failedCheck: $s}) { totalCount } }", {"s": huge}),
        ("{ " + huge + " }", None),
        ("{ reports(orderBy: " + huge + ") { totalCount } }", None),
    ):
        response = await api.client.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code in (200, 400) and len(response.content) < 2000, response.text[:200]
        assert "900,00" in response.text  # the length is said instead
    response = await api.client.post("/graphql", json={"query": "{ years { year } }", "operationName": huge})
    assert response.status_code == 400 and len(response.content) < 200


@pytest.mark.parametrize("body", [b'"a string"', b"null", b"[" * 5000 + b"]" * 5000, b"{"])
async def test_a_body_that_is_no_graphql_request_is_a_400(api, body):
    response = await api.client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "Traceback" not in response.text


async def test_a_request_past_its_time_budget_is_cancelled_with_a_message(loaded_url):
    client_api, client = await open_api(loaded_url, request_timeout_ms=1, response_cache_mb=0)
    try:
        query = "{ reports(first: 100) { totalCount edges { node { applications { rows { total } } } } } }"
        assert await client_api.error(query) == TIMEOUT_MESSAGE
    finally:
        await client.aclose()
        await client_api.app.state.xxgk.dispose()


async def test_healthz_answers_without_the_database_and_readyz_says_whether_it_answers(loaded_url):
    down = create_app(settings_for("postgresql://nobody:x@127.0.0.1:9/none"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=down), base_url="http://test") as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        started = time.perf_counter()
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
        assert time.perf_counter() - started < 5
    await down.state.xxgk.dispose()
    up = create_app(settings_for(loaded_url, pool_size=1, pool_overflow=0))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=up), base_url="http://test") as client:
        # Every query connection taken: /readyz still answers through its own.
        async with up.state.xxgk.read_engine.connect() as held:
            assert held is not None
            ready = await asyncio.wait_for(client.get("/readyz"), 5)
        assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok"}
    await up.state.xxgk.dispose()


async def test_search_reads_the_trigram_index(loaded_url):
    compiled = agency_conditions(ReportFilter(search="胡家镇"))[0].compile(dialect=pg_asyncpg.dialect())
    parameters = [compiled.params[name] for name in compiled.positiontup or ()]
    conn = await asyncpg.connect(dsn(loaded_url))
    try:
        await conn.execute("SET enable_seqscan = off")  # the few rows here would otherwise be scanned
        plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN SELECT id FROM agency WHERE {compiled}",
                                                          *parameters))
    finally:
        await conn.close()
    assert "ix_agency_name_trgm" in plan, plan


DOCX_BOMB = hostile.docx_bomb(512)
INGEST = """mutation($name: String!, $content: String!) { ingestReport(filename: $name, content: $content,
  encoding: BASE64) { status reason } }"""


async def test_an_uploaded_bomb_fails_in_one_line_and_the_server_does_not_grow(db_url):
    import resource

    client_api, client = await open_api(db_url)
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        variables = {"name": "bomb.docx", "content": base64.b64encode(DOCX_BOMB).decode()}
        body = await client_api.post(INGEST, variables, authorization=f"Bearer {API_KEY}")
        result = body["data"]["ingestReport"]
        assert result["status"] == "failed"
        assert "unpacks to 512 MB, more than the 32 MB a part may (XXGK_MAX_PART_MB)" in result["reason"]
        span = {"name": "span.html", "content": base64.b64encode(hostile.html_span_bomb()).decode()}
        result = (await client_api.post(INGEST, span, authorization=f"Bearer {API_KEY}"))["data"]["ingestReport"]
        assert result["status"] == "failed" and "XXGK_MAX_TABLE_CELLS" in result["reason"]
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KB: read in another process
    finally:
        await client.aclose()
        await client_api.app.state.xxgk.dispose()
