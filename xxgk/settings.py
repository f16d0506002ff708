"""Settings, read once from the environment. Every variable is documented in the README."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, in one place.

    ``database_url`` is ``None`` when the embedded PostgreSQL should be used.
    """

    database_url: str | None
    database_read_url: str | None
    data_dir: Path
    api_key: str | None
    host: str
    port: int
    statement_cache_size: int
    statement_timeout_ms: int

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            database_read_url=os.environ.get("DATABASE_READ_URL") or None,
            data_dir=Path(os.environ.get("XXGK_DATA_DIR") or ".xxgk/pgdata").expanduser().absolute(),
            api_key=os.environ.get("XXGK_API_KEY") or None,
            host=os.environ.get("XXGK_HOST") or "127.0.0.1",
            port=_int("XXGK_PORT", 8000),
            statement_cache_size=_int("XXGK_STATEMENT_CACHE_SIZE", 100),
            statement_timeout_ms=_int("XXGK_STATEMENT_TIMEOUT_MS", 10_000),
        )
