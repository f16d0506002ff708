"""Running Alembic from code, against the URL the application resolved."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class UnknownRevisionError(RuntimeError):
    """The database's schema was made by a version of xxgk that this one does not know."""


@cache
def _scripts():  # noqa: ANN202 - alembic.script.ScriptDirectory, imported only when needed
    """The migrations this xxgk ships, read once (ensure_migrated asks for a revision and the head)."""
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


def unknown_revision(revision: str) -> UnknownRevisionError:
    return UnknownRevisionError(
        f"the database schema is at revision {revision}, which this xxgk does not know: another version of xxgk "
        "made it; use that version, or a new database (DATABASE_URL, or XXGK_DATA_DIR for the embedded one)"
    )


def current_revision(url: str) -> str | None:
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    async def read() -> str | None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to ``revision``; returns the revisions before and after."""
    before = current_revision(url)
    if before is not None and not is_known(before):
        raise unknown_revision(before)  # alembic would fail with "Can't locate revision"
    command.upgrade(alembic_config(url), revision)
    return before, current_revision(url)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


