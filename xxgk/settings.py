"""Settings, read once from the environment. Every variable is documented in the README."""

from __future__ import annotations

import hashlib
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


def default_data_dir(name: str, env: str = "XXGK_DATA_DIR") -> Path:
    """``$XXGK_DATA_DIR``, else ``./.xxgk/<name>`` — unless that is private to root.

    As root, the embedded server runs as an unprivileged user and makes every parent of its data
    directory world-traversable; under /root or $HOME that would open them, so root's default moves to
    /var/lib/xxgk/<this folder's name and a hash of its path>/<name> instead.
    """
    if os.environ.get(env):
        return Path(os.environ[env]).expanduser().absolute()
    here = Path.cwd()
    local = here / ".xxgk" / name
    if os.name != "posix" or os.geteuid() != 0:
        return local
    private = [Path("/root"), Path(os.path.expanduser("~"))]
    if not any(local.is_relative_to(p) for p in private if p != Path("/")):
        return local
    tag = hashlib.sha256(str(here).encode()).hexdigest()[:8]
    return Path("/var/lib/xxgk") / f"{here.name}-{tag}" / name


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
    response_cache_mb: int = 64
    response_cache_ttl_s: int = 300

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            database_read_url=os.environ.get("DATABASE_READ_URL") or None,
            data_dir=default_data_dir("pgdata"),
            api_key=os.environ.get("XXGK_API_KEY") or None,
            host=os.environ.get("XXGK_HOST") or "127.0.0.1",
            port=_int("XXGK_PORT", 8000),
            statement_cache_size=_int("XXGK_STATEMENT_CACHE_SIZE", 100),
            statement_timeout_ms=_int("XXGK_STATEMENT_TIMEOUT_MS", 10_000),
            response_cache_mb=_int("XXGK_RESPONSE_CACHE_MB", 64),
            response_cache_ttl_s=_int("XXGK_RESPONSE_CACHE_TTL", 300),
        )
