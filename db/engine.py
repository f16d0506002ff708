"""Where the database is, and the async engine and session factory for it."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.errors import ConfigError
from core.settings import Settings
from db import embedded


def async_url(raw: str) -> str:
    """Accept the usual ``postgres://`` / ``postgresql://`` forms and use the asyncpg driver."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {raw!r}") from None
    if url.get_backend_name() not in ("postgres", "postgresql"):
        raise ConfigError(f"DATABASE_URL must point at PostgreSQL, got {url.get_backend_name()!r}")
    query = dict(url.query)
    # asyncpg takes ``ssl`` rather than libpq's ``sslmode``.
    if "sslmode" in query:
        query["ssl"] = query.pop("sslmode")
    return url.set(drivername="postgresql+asyncpg", query=query).render_as_string(hide_password=False)


def dsn(url: str) -> str:
    """An asyncpg DSN from a SQLAlchemy URL (``postgresql+asyncpg://`` → ``postgresql://``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def resolve_url(settings: Settings, *, start: bool = True, notices: list[str] | None = None) -> str:
    """The primary database URL: DATABASE_URL if set, else the embedded server (started when ``start``)."""
    if settings.database_url:
        return async_url(settings.database_url)
    if not start:
        found = embedded.url(settings.data_dir)
        if found is None:
            raise embedded.EmbeddedError("the embedded database is not running; start it with `xxgk db start`")
        return found
    found, said = embedded.start(settings.data_dir)
    if notices is not None:
        notices.extend(said)
    return found


def create_engine(url: str, settings: Settings, **kw: Any) -> AsyncEngine:
    """An engine with the per-statement timeout and a statement cache that can be turned off for PgBouncer."""
    connect_args = {
        "statement_cache_size": settings.statement_cache_size,
        "server_settings": {"statement_timeout": str(settings.statement_timeout_ms), "application_name": "xxgk"},
        "timeout": 10,
    }
    if settings.statement_cache_size == 0:
        # Transaction-mode PgBouncer: prepared statements must not be reused across server connections.
        connect_args["prepared_statement_name_func"] = lambda: f"__asyncpg_{uuid4()}__"
        url = make_url(url).update_query_dict({"prepared_statement_cache_size": "0"}).render_as_string(False)
    return create_async_engine(url, connect_args=connect_args, **kw)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
