"""The API's read connections: an asyncpg pool, statements compiled once, no transaction around a read.

A read goes straight to asyncpg: one prepared statement (cached per connection by its text), run outside
any transaction, on a connection held only while the statement runs. SQLAlchemy builds and compiles each
statement once per process (:class:`Statement`), not once per request, and its session machinery (``BEGIN``,
``ROLLBACK``, result processing) is left out. Connections are read-only and speak UTC, so a timestamp
formatted by PostgreSQL reads as Python formats it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from typing import Any, cast

import asyncpg
import orjson
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from core.settings import Settings
from db.engine import dsn

_DIALECT = asyncpg_dialect()
StatementLogger = Callable[[str], None]


class Row(asyncpg.Record):
    """An asyncpg record whose columns also read as attributes (``row.id``), as SQLAlchemy rows do."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Statement:
    """A SQLAlchemy statement compiled once to PostgreSQL's ``$n`` form.

    ``args`` puts the values of its named parameters in order, with the values the statement was built
    with for the others (the constants of its conditions).
    """

    __slots__ = ("_defaults", "names", "sql")

    def __init__(self, statement: ClauseElement) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True}))
        self.sql: str = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        self._defaults = {name: bind.value for bind, name in compiled.bind_names.items()}

    def args(self, **values: Any) -> list[Any]:
        defaults = self._defaults
        return [values[name] if name in values else defaults[name] for name in self.names]


class ReadPool:
    """Read-only connections for the API, opened on first use; ``size`` connections at most.

    ``loggers`` are told the text of every statement sent to the server (tests count them); only
    connections opened while a logger is registered tell them, so register before the first read.
    """

    def __init__(self, url: str, settings: Settings, size: int) -> None:
        self._dsn = dsn(url)
        self._settings = settings
        self._size = size
        self._pool: asyncpg.Pool | None = None
        self._opening: asyncio.Lock | None = None
        self.loggers: list[StatementLogger] = []

    async def _open(self) -> asyncpg.Pool:
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._pool is None:
                settings = self._settings
                self._pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=1,
                    max_size=self._size,
                    record_class=Row,
                    statement_cache_size=settings.statement_cache_size,
                    # Nothing a read changes outlives it, so a connection goes back to the pool without the
                    # reset statement asyncpg would otherwise send each time.
                    reset=_no_reset,
                    init=self._init,
                    timeout=10,
                    server_settings={
                        "statement_timeout": str(settings.statement_timeout_ms),
                        "application_name": "xxgk-read",
                        "default_transaction_read_only": "on",
                        "TimeZone": "UTC",
                    },
                )
        return self._pool

    async def _init(self, connection: asyncpg.Connection) -> None:
        # JSON columns (a report's checks) arrive decoded, as SQLAlchemy hands them; a statement that wants
        # JSON text as it is casts it to text.
        for name in ("json", "jsonb"):
            await connection.set_type_codec(name, schema="pg_catalog", encoder=_json_text, decoder=orjson.loads)
        if self.loggers:
            connection.add_query_logger(self._log)

    def _log(self, record: Any) -> None:
        for logger in self.loggers:
            logger(record.query)

    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """Every row of one statement."""
        pool = self._pool or await self._open()
        return await pool.fetch(sql, *args)

    async def fetchval(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """The first column of the first row of one statement (None without a row)."""
        pool = self._pool or await self._open()
        return await pool.fetchval(sql, *args)

    async def fetchrow(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        """The first row of one statement."""
        pool = self._pool or await self._open()
        return await pool.fetchrow(sql, *args)

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


async def _no_reset(connection: asyncpg.Connection) -> None:
    return None


_COMPILED: dict[Any, SQLCompiler] = {}
_MAX_COMPILED = 1000


def prepare(statement: ClauseElement) -> tuple[str, list[Any]]:
    """A statement built per request as PostgreSQL's text and arguments, compiled once per shape.

    Statements of the same shape (the same filter fields, order and selection) share one compilation, keyed
    by SQLAlchemy's cache key, whose extracted parameters are this statement's values.
    """
    key = statement._generate_cache_key()
    if key is None:
        compiled = cast(SQLCompiler, statement.compile(dialect=_DIALECT))
        params = compiled.construct_params()
    else:
        found = _COMPILED.get(key.key)
        if found is None:
            if len(_COMPILED) >= _MAX_COMPILED:
                _COMPILED.clear()
            found = _COMPILED[key.key] = cast(SQLCompiler, _DIALECT.statement_compiler(_DIALECT, statement, cache_key=key))
        compiled = found
        params = compiled.construct_params(extracted_parameters=key.bindparams)
    return compiled.string, [params[name] for name in compiled.positiontup or ()]


_BOUND: dict[Hashable, Statement] = {}


def prepare_bound(key: Hashable, build: Callable[[], ClauseElement]) -> Statement:
    """The statement of one shape, built and compiled once per process.

    ``key`` names everything the SQL text depends on; ``build`` runs only when the key is new, and binds
    every value that varies between requests of that shape under a name (``bindparam("year", …)``), which
    :meth:`Statement.args` then fills from each request. No statement object is built, keyed or compiled per
    request, and PostgreSQL prepares the text once per connection.
    """
    found = _BOUND.get(key)
    if found is None:
        if len(_BOUND) >= _MAX_COMPILED:
            _BOUND.clear()
        found = _BOUND[key] = Statement(build())
    return found
