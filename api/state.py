"""What the application holds for its lifetime: engines and session factories, nothing per user."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.settings import Settings
from db.engine import async_url, create_engine, resolve_url, session_factory
from db.pool import ReadPool
from db.version import READ
from services.uploads import UploadParser

log = logging.getLogger("xxgk.api")
PROBE_TIMEOUT_S = 2  # /readyz says "unavailable" when the database has not answered by then


@dataclass(slots=True)
class AppState:
    settings: Settings
    write_engine: AsyncEngine
    read_engine: AsyncEngine
    write_sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]
    # The API's reads: statements compiled once, no transaction around them (``db.pool``).
    reads: ReadPool
    write_url: str
    # /readyz's own connection: a pool busy with queries must not make the server look unready.
    probe_engine: AsyncEngine
    uploads: UploadParser  # ingestReport's parser process

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        write_url = resolve_url(settings)
        size = settings.connections_per_worker
        pool = {"pool_size": size, "max_overflow": settings.pool_overflow}
        write = create_engine(write_url, settings, **pool)
        # Reads may go to a replica; without one they share the primary's engine.
        read_url = async_url(settings.database_read_url) if settings.database_read_url else write_url
        read = create_engine(read_url, settings, **pool) if settings.database_read_url else write
        probe = create_engine(read_url, settings, pool_size=1, max_overflow=0, pool_timeout=PROBE_TIMEOUT_S)
        return cls(settings, write, read, session_factory(write), session_factory(read),
                   ReadPool(read_url, settings, size), write.url.render_as_string(hide_password=False), probe,
                   UploadParser(settings))

    async def dispose(self) -> None:
        await self.reads.close()
        self.uploads.close()
        await self.probe_engine.dispose()
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


class DataVersion:
    """Reads the data version for a middleware that keys on it (the response cache, ETags).

    When it cannot be read (a database not migrated yet), the middleware does without: ``None``, and one
    warning per process saying what is off (``without``) and how to fix it.
    """

    def __init__(self, state: AppState, without: str) -> None:
        self.state = state
        self.without = without
        self._warned = False

    async def read(self) -> int | None:
        try:
            version: int | None = await self.state.reads.fetchval(READ)
            return version
        except Exception as exc:  # noqa: BLE001 - without a version the request itself still runs
            if not self._warned:
                log.warning("%s: cannot read the data version (%s); run `xxgk migrate`", self.without, exc)
                self._warned = True
            return None
