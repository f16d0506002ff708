"""The export routes: streamed files with Content-Disposition, the same bytes as `xxgk export`, 400 and 404."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from api.app import create_app
from core.settings import Settings
from db.engine import dsn
from services.export import TABLES, ExportFilter, export_dir


@pytest.fixture(scope="module")
def exported(loaded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-export")

    async def run() -> None:
        conn = await asyncpg.connect(dsn(loaded_url))
        try:
            await export_dir(conn, out, ExportFilter(year=2021))
        finally:
            await conn.close()

    asyncio.run(run())
    return out


@pytest.fixture
async def client(loaded_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(Settings.from_env(), database_url=loaded_url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c
    await app.state.xxgk.dispose()


@pytest.mark.parametrize("table", list(TABLES))
async def test_a_table_downloads_as_the_same_csv_the_command_writes(client, exported, table):
    response = await client.get(f"/export/{table}.csv", params={"year": "2021"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{table}-2021.csv"'
    assert response.content == (exported / f"{table}.csv").read_bytes()


async def test_filters_apply_and_name_the_file(client):
    response = await client.get("/export/reports.csv?year=2021&region=510000")
    assert response.headers["content-disposition"] == 'attachment; filename="reports-2021-510000.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["year"], r["source_uri"].rsplit("/", 1)[1]) for r in rows] == [("2021", "guandu-2021.html")]


async def test_reports_download_as_json_lines(client):
    response = await client.get("/export/reports.jsonl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.headers["content-disposition"] == 'attachment; filename="reports.jsonl"'
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == 4 and all({"id", "agency_id", "source", "applications"} <= r.keys() for r in records)


async def test_the_descriptor_points_at_this_servers_filtered_files(client):
    response = await client.get("/export/datapackage.json", params={"region": "140000"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="datapackage-140000.json"'
    pkg = response.json()
    paths = {r["name"]: r["path"] for r in pkg["resources"]}
    assert paths["agencies"] == "http://test/export/agencies.csv?region=140000"
    assert paths["reports-jsonl"] == "http://test/export/reports.jsonl?region=140000"
    reports = await client.get(paths["reports"])
    assert [r["source_uri"].rsplit("/", 1)[1] for r in csv.DictReader(io.StringIO(reports.text))] == [
        "henghe-2021.html"]


async def test_an_unknown_table_is_404(client):
    response = await client.get("/export/load_failure.csv")
    assert response.status_code == 404
    assert "no table 'load_failure'" in response.json()["error"]


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "region=51", "region=5100x0"])
@pytest.mark.parametrize("path", ["/export/reports.csv", "/export/reports.jsonl", "/export/datapackage.json"])
async def test_a_bad_filter_is_400(client, path, query):
    response = await client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.json()["error"]
