"""Per-request DataLoaders: every nested field of N items costs one statement, not N.

Their statements are compiled once per process (``key = ANY($1)``, so any number of keys is one prepared
statement), and a request builds only the loaders its fields use. Each batch is one statement on a
connection of its own, outside any transaction: sibling resolvers run concurrently, and a connection must
not be shared across concurrent awaits. Loaders return rows whose columns read as attributes; the types
wrap them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from functools import cached_property
from operator import itemgetter
from typing import Any, Protocol, TypeVar

from sqlalchemy import Integer, Row, Select, String, any_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from db import models
from db.pool import Statement
from loaders.canonical import APPLICANT_COLUMNS, REVIEW_RESULTS

K = TypeVar("K", bound=Hashable)
Sessions = async_sessionmaker[AsyncSession]

# The report row without its raw text, check lists and value locations: lists of reports never need them.
_HEAVY = frozenset({"raw_text", "checks", "cross_checks", "locations"})
REPORT_COLUMNS = tuple(c for c in models.Report.__table__.c if c.name not in _HEAVY)
AGENCY_COLUMNS = tuple(models.Agency.__table__.c)
REGION_COLUMNS = tuple(models.Region.__table__.c)
_outcome, _review = models.ApplicationOutcome.__table__.c, models.ReviewLitigation.__table__.c
APPLICATION_COLUMNS = (_outcome.report_id, _outcome.row_key, *(_outcome[c] for c in APPLICANT_COLUMNS))
REVIEW_COLUMNS = (_review.report_id, _review.group, *(_review[c] for c in REVIEW_RESULTS))


async def fetch(sessions: Sessions, statement: Select[*tuple[Any, ...]], *, work_mem: str | None = None
                ) -> Sequence[Row[Any]]:
    """Run one read statement in its own short session (with ``work_mem`` for it alone, when given).

    Through the session's connection: ``Session.execute`` would pass the rows through the ORM's loading
    machinery, which costs more than the statement for thousands of cells.
    """
    async with sessions() as session:
        connection = await session.connection()
        if work_mem is not None:
            # LOCAL: lasts for this transaction only, so it is safe behind PgBouncer in transaction mode.
            await connection.execute(text(f"SET LOCAL work_mem = '{work_mem}'"))
        return (await connection.execute(statement)).all()


class Reads(Protocol):
    """Where loaders read: the API's read pool, or the primary's sessions after a write (read your writes)."""

    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> Sequence[Any]: ...


class SessionReads:
    """:class:`Reads` through SQLAlchemy sessions (the primary, right after a mutation wrote to it)."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> Sequence[Any]:
        async with self._sessions() as session:
            connection = await session.connection()
            return (await connection.exec_driver_sql(sql, tuple(args))).all()


def _table(model: type[models.Base]) -> Select[Any]:
    """Every column of a table, as plain rows (much cheaper than ORM instances for thousands of cells)."""
    return select(*model.__table__.c)


def _position(base: Select[Any], column: Any) -> int:
    """Where ``column`` sits in the rows of ``base`` (an index reads a row faster than a name)."""
    return [c.key for c in base.selected_columns].index(column.key)


class _Batch:
    """A loader's statement, ``base`` narrowed to ``column = ANY(keys)``, compiled once; ``key`` reads a row's key."""

    __slots__ = ("key", "statement")

    def __init__(self, base: Select[Any], column: Any) -> None:
        keys = bindparam("keys", type_=ARRAY(String if isinstance(column.type, String) else Integer))
        self.statement = Statement(base.where(column == any_(keys)))
        self.key = itemgetter(_position(base, column))


