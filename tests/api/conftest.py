"""Fixtures for the API tests: a database holding the five real fixture reports and synthetic agencies
over several years, and an httpx client on the ASGI app.

Everything goes through the real writer (``db.writer.store_reports``), so checks, regions and summary
columns are what ``xxgk load`` would store.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from core.settings import Settings
from db.writer import Source, store_reports
from loaders.parse import parse_text
from synthetic import generate, mark_synthetic

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
API_KEY = "test-key"

# (agency, county as the report names it, years).
SYNTHETIC_AGENCIES = (
    ("胡家镇", "宣汉县", range(2019, 2025)),  # 四川省 › 达州市 › 宣汉县
    ("南坝镇", "宣汉县", range(2019, 2025)),
    ("平田乡人民政府", "奉节县", range(2019, 2024)),  # 重庆市: the county sits directly under the province
    ("生态环境局", "紫阳县", range(2020, 2024)),  # 陕西省 › 安康市 › 紫阳县
)
# Reports given a broken identity on purpose: (agency index, year) → fault code.
FAULTS = {(0, 2020): "S3_ROW_SUM", (1, 2022): "S4_GROUP_SUM", (2, 2021): "S3_ROW_SUM"}


def _source(uri: str, text: str, fmt: str, synthetic: bool) -> Source:
    return Source(uri, fmt, hashlib.sha256(text.encode()).hexdigest(), synthetic, text, "test")


async def load_seeds(url: str) -> None:
    """Store the five real fixture reports."""
    items = []
    for path in sorted(FIXTURES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        items.append((parse_text(text), _source(f"fixture:{path.name}", text, "txt", False)))
    results = await store_reports(url, items)
    assert all(r.status == "loaded" for r in results), results


async def load_synthetic(url: str, copies: int = 1) -> int:
    """Store the synthetic agencies (``copies`` times, under numbered names); returns how many reports."""
    items = []
    for copy in range(copies):
        for n, (name, county, years) in enumerate(SYNTHETIC_AGENCIES):
            agency = name if copy == 0 else f"第{copy}{name}"
            for year in years:
                fault = FAULTS.get((n, year)) if copy == 0 else None
                report = mark_synthetic(generate(
                    1000 * copy + 100 * n + year,
                    year=year,
                    agency_name=agency,
                    region_hint=county,
                    inconsistencies=[fault] if fault else (),
                ))
                uri = f"synthetic:{agency}/{year}"
                items.append((report, _source(uri, uri + repr(report.to_json()), "synthetic", True)))
    results = await store_reports(url, items)
    assert all(r.status == "loaded" for r in results), results
    return len(items)


def settings_for(url: str, **changes: Any) -> Settings:
    """Settings pointing at a test database, with a known API key unless told otherwise."""
    base = {"database_url": url, "database_read_url": None, "api_key": API_KEY}
    return dataclasses.replace(Settings.from_env(), **{**base, **changes})


class Api:
    """A GraphQL client over the ASGI app."""

    def __init__(self, client: httpx.AsyncClient, app: Any) -> None:
        self.client = client
        self.app = app

    async def post(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        """The whole GraphQL response body (data and errors)."""
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                          headers=headers)
        assert response.status_code in (200, 400), response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a query expected to succeed."""
        body = await self.post(query, variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def error(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> str:
        """The first error message of a query expected to fail."""
        body = await self.post(query, variables, **headers)
        assert body.get("errors"), body
        return body["errors"][0]["message"]


async def open_api(url: str, **changes: Any) -> tuple[Api, Any]:
    app = create_app(settings_for(url, **changes))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    return Api(client, app), client


@pytest.fixture(scope="module")
async def loaded_url(module_db_url: str) -> str:
    """A database with the fixtures and the synthetic agencies (read-only tests share it)."""
    await load_seeds(module_db_url)
    await load_synthetic(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
async def api(loaded_url: str) -> AsyncIterator[Api]:
    client_api, client = await open_api(loaded_url)
    yield client_api
    await client.aclose()
    await client_api.app.state.xxgk.dispose()
