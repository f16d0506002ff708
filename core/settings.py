"""Settings, read once from the environment. Every variable is documented in the README's table.

This is the one module that reads the environment: each field of :class:`Settings` names its variable,
and ``Settings()`` alone gives every default (what tests and library callers start from).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from core.errors import ConfigError

_MEMORY = re.compile(r"\d+(kB|MB|GB)")


_SHARED_CONNECTIONS = 16  # what the workers of one server share by default: well below max_connections (100)


def _text(name: str, raw: str) -> str:
    return raw


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _flag(name: str, raw: str) -> bool:
    return raw.lower() not in ("0", "false", "no", "off")


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser().absolute()


def _memory(name: str, raw: str) -> str:
    # Written into a SET statement: only PostgreSQL's own memory units, nothing else.
    if not _MEMORY.fullmatch(raw):
        raise ConfigError(f"{name} must be a PostgreSQL memory size such as 64MB, got {raw!r}")
    return raw


def _positive(parse: Callable[[str, str], int]) -> Callable[[str, str], int]:
    def positive(name: str, raw: str) -> int:
        value = parse(name, raw)
        if value < 1:
            raise ConfigError(f"{name} must be at least 1, got {value}")
        return value

    return positive


def _var(env: str, default: Any = None, parse: Callable[[str, str], Any] = _text, *,
         factory: Callable[[], Any] | None = None) -> Any:
    """A field read from ``env``: unset or empty gives the default, anything else goes through ``parse``."""
    meta = {"env": env, "parse": parse}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


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
    """Everything configurable, in one place; ``Settings.from_env()`` reads it, ``Settings()`` is the defaults.

    ``database_url`` is ``None`` when the embedded PostgreSQL should be used.
    """

    # Where the data is.
    database_url: str | None = _var("DATABASE_URL")
    database_read_url: str | None = _var("DATABASE_READ_URL")
    data_dir: Path = _var("XXGK_DATA_DIR", parse=_path, factory=lambda: default_data_dir("pgdata"))
    statement_cache_size: int = _var("XXGK_STATEMENT_CACHE_SIZE", 100, _int)
    statement_timeout_ms: int = _var("XXGK_STATEMENT_TIMEOUT_MS", 10_000, _int)
    request_timeout_ms: int = _var("XXGK_REQUEST_TIMEOUT_MS", 10_000, _positive(_int))
    # None: from the worker count (``connections_per_worker``).
    pool_size: int | None = _var("XXGK_POOL_SIZE", None, _positive(_int))
    pool_overflow: int = _var("XXGK_POOL_OVERFLOW", 0, _int)
    # The server.
    api_key: str | None = _var("XXGK_API_KEY")
    host: str = _var("XXGK_HOST", "127.0.0.1")
    port: int = _var("XXGK_PORT", 8000, _int)
    # Worker processes of `xxgk serve` (it also tells each worker how many there are, to size its pools);
    # None: one per CPU (``worker_count``).
    workers: int | None = _var("XXGK_WORKERS", None, _positive(_int))
    max_body_kb: int = _var("XXGK_MAX_BODY_KB", 1024, _positive(_int))
    max_upload_mb: int = _var("XXGK_MAX_UPLOAD_MB", 20, _positive(_int))
    response_cache_mb: int = _var("XXGK_RESPONSE_CACHE_MB", 64, _int)
    response_cache_ttl_s: int = _var("XXGK_RESPONSE_CACHE_TTL", 300, _int)
    # Enough memory for a hash aggregate over millions of §3 cells instead of a sort spilled to disk.
    summary_work_mem: str = _var("XXGK_SUMMARY_WORK_MEM", "64MB", _memory)
    max_query_depth: int = _var("XXGK_MAX_QUERY_DEPTH", 12, _positive(_int))
    max_query_aliases: int = _var("XXGK_MAX_QUERY_ALIASES", 20, _positive(_int))
    max_query_tokens: int = _var("XXGK_MAX_QUERY_TOKENS", 3000, _positive(_int))
    max_query_cost: int = _var("XXGK_MAX_QUERY_COST", 100_000, _positive(_int))
    plain_fields: bool = _var("XXGK_PLAIN_FIELDS", True, _flag)
    planned_sql: bool = _var("XXGK_PLANNED_SQL", True, _flag)
    prometheus_multiproc_dir: Path | None = _var("PROMETHEUS_MULTIPROC_DIR", parse=_path)
    # Loading. The rollup is updated once per transaction, so fewer, larger ones cost less: 1,000 reports per
    # transaction took 0.1 ms less CPU per report than 500 (loader and server, paired runs).
    load_batch: int = _var("XXGK_LOAD_BATCH", 1000, _positive(_int))
    load_window: int = _var("XXGK_LOAD_WINDOW", 1000, _positive(_int))
    # What one document may expand to while it is read (loaders.readers.limits), in `load` and `ingestReport`.
    max_unpacked_mb: int = _var("XXGK_MAX_UNPACKED_MB", 256, _positive(_int))
    max_part_mb: int = _var("XXGK_MAX_PART_MB", 32, _positive(_int))
    max_table_cells: int = _var("XXGK_MAX_TABLE_CELLS", 100_000, _positive(_int))
    # Everywhere.
    debug: bool = _var("XXGK_DEBUG", False, _flag)

    @property
    def connections_per_worker(self) -> int:
        """Connections each API process may hold to a database: ``XXGK_POOL_SIZE``, else 16 shared out among
        the workers (at least 2, at most 10 each). A request holds one only while a statement runs."""
        if self.pool_size is not None:
            return self.pool_size
        return max(2, min(10, _SHARED_CONNECTIONS // self.worker_count))

    @property
    def worker_count(self) -> int:
        """``XXGK_WORKERS``, else one per CPU."""
        return self.workers or os.cpu_count() or 1

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every variable; a value that cannot be used is a :class:`ConfigError` naming it."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"], "").strip()
            if raw:
                values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
        return cls(**values)

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Field name → environment variable, for the docs and their test."""
        return {f.name: f.metadata["env"] for f in fields(cls)}
