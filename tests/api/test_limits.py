"""Refusals (depth, aliases, tokens, cost, page size) and masked internal errors."""

from __future__ import annotations

import pytest
from conftest import open_api
from sqlalchemy.exc import ProgrammingError

from api.errors import MASKED_MESSAGE
from api.limits import QueryLimitsRule
from api.types import applications
from core.settings import Settings

DEFAULTS = Settings()
MAX_DEPTH, MAX_ALIASES, MAX_TOKENS = DEFAULTS.max_query_depth, DEFAULTS.max_query_aliases, DEFAULTS.max_query_tokens


async def test_deep_query_is_refused(api):
    nested = "previous { " * (MAX_DEPTH + 2) + "year" + " }" * (MAX_DEPTH + 2)
    message = await api.error(f"{{ report(id: 1) {{ {nested} }} }}")
    assert "exceeds maximum operation depth" in message


async def test_alias_bomb_is_refused(api):
    aliases = " ".join(f"a{i}: years {{ year }}" for i in range(MAX_ALIASES + 5))
    message = await api.error(f"{{ {aliases} }}")
    assert "alias" in message.lower() and str(MAX_ALIASES) in message


async def test_huge_token_count_is_refused(api):
    fields = " ".join(["year"] * (MAX_TOKENS + 10))
    message = await api.error(f"{{ years {{ {fields} }} }}")
    assert "token" in message.lower()


async def test_expensive_nesting_is_refused_by_cost(api):
    query = """{ agencies(first: 100) { edges { node { reports(first: 100) { edges { node {
                 applications { rows { total } } } } } } } } }"""
    message = await api.error(query)
    assert message.startswith("query is too expensive: estimated cost")


async def test_a_page_of_100_reports_with_their_tables_is_allowed(api):
    query = """{ reports(first: 100, filter: {includeSynthetic: true}) { edges { node {
                 applications { rows { key naturalPerson total } }
                 consistency { failed checks { code status } } reviews { review { total } } } } } }"""
    data = await api.data(query)
    assert len(data["reports"]["edges"]) == 26


async def test_internal_errors_are_masked(api, monkeypatch: pytest.MonkeyPatch):
    def broken(*args, **kwargs):
        raise ProgrammingError("SELECT secret_column FROM report", {}, Exception("relation does not exist"))

    monkeypatch.setattr(applications.Applications, "from_rows", broken)
    # ``row(key:)`` takes an argument, so the resolvers answer (a planned report never builds Applications).
    body = await api.post('{ report(id: 1) { id applications { row(key: "new_received") { total } } } }')
    (error,) = body["errors"]
    assert error["message"] == MASKED_MESSAGE
    assert "SELECT" not in str(body) and "Traceback" not in str(body) and "extensions" not in error
    assert body["data"]["report"] is None  # non-null field failed: the error propagates to the nullable parent


async def test_user_errors_are_not_masked(api):
    assert "invalid cursor" in await api.error('{ agencies(after: "eHg6YWJj") { totalCount } }')


async def test_syntax_errors_say_what_is_wrong(api):
    assert "Syntax Error" in await api.error("{ reports(first: ) }")
    assert "Cannot query field 'nope'" in await api.error("{ nope }")


async def test_a_document_is_validated_once_and_its_refusal_holds_on_every_request(loaded_url, monkeypatch):
    validated = []
    original = QueryLimitsRule.enter_document

    def counting(self, *args):
        validated.append(1)
        return original(self, *args)

    monkeypatch.setattr(QueryLimitsRule, "enter_document", counting)
    client_api, client = await open_api(loaded_url, response_cache_mb=0)  # every request reaches GraphQL
    try:
        for _ in range(3):  # an alias no other test sends: validation results are kept by the process
            assert (await client_api.data("{ validatedOnce: years { year } }"))["validatedOnce"]
        assert len(validated) == 1
        nested = "previous { " * (MAX_DEPTH + 2) + "year" + " }" * (MAX_DEPTH + 2)
        for _ in range(3):
            assert "exceeds maximum operation depth" in await client_api.error(f"{{ report(id: 1) {{ {nested} }} }}")
        aliases = " ".join(f"a{i}: years {{ year }}" for i in range(MAX_ALIASES + 5))
        for _ in range(2):
            assert str(MAX_ALIASES) in await client_api.error(f"{{ {aliases} }}")
        fields = " ".join(["year"] * (MAX_TOKENS + 10))
        for _ in range(2):
            assert "token" in (await client_api.error(f"{{ years {{ {fields} }} }}")).lower()
        # The same document with other variables: validated once, executed with each request's values.
        query = "query($id: Int!) { report(id: $id) { id } }"
        answers = [(await client_api.data(query, {"id": i}))["report"] for i in (1, 2, 1)]
        assert [int(a["id"]) for a in answers] == [1, 2, 1]
    finally:
        await client.aclose()
        await client_api.app.state.xxgk.dispose()
