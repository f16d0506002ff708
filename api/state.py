"""What the application holds for its lifetime: engines and session factories, nothing per user."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.settings import Settings
from db.engine import async_url, create_engine, resolve_url, session_factory


@dataclass(slots=True)
class AppState:
    settings: Settings
    write_engine: AsyncEngine
    read_engine: AsyncEngine
    write_sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        write_url = resolve_url(settings)
        pool = {"pool_size": settings.pool_size, "max_overflow": settings.pool_overflow}
        write = create_engine(write_url, settings, **pool)
        # Reads may go to a replica; without one they share the primary's engine.
        read = (
            create_engine(async_url(settings.database_read_url), settings, **pool)
            if settings.database_read_url
            else write
        )
        return cls(settings, write, read, session_factory(write), session_factory(read))

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
