"""Models and migrations agree, and every revision goes down and up again."""

from __future__ import annotations

import asyncio

import asyncpg
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import dsn
from db.migrate import alembic_config, current_revision, downgrade, upgrade
from db.models import Base
from tests.db.test_writer import _report, _source, store


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


def test_reports_stored_before_revisions_keep_their_ids_and_open_the_change_feed(db_url):
    async def sql(statement: str) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(dsn(db_url))
        try:
            return await conn.fetch(statement)
        finally:
            await conn.close()

    stored = store(db_url, [(_report("官渡镇"), _source("a")), (_report("水口镇"), _source("b"))])
    downgrade(db_url, "4e7a1c9b2d05")  # as the reports were before ids by agency and year
    asyncio.run(sql("DELETE FROM report WHERE id = (SELECT min(id) FROM report)"))  # an id handed out, then gone
    upgrade(db_url)
    kept = stored[1].report_id
    keys = asyncio.run(sql("SELECT k.id, r.id FROM report_key k JOIN report r USING (agency_id, year)"))
    assert [tuple(r) for r in keys] == [(kept, kept)]
    assert [tuple(r) for r in asyncio.run(sql("SELECT report_id, kind FROM report_change"))] == [(kept, "added")]
    # A new agency and year gets an id never handed out before; a corrected document keeps the old one.
    [new] = store(db_url, [(_report("横河镇"), _source("c"))])
    assert new.report_id > max(r.report_id for r in stored)
    [again] = store(db_url, [(_report("水口镇", new_total=5), _source("d"))])
    assert (again.status, again.report_id) == ("replaced", kept)
