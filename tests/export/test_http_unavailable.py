"""A download whose database goes away answers 503 before its first byte, not a 200 cut short."""

from __future__ import annotations

import dataclasses

import asyncpg
import httpx
import pytest
from conftest import REPORTS, built_report, source
from sqlalchemy.engine import make_url

from api.app import create_app
from core.settings import Settings
from db.engine import dsn
from db.writer import store_reports


async def _admin(server_url: str, *statements: str) -> None:
    conn = await asyncpg.connect(dsn(server_url))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@pytest.mark.parametrize("path", ["/export/reports.csv", "/export/application_outcomes.csv", "/export/reports.jsonl"])
async def test_a_download_from_a_database_gone_away_is_a_503(db_url, server_url, path):
    items = [(built_report(*key), source(tag)) for key, tag in REPORTS.items()]
    await store_reports(db_url, items)
    name = make_url(db_url).database
    app = create_app(dataclasses.replace(Settings.from_env(), database_url=db_url, database_read_url=None))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            before = await client.get(path)
            assert before.status_code == 200 and before.content  # the pool now holds a connection
            # The database goes away: its connections are terminated and new ones refused.
            await _admin(server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
                         f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            gone = await client.get(path)
            assert gone.status_code == 503
            assert "content-disposition" not in gone.headers  # no file was started
            # Back again: downloads work again, on new connections.
            await _admin(server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            again = await client.get(path)
            assert again.status_code == 200 and again.content == before.content
    finally:
        await _admin(server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await app.state.xxgk.dispose()
