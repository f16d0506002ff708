"""Models and migrations agree, and every revision goes down and up again."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from db.migrate import alembic_config, current_revision, downgrade, upgrade
from db.models import Base


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        names = {r[0] for r in rows}
    await engine.dispose()
    return names


def test_alembic_check_finds_no_difference_between_models_and_migrations(db_url):
    command.check(alembic_config(db_url))  # raises when autogenerate would emit operations


def test_upgrade_downgrade_upgrade_round_trip(db_url):
    expected = set(Base.metadata.tables)
    assert expected <= asyncio.run(_tables(db_url))
    downgrade(db_url, "base")
    assert asyncio.run(_tables(db_url)) == {"alembic_version"}
    assert current_revision(db_url) is None
    before, after = upgrade(db_url)
    assert before is None and after is not None
    assert expected <= asyncio.run(_tables(db_url))


def test_second_upgrade_is_a_no_op(db_url):
    before, after = upgrade(db_url)
    assert before == after is not None
