"""/metrics counts requests; every request leaves one JSON access-log line; /healthz answers."""

from __future__ import annotations

import gc
import json
import logging

import pytest
from conftest import settings_for

from api.app import create_app


async def test_metrics_count_graphql_requests(api):
    def count(text: str) -> float:
        for line in text.splitlines():
            if line.startswith('xxgk_http_requests_total{method="POST",route="/graphql",status="200"}'):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = count((await api.client.get("/metrics")).text)
    await api.data("{ years { year } }")
    await api.data("{ years { year } }")
    response = await api.client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert count(response.text) == before + 2
    assert 'xxgk_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/graphql"}' in response.text


async def test_access_log_is_one_json_line_per_request(api, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.INFO, logger="xxgk.access"):
        await api.client.get("/healthz")
        await api.client.get("/no/such/page")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "xxgk.access"]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/healthz", 200),
        ("GET", "/no/such/page", 404),
    ]
    assert all(line["duration_ms"] >= 0 for line in lines)


async def test_graphiql_is_served_to_browsers(api):
    response = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


async def test_the_server_collects_garbage_less_often_and_restores_the_setting(loaded_url: str) -> None:
    """While serving, the young generation is collected every 20,000 allocations, not 700; after, as before."""
    before = gc.get_threshold()
    app = create_app(settings_for(loaded_url))
    async with app.router.lifespan_context(app):
        assert gc.get_threshold()[0] >= 20_000
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before


async def test_client_mistakes_are_answered_not_logged_as_server_errors(api, caplog: pytest.LogCaptureFixture):
    mistakes = [
        '{ reports(after: "zzz") { totalCount } }',  # a cursor from nowhere
        '{ reports(after: "eyJ4IjoxfQ==") { edges { node { id } } } }',  # well-formed, but not ours
        "{ reports(first: 100000) { totalCount } }",  # past the page size
        "{ agencies(first: -1) { totalCount } }",
        "{ nosuch }",
        "{ report(id: 99999999999) { id } }",  # not an Int
    ]
    with caplog.at_level(logging.DEBUG):
        for query in mistakes:
            body = await api.post(query)
            assert body["errors"], query  # the client is told
    server_errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert server_errors == [], [r.getMessage() for r in server_errors]
