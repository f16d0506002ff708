"""DataLoaders keep SQL statements per request constant in the number of items."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conftest import Api, load_synthetic, open_api
from sqlalchemy import event

NESTED = """query($first: Int!) { reports(first: $first, filter: {synthetic: true}) { totalCount edges { node {
  id year title source { uri }
  agency { name kind region { name parent { name parent { name } } } dataQuality { reports checksFailed } }
  proactive { __typename ... on Proactive2021 { licensing { decisions } } ... on Proactive2019 { fees { change } } }
  applications { rows { key naturalPerson total } }
  reviews { review { total } litigationDirect { total } }
  consistency { failed checks(status: failed) { code location } }
  issues { code } provenance { path }
  previous { year applications { row(key: "carried_forward") { total } } }
  next { year }
} } } }"""


@pytest.fixture(scope="module")
async def many(module_db_url: str) -> AsyncIterator[Api]:
    assert await load_synthetic(module_db_url, copies=3) >= 50
    api, client = await open_api(module_db_url)
    yield api
    await client.aclose()
    await api.app.state.xxgk.dispose()


async def _with_statements(api: Api, query: str, variables: dict | None = None) -> tuple[dict, list[str]]:
    """A query's data and the SQL statements it ran."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = api.app.state.xxgk.read_engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        return await api.data(query, variables), statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _count_statements(api: Api, first: int) -> tuple[int, int]:
    data, statements = await _with_statements(api, NESTED, {"first": first})
    return len(data["reports"]["edges"]), len(statements)


async def test_nested_query_over_5_and_50_reports_issues_the_same_statements(many: Api):
    five, statements_for_5 = await _count_statements(many, 5)
    fifty, statements_for_50 = await _count_statements(many, 50)
    assert (five, fifty) == (5, 50)
    assert statements_for_5 == statements_for_50
    # One per loader at most: page, count, agency, region ×3 levels, data quality, proactive, applications,
    # reviews, checks, issues, provenance, previous, next, previous' applications.
    assert statements_for_50 <= 20


PAGE_FIELDS = """{ reports(first: 50, filter: {synthetic: true}) { edges { node { id %s } } } }"""
ONE_BY_ONE = """query($id: Int!) { report(id: $id) { id agency { name kind } applications { rows { key total } } } }"""


async def test_a_page_loads_what_its_items_ask_for_once_and_answers_as_item_by_item(many: Api):
    """``reports`` loads agencies and §3 tables for the whole page (fragments included), only when asked."""
    asked = await many.data(
        "{ reports(first: 50, filter: {synthetic: true}) { edges { node { id ...F } } } } "
        "fragment F on Report { agency { name kind } ... on Report { applications { rows { key total } } } }"
    )
    nodes = [edge["node"] for edge in asked["reports"]["edges"]]
    assert len(nodes) == 50 and all(node["applications"]["rows"] for node in nodes)
    for node in nodes[::7]:  # the same report through report(id), which loads item by item
        alone = (await many.data(ONE_BY_ONE, {"id": node["id"]}))["report"]
        assert alone == node

    _, statements = await _with_statements(many, PAGE_FIELDS % "year")
    assert not any("application_outcome" in s or "FROM agency" in s for s in statements), statements
