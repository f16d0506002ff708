"""Test databases on a real PostgreSQL: the embedded server (tests' own data dir) or DATABASE_URL.

A template database is migrated once per session; each test that asks for ``db_url`` gets a fresh copy
of it (CREATE DATABASE … TEMPLATE), dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from core.settings import default_data_dir
from db import embedded
from db.engine import async_url, dsn
from db.migrate import upgrade

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE = f"xxgk_template_{os.getpid()}"


def _server_url() -> str:
    """A SQLAlchemy URL of the maintenance database on the test server."""
    if os.environ.get("DATABASE_URL"):
        return async_url(os.environ["DATABASE_URL"])
    data_dir = default_data_dir("test-pgdata", env="XXGK_TEST_DATA_DIR")
    url, _ = embedded.start(data_dir)
    return str(make_url(url).set(database="postgres").render_as_string(hide_password=False))


def _admin(server_url: str, *sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(dsn(server_url))
        try:
            for statement in sql:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def sql(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    """The rows of one statement on the database at ``url``, from a test's synchronous code."""

    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(dsn(url))
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def _with_db(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def server_url() -> str:
    return _server_url()


@pytest.fixture(scope="session")
def template_url(server_url: str) -> Iterator[str]:
    """A database migrated to head, copied for each test."""
    _admin(server_url, f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)', f'CREATE DATABASE "{TEMPLATE}"')
    url = _with_db(server_url, TEMPLATE)
    upgrade(url)
    yield url
    _admin(server_url, f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


def new_database(server_url: str, template_url: str) -> tuple[str, str]:
    name = f"xxgk_t_{uuid.uuid4().hex[:12]}"
    template = make_url(template_url).database
    _admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    return name, _with_db(server_url, name)


@pytest.fixture
def db_url(server_url: str, template_url: str) -> Iterator[str]:
    """A fresh, migrated, empty database for one test."""
    name, url = new_database(server_url, template_url)
    yield url
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def module_db_url(server_url: str, template_url: str) -> Iterator[str]:
    """A fresh database shared by the tests of one module (for read-only tests over loaded data)."""
    name, url = new_database(server_url, template_url)
    yield url
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
