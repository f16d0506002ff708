"""Planned SQL (``api.planner``) answers exactly as the resolvers do, in one statement per request."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import asyncpg
import pytest
from conftest import Api, open_api
from sqlalchemy import event

from db.engine import dsn

REPORT_FIELDS = """id year template title publishedAt synthetic __typename
  source { uri format sha256 parserVersion }
  agency { id name kind regionHint synthetic __typename region { code name level parent { code name parent { name } } } }
  applications { rows { key label naturalPerson commercialEnterprise researchInstitution publicInterestOrg
                        legalServiceOrg otherOrg total __typename } matrix }
  reviews { review { upheld corrected other pending total } litigationDirect { total __typename }
            litigationAfterReview { upheld total } }
  consistency { passed failed notCheckable warnings ok }"""
BY_ID = "query($id: Int!) { report(id: $id) { FIELDS } }".replace("FIELDS", REPORT_FIELDS)
ALIASED = """query($id: Int!) { report(id: $id) { ...R name: title a: agency { n: name } } }
fragment R on Report { theYear: year applications { ... on Applications { first: rows { total } } } }"""
PAGE = """query($first: Int, $after: String, $order: ReportOrder!, $filter: ReportFilter) {
  reports(first: $first, after: $after, orderBy: $order, filter: $filter) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { FIELDS } } } }""".replace("FIELDS", REPORT_FIELDS)
ORDERS = ("ID", "YEAR", "YEAR_DESC", "AGENCY_NAME", "CHECKS_FAILED_DESC", "PUBLISHED_AT_DESC")


@pytest.fixture(scope="module")
async def apis(loaded_url: str) -> AsyncIterator[tuple[Api, Api]]:
    planned, planned_client = await open_api(loaded_url)
    resolved, resolved_client = await open_api(loaded_url, planned_sql=False)
    yield planned, resolved
    for api, client in ((planned, planned_client), (resolved, resolved_client)):
        await client.aclose()
        await api.app.state.xxgk.dispose()


class Statements:
    """Every statement an app sends, through its read pool or its SQLAlchemy engines."""

    def __init__(self, api: Api) -> None:
        self.sent: list[str] = []
        state = api.app.state.xxgk
        state.reads.loggers.append(self.sent.append)
        for engine in {state.read_engine, state.write_engine}:
            event.listen(engine.sync_engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.sent.append(statement)


@pytest.fixture(scope="module")
async def counted(loaded_url: str) -> AsyncIterator[tuple[Api, Statements]]:
    api, client = await open_api(loaded_url, response_cache_mb=0)
    statements = Statements(api)  # before the first request opens the pool's connections
    yield api, statements
    await client.aclose()
    await api.app.state.xxgk.dispose()


async def _ids(api: Api) -> list[int]:
    data = await api.data("{ reports(first: 100, filter: {synthetic: true}) { edges { node { id } } } }")
    real = await api.data("{ reports(first: 100, filter: {synthetic: false}) { edges { node { id } } } }")
    return [e["node"]["id"] for e in data["reports"]["edges"] + real["reports"]["edges"]]


async def test_a_report_by_id_reads_the_same_planned_and_resolved(apis: tuple[Api, Api]):
    planned, resolved = apis
    ids = await _ids(resolved)
    assert len(ids) > 20
    for report_id in [*ids, 10**6]:
        for query in (BY_ID, ALIASED):
            assert await planned.post(query, {"id": report_id}) == await resolved.post(query, {"id": report_id})


@pytest.mark.parametrize("order", ORDERS)
async def test_every_page_of_every_order_reads_the_same_planned_and_resolved(apis: tuple[Api, Api], order: str):
    planned, resolved = apis
    variables = {"first": 7, "after": None, "order": order, "filter": {"includeSynthetic": True}}
    pages = 0
    while True:
        got, want = await planned.post(PAGE, variables), await resolved.post(PAGE, variables)
        assert got == want
        pages += 1
        info = got["data"]["reports"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        variables["after"] = info["endCursor"]
    assert pages >= 3


@pytest.mark.parametrize("filter", [{"year": 2022}, {"yearFrom": 2020, "kind": "township"},
                                    {"hasInconsistency": True}, {"regionCode": "510000", "search": "镇"}])
async def test_filtered_pages_read_the_same_planned_and_resolved(apis: tuple[Api, Api], filter: dict):
    planned, resolved = apis
    for order in ("YEAR_DESC", "ID"):
        variables = {"first": 3, "after": None, "order": order, "filter": filter}
        first = await planned.post(PAGE, variables)
        assert first == await resolved.post(PAGE, variables)
        variables["after"] = first["data"]["reports"]["pageInfo"]["endCursor"]
        assert await planned.post(PAGE, variables) == await resolved.post(PAGE, variables)


async def test_a_cursor_from_another_order_still_pages_by_its_offset(apis: tuple[Api, Api]):
    planned, resolved = apis
    base = {"first": 4, "after": None, "order": "YEAR", "filter": None}
    cursor = (await planned.data(PAGE, base))["reports"]["pageInfo"]["endCursor"]
    moved = {**base, "order": "CHECKS_FAILED_DESC", "after": cursor}
    got = await planned.data(PAGE, moved)
    assert got == await resolved.data(PAGE, moved)
    offset = {**base, "order": "CHECKS_FAILED_DESC", "first": 8}
    assert [e["node"]["id"] for e in got["reports"]["edges"]] == [
        e["node"]["id"] for e in (await planned.data(PAGE, offset))["reports"]["edges"][4:]]


async def _sent(counted: tuple[Api, Statements], query: str, variables: dict) -> list[str]:
    api, statements = counted
    await api.data(query, variables)  # prepared once; the count is of a request like any other
    statements.sent.clear()
    await api.data(query, variables)
    return list(statements.sent)


async def test_a_report_with_its_agency_and_sections_is_one_statement(counted: tuple[Api, Statements]):
    ids = await _ids(counted[0])
    sent = await _sent(counted, BY_ID, {"id": ids[0]})
    assert len(sent) == 1, sent
    assert not any(s.strip().upper() in ("BEGIN", "ROLLBACK", "COMMIT") for s in sent)


async def test_a_page_of_reports_with_their_sections_and_total_is_one_statement(counted: tuple[Api, Statements]):
    for order in ORDERS:
        sent = await _sent(counted, PAGE, {"first": 20, "after": None, "order": order, "filter": {"year": 2022}})
        assert len(sent) == 1, (order, sent)


async def test_a_nested_page_is_one_statement_whatever_its_size(counted: tuple[Api, Statements]):
    query = """query($n: Int) { reports(first: $n, filter: {synthetic: true}) { edges { node {
      id agency { name region { name } } applications { rows { key total } } } } } }"""
    assert len(await _sent(counted, query, {"n": 5})) == len(await _sent(counted, query, {"n": 50})) == 1


async def test_a_selection_the_planner_leaves_to_the_resolvers_still_loads_per_field_not_per_item(
        counted: tuple[Api, Statements]):
    query = """query($n: Int) { reports(first: $n, filter: {synthetic: true}) { edges { node {
      id issues { code } proactive { __typename } } } } }"""
    five, fifty = await _sent(counted, query, {"n": 5}), await _sent(counted, query, {"n": 50})
    assert len(five) == len(fifty) <= 3


@pytest.mark.parametrize("filters", [
    [{"year": 2021}, {"year": 2022}, {"year": 2019}],
    [{"regionCode": "510000", "search": "镇"}, {"regionCode": "110000", "search": "区"}, {"regionCode": "510000", "search": "%"}],
    [{"kind": "township", "yearFrom": 2020}, {"kind": "department", "yearFrom": 2022}],
    [{"template": "T2019", "includeSynthetic": True}, {"template": "T2021", "includeSynthetic": True}],
])
async def test_a_statement_compiled_once_takes_each_requests_values(apis: tuple[Api, Api], filters: list[dict]):
    """Requests of one shape share a statement compiled once; each is answered with its own filter and cursor."""
    planned, resolved = apis
    for filter in filters:
        for order in ("YEAR_DESC", "PUBLISHED_AT_DESC", "ID"):
            variables = {"first": 2, "after": None, "order": order, "filter": filter}
            for _ in range(3):
                got = await planned.post(PAGE, variables)
                assert got == await resolved.post(PAGE, variables), (filter, order)
                variables["after"] = got["data"]["reports"]["pageInfo"]["endCursor"]


async def test_pages_of_one_shape_compile_one_statement(counted: tuple[Api, Statements]):
    from db import pool

    api, _ = counted
    query = """query($f: ReportFilter, $after: String) { reports(first: 3, after: $after, orderBy: YEAR_DESC, filter: $f) {
      totalCount pageInfo { endCursor } edges { node { id title agency { name } } } } }"""
    first = await api.data(query, {"f": {"year": 2021}})
    compiled = len(pool._BOUND)
    for year in (2019, 2020, 2022, 2023):
        await api.data(query, {"f": {"year": year}})
    assert len(pool._BOUND) == compiled
    cursor = first["reports"]["pageInfo"]["endCursor"]
    await api.data(query, {"f": {"year": 2021}, "after": cursor})  # a keyset page: a shape of its own
    after = len(pool._BOUND)
    other = (await api.data(query, {"f": {"year": 2020}}))["reports"]["pageInfo"]["endCursor"]
    await api.data(query, {"f": {"year": 2020}, "after": other})
    assert len(pool._BOUND) == after


async def test_a_summary_over_the_rollup_is_one_statement_without_a_transaction(counted: tuple[Api, Statements]):
    query = """query($f: ReportFilter) { summary(groupBy: [YEAR], filter: $f) {
      year applications { row(key: "new_received") { total } } } }"""
    for filter in ({"includeSynthetic": True}, {"yearFrom": 2020, "kind": "township"}):
        sent = await _sent(counted, query, {"f": filter})
        assert len(sent) == 1 and "summary_rollup" in sent[0], sent


# SQL counting what each filter keeps, over the reports themselves (the rollup is not read).
_COUNTED = {
    "{}": "NOT a.synthetic",
    '{"includeSynthetic": true}': "true",
    '{"year": 2022, "includeSynthetic": true}': "r.year = 2022",
    '{"synthetic": true, "yearFrom": 2021, "yearTo": 2023}': "a.synthetic AND r.year BETWEEN 2021 AND 2023",
    '{"kind": "township", "includeSynthetic": true}': "a.kind = 'township'",
    '{"template": "T2019", "synthetic": false}': "r.template = '2019' AND NOT a.synthetic",
    '{"regionCode": "510000", "includeSynthetic": true}':
        "a.region_code IN (WITH RECURSIVE t(code) AS (SELECT '510000'::text UNION ALL "
        "SELECT g.code FROM region g JOIN t ON g.parent_code = t.code) SELECT code FROM t)",
    '{"hasInconsistency": true, "includeSynthetic": true}': "r.checks_failed > 0",
    '{"search": "镇", "includeSynthetic": true}': "a.name LIKE '%镇%'",
}


@pytest.mark.parametrize("filter", list(_COUNTED))
async def test_total_count_is_the_count_of_the_reports_the_filter_keeps(counted: tuple[Api, Statements], loaded_url: str,
                                                                         filter: str):
    """``totalCount`` is summed from the summary rollup when it answers the filter, and counted on the reports
    otherwise: either way it is the number of reports the filter keeps."""
    api, _ = counted
    query = """query($f: ReportFilter) { reports(first: 2, orderBy: YEAR_DESC, filter: $f) {
      totalCount edges { node { id year title agency { name } } } } }"""
    conn = await asyncpg.connect(dsn(loaded_url))
    try:
        want = await conn.fetchval(
            f"SELECT count(*) FROM report r JOIN agency a ON a.id = r.agency_id WHERE {_COUNTED[filter]}")
    finally:
        await conn.close()
    sent = await _sent(counted, query, {"f": json.loads(filter)})
    assert len(sent) == 1, sent
    rollup = "summary_rollup" in sent[0]
    assert rollup == (not any(name in filter for name in ("hasInconsistency", "search")))
    assert (await api.data(query, {"f": json.loads(filter)}))["reports"]["totalCount"] == want
    assert want > 0


@pytest.mark.parametrize("connection", [
    "totalCount edges { node { id title } }",  # no cursor asked for: none is encoded
    "pageInfo { hasNextPage hasPreviousPage } edges { node { id } }",
    "pageInfo { endCursor } edges { node { id } }",
    "edges { cursor }",
])
async def test_a_page_reads_the_same_planned_and_resolved_whichever_cursors_it_asks_for(apis: tuple[Api, Api],
                                                                                         connection: str):
    planned, resolved = apis
    query = f"""query($after: String) {{ reports(first: 3, after: $after, orderBy: YEAR_DESC,
      filter: {{includeSynthetic: true}}) {{ {connection} }} }}"""
    cursor = (await planned.data(PAGE, {"first": 3, "after": None, "order": "YEAR_DESC",
                                        "filter": {"includeSynthetic": True}}))["reports"]["pageInfo"]["endCursor"]
    for after in (None, cursor):
        got = await planned.post(query, {"after": after})
        assert got == await resolved.post(query, {"after": after})
        assert got["data"]["reports"]
