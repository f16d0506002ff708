"""A database that cannot be reached or refuses a statement, said in one line instead of a traceback."""

from __future__ import annotations

import socket

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError

from core.errors import UnavailableError


class DatabaseUnavailableError(UnavailableError):
    """The database could not be reached, or refused what was asked of it (see :func:`describe_connection_error`)."""


def describe_connection_error(exc: BaseException, url: str | None) -> str:
    """One line saying which database could not be reached and why."""
    where = "the database"
    if url:
        try:
            u = make_url(url)
            host = u.host or u.query.get("host") or "localhost"
            where = f"the database {u.database or ''} at {host}{':' + str(u.port) if u.port else ''}"
        except Exception:  # noqa: BLE001 - describing an error must not raise another
            pass
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    cause = getattr(cause, "__cause__", None) or cause  # SQLAlchemy's adapter wraps asyncpg's own error
    if type(cause).__name__ == "UndefinedTableError":
        return "the database has no xxgk tables yet; run `xxgk migrate` first"
    if _is_query_error(cause):
        return f"database error: {str(cause).strip().splitlines()[0]}"
    if isinstance(cause, socket.gaierror):
        reason = "unknown host"
    else:
        text = str(cause).strip().splitlines()
        reason = text[0] if text else type(cause).__name__
        # asyncpg prefixes driver class names; keep what a person reads.
        reason = reason.split(": ", 1)[-1] if reason.startswith("<class") else reason
    return f"cannot connect to {where}: {reason}"


def _is_query_error(cause: BaseException) -> bool:
    """A statement the server refused (not a failure to reach or log in to it)."""
    try:
        import asyncpg
    except ImportError:  # pragma: no cover
        return False
    connecting = (asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidCatalogNameError,
                  asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)
    return isinstance(cause, asyncpg.PostgresError) and not isinstance(cause, connecting)


CONNECTION_ERRORS: tuple[type[BaseException], ...] = (OSError, TimeoutError, DBAPIError, InterfaceError)
try:  # asyncpg's own errors (bad password, unknown database) when raised outside SQLAlchemy
    import asyncpg

    CONNECTION_ERRORS += (asyncpg.PostgresError, asyncpg.InterfaceError)
except ImportError:  # pragma: no cover
    pass
