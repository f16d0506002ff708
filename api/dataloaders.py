"""Per-request DataLoaders: every nested field of N items costs one statement, not N.

Each batch function opens its own short session: sibling resolvers run concurrently, and a session must
not be shared across concurrent awaits. Loaders return plain SQLAlchemy rows; the types wrap them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Row, Select, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from db import models
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


def _table(model: type[models.Base]) -> Select[Any]:
    """Every column of a table, as plain rows (much cheaper than ORM instances for thousands of cells)."""
    return select(*model.__table__.c)


def _position(base: Select[Any], column: Any) -> int:
    """Where ``column`` sits in the rows of ``base`` (an index reads a row faster than a name)."""
    return [c.key for c in base.selected_columns].index(column.key)


def _one_each(keys: Sequence[K], rows: Sequence[Row[Any]], key: Callable[[Row[Any]], K]) -> list[Row[Any] | None]:
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def _all_each(keys: Sequence[K], rows: Sequence[Row[Any]], key: Callable[[Row[Any]], K]) -> list[list[Row[Any]]]:
    grouped: dict[K, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


class Loaders:
    """The DataLoaders of one request (their caches live as long as the request)."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        r = models.Report
        self.region = self._by_key(select(*REGION_COLUMNS), models.Region.code)
        self.region_children = self._many(
            select(*REGION_COLUMNS).order_by(models.Region.code), models.Region.parent_code
        )
        self.agency = self._by_key(select(*AGENCY_COLUMNS), models.Agency.id)
        self.region_agencies = self._many(
            select(*AGENCY_COLUMNS).order_by(models.Agency.name, models.Agency.id), models.Agency.region_code
        )
        self.report = self._by_key(select(*REPORT_COLUMNS), r.id)
        self.agency_reports = self._many(select(*REPORT_COLUMNS).order_by(r.year), r.agency_id)
        self.report_by_agency_year: DataLoader[tuple[int, int], Row[Any] | None] = DataLoader(
            self._reports_by_agency_year
        )
        # (report_id, row key or §4 group, the values in canonical order): the types slice them by position.
        self.applications = self._many(select(*APPLICATION_COLUMNS), models.ApplicationOutcome.report_id)
        self.reviews = self._many(select(*REVIEW_COLUMNS), models.ReviewLitigation.report_id)
        self.proactive = self._many(_table(models.ProactiveCount), models.ProactiveCount.report_id)
        # Every check result (passed ones included) lives in the report's JSON; check_result holds failures only.
        self.checks = self._by_key(select(r.id, r.checks, r.cross_checks), r.id)
        self.issues = self._many(_table(models.ParseIssue).order_by(models.ParseIssue.id), models.ParseIssue.report_id)
        self.provenance = self._many(
            _table(models.ValueProvenance).order_by(models.ValueProvenance.path), models.ValueProvenance.report_id
        )
        self.data_quality: DataLoader[int, Row[Any] | None] = DataLoader(self._data_quality)

    def _by_key(self, base: Select[Any], column: Any) -> DataLoader[Any, Row[Any] | None]:
        """A loader of at most one row per key (a primary key)."""
        key = itemgetter(_position(base, column))

        async def load(keys: list[Any]) -> list[Row[Any] | None]:
            return _one_each(keys, await fetch(self._sessions, base.where(column.in_(keys))), key)

        return DataLoader(load)

    def _many(self, base: Select[Any], column: Any) -> DataLoader[Any, list[Row[Any]]]:
        """A loader of every row whose ``column`` equals the key (children of a parent)."""
        key = itemgetter(_position(base, column))

        async def load(keys: list[Any]) -> list[list[Row[Any]]]:
            return _all_each(keys, await fetch(self._sessions, base.where(column.in_(keys))), key)

        return DataLoader(load)

    async def _reports_by_agency_year(self, keys: list[tuple[int, int]]) -> list[Row[Any] | None]:
        r = models.Report
        rows = await fetch(self._sessions, select(*REPORT_COLUMNS).where(tuple_(r.agency_id, r.year).in_(keys)))
        return _one_each(keys, rows, lambda row: (row.agency_id, row.year))

    async def _data_quality(self, agency_ids: list[int]) -> list[Row[Any] | None]:
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
        statement = (
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
            .where(r.agency_id.in_(agency_ids))
            .group_by(r.agency_id)
        )
        rows = await fetch(self._sessions, statement)
        return _one_each(agency_ids, rows, lambda row: row.agency_id)