def _one_each(keys: Sequence[K], rows: Sequence[Row[Any]], key: Callable[[Row[Any]], K]) -> list[Row[Any] | None]:
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def _all_each(keys: Sequence[K], rows: Sequence[Row[Any]], key: Callable[[Row[Any]], K]) -> list[list[Row[Any]]]:
    grouped: dict[K, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


_r, _p = models.Report, models.ValueProvenance
_REGION = _Batch(select(*REGION_COLUMNS), models.Region.code)
_REGION_CHILDREN = _Batch(select(*REGION_COLUMNS).order_by(models.Region.code), models.Region.parent_code)
_AGENCY = _Batch(select(*AGENCY_COLUMNS), models.Agency.id)
_REGION_AGENCIES = _Batch(
    select(*AGENCY_COLUMNS).order_by(models.Agency.name, models.Agency.id), models.Agency.region_code
)
_REPORT = _Batch(select(*REPORT_COLUMNS), _r.id)
_AGENCY_REPORTS = _Batch(select(*REPORT_COLUMNS).order_by(_r.year), _r.agency_id)
# (report_id, row key or §4 group, the values in canonical order): the types slice them by position.
_APPLICATIONS = _Batch(select(*APPLICATION_COLUMNS), models.ApplicationOutcome.report_id)
_REVIEWS = _Batch(select(*REVIEW_COLUMNS), models.ReviewLitigation.report_id)
_PROACTIVE = _Batch(_table(models.ProactiveCount), models.ProactiveCount.report_id)
# Every check result (passed ones included) lives in the report's JSON; check_result holds failures only.
_CHECKS = _Batch(select(_r.id, _r.checks, _r.cross_checks), _r.id)
_ISSUES = _Batch(_table(models.ParseIssue).order_by(models.ParseIssue.id), models.ParseIssue.report_id)
_PROVENANCE = _Batch(_table(models.ValueProvenance).order_by(_p.path), _p.report_id)
# A report's earlier versions without their values, newest first.
REVISION_COLUMNS = tuple(c for c in models.ReportRevision.__table__.c if c.name != "values")
_REVISIONS = _Batch(select(*REVISION_COLUMNS).order_by(models.ReportRevision.revision.desc()),
                    models.ReportRevision.report_id)
_REPORT_BY_AGENCY_YEAR = Statement(
    select(*REPORT_COLUMNS).where(
        text("(report.agency_id, report.year) IN (SELECT * FROM unnest(:agencies, :years))").bindparams(
            bindparam("agencies", type_=ARRAY(Integer)), bindparam("years", type_=ARRAY(Integer))
        )
    )
)


def _data_quality_statement() -> Statement:
    r, p = models.Report, models.ValueProvenance
    provenance = (
        select(
            p.report_id,
            func.count().filter(p.provenance == "missing").label("missing"),
            func.count().filter(p.provenance == "inferred").label("inferred"),
        )
        .group_by(p.report_id)
        .subquery()
    )
    return Statement(
        select(
            r.agency_id,
            func.count().label("reports"),
            func.count().filter(r.checks_failed > 0).label("inconsistent_reports"),
            func.coalesce(func.sum(r.checks_passed), 0).label("checks_passed"),
            func.coalesce(func.sum(r.checks_failed), 0).label("checks_failed"),
            func.coalesce(func.sum(r.checks_not_checkable), 0).label("checks_not_checkable"),
            func.coalesce(func.sum(r.warnings), 0).label("warnings"),
            func.coalesce(func.sum(r.issue_count), 0).label("issues"),
            func.coalesce(func.sum(provenance.c.missing), 0).label("missing_values"),
            func.coalesce(func.sum(provenance.c.inferred), 0).label("inferred_values"),
        )
        .outerjoin(provenance, provenance.c.report_id == r.id)
        .where(r.agency_id == any_(bindparam("keys", type_=ARRAY(Integer))))
        .group_by(r.agency_id)
    )


_DATA_QUALITY = _data_quality_statement()


class Loaders:
    """The DataLoaders of one request (their caches live as long as the request), each made when first used."""

    def __init__(self, reads: Reads) -> None:
        self._reads = reads

    def _by_key(self, batch: _Batch) -> DataLoader[Any, Row[Any] | None]:
        """A loader of at most one row per key (a primary key)."""
        reads, statement, key = self._reads, batch.statement, batch.key

        async def load(keys: list[Any]) -> list[Row[Any] | None]:
            return _one_each(keys, await reads.fetch(statement.sql, statement.args(keys=keys)), key)

        return DataLoader(load)

    def _many(self, batch: _Batch) -> DataLoader[Any, list[Row[Any]]]:
        """A loader of every row whose column equals the key (children of a parent)."""
        reads, statement, key = self._reads, batch.statement, batch.key

        async def load(keys: list[Any]) -> list[list[Row[Any]]]:
            return _all_each(keys, await reads.fetch(statement.sql, statement.args(keys=keys)), key)

        return DataLoader(load)

    @cached_property
    def region(self) -> DataLoader[str, Row[Any] | None]:
        return self._by_key(_REGION)

    @cached_property
    def region_children(self) -> DataLoader[str, list[Row[Any]]]:
        return self._many(_REGION_CHILDREN)

    @cached_property
    def agency(self) -> DataLoader[int, Row[Any] | None]:
        return self._by_key(_AGENCY)

    @cached_property
    def region_agencies(self) -> DataLoader[str, list[Row[Any]]]:
        return self._many(_REGION_AGENCIES)

    @cached_property
    def report(self) -> DataLoader[int, Row[Any] | None]:
        return self._by_key(_REPORT)

    @cached_property
    def agency_reports(self) -> DataLoader[int, list[Row[Any]]]:
        return self._many(_AGENCY_REPORTS)

    @cached_property
    def report_by_agency_year(self) -> DataLoader[tuple[int, int], Row[Any] | None]:
        reads = self._reads

        async def load(keys: list[tuple[int, int]]) -> list[Row[Any] | None]:
            agencies, years = [agency for agency, _ in keys], [year for _, year in keys]
            rows = await reads.fetch(_REPORT_BY_AGENCY_YEAR.sql, _REPORT_BY_AGENCY_YEAR.args(agencies=agencies, years=years))
            return _one_each(keys, rows, lambda row: (row.agency_id, row.year))

        return DataLoader(load)

    @cached_property
    def applications(self) -> DataLoader[int, list[Row[Any]]]:
        return self._many(_APPLICATIONS)

    @cached_property
    def reviews(self) -> DataLoader[int, list[Row[Any]]]:
        return self._many(_REVIEWS)

    @cached_property
    def proactive(self) -> DataLoader[int, list[Row[Any]]]:
        return self._many(_PROACTIVE)

    @cached_property
    def checks(self) -> DataLoader[int, Row[Any] | None]:
        return self._by_key(_CHECKS)

    @cached_property
    def issues(self) -> DataLoader[int, list[Row[Any]]]:
        return self._many(_ISSUES)

    @cached_property
    def provenance(self) -> DataLoader[int, list[Row[Any]]]:
        return self._many(_PROVENANCE)

    @cached_property
    def revisions(self) -> DataLoader[int, list[Row[Any]]]:
        return self._many(_REVISIONS)

    @cached_property
    def data_quality(self) -> DataLoader[int, Row[Any] | None]:
        reads = self._reads

        async def load(agency_ids: list[int]) -> list[Row[Any] | None]:
            rows = await reads.fetch(_DATA_QUALITY.sql, _DATA_QUALITY.args(keys=agency_ids))
            return _one_each(agency_ids, rows, lambda row: row.agency_id)

        return DataLoader(load)
