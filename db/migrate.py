"""Running Alembic from code, against the URL the application resolved."""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config

import migrations
from core.errors import UnavailableError, UsageError
from db.engine import dsn

MIGRATIONS_DIR = Path(migrations.__file__).parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class UnknownRevisionError(UnavailableError):
    """The database's schema was made by a version of xxgk that this one does not know."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"the database schema is at revision {revision}, which this xxgk does not know: another version of xxgk "
            "made it; use that version, or a new database (DATABASE_URL, or XXGK_DATA_DIR for the embedded one)"
        )


class SchemaBehindError(UsageError):
    """The database has no xxgk tables yet, or an older schema: ``xxgk migrate`` comes first."""

    http_status = 503


@cache
def _scripts():  # noqa: ANN202 - alembic.script.ScriptDirectory, imported only when needed
    """The migrations this xxgk ships, read once (check_revision asks for a revision and the head)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("postgresql://"))


def head_revision() -> str | None:
    """The newest revision this version of xxgk ships."""
    return _scripts().get_current_head()


def is_known(revision: str) -> bool:
    """Whether ``revision`` is one of the migrations this version of xxgk ships."""
    from alembic.util import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


async def read_revision(conn: asyncpg.Connection) -> tuple[bool, str | None]:
    """Whether the database has xxgk's tables, and the Alembic revision it records (``None``: none)."""
    migrated = await conn.fetchval("SELECT to_regclass('public.report') IS NOT NULL")
    versioned = await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
    return migrated, await conn.fetchval("SELECT version_num FROM alembic_version") if versioned else None


def check_revision(migrated: bool, revision: str | None) -> None:
    """Raise unless the schema is the one this xxgk writes: the one check every command makes first."""
    if revision is not None and not is_known(revision):
        raise UnknownRevisionError(revision)
    if not migrated:
        raise SchemaBehindError("the database has no xxgk tables yet; run `xxgk migrate` first")
    head = head_revision()
    if revision != head:
        # Writing into an older schema would fail report by report; say the one thing to do instead.
        raise SchemaBehindError(f"the database schema is at revision {revision}, this xxgk needs {head}; "
                                "run `xxgk migrate` first")


async def ensure_current(url: str) -> None:
    """Check the schema of the database at ``url`` (see :func:`check_revision`)."""
    conn = await asyncpg.connect(dsn(url))
    try:
        found = await read_revision(conn)
    finally:
        await conn.close()
    check_revision(*found)


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` records (``None`` for an empty database)."""

    async def read() -> str | None:
        conn = await asyncpg.connect(dsn(url))
        try:
            return (await read_revision(conn))[1]
        finally:
            await conn.close()

    return asyncio.run(read())


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to ``revision``; returns the revisions before and after."""
    before = current_revision(url)
    if before is not None and not is_known(before):
        raise UnknownRevisionError(before)  # alembic would fail with "Can't locate revision"
    command.upgrade(alembic_config(url), revision)
    return before, current_revision(url)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


