"""``agencyRanking``: every agency with reports under a filter, ordered in SQL by one measure.

Each report's few §3 totals are summed first (one row per report), then the reports per agency, so a
ranking over 100,000 reports sorts a few thousand agency rows and sends one page of them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, and_, cast, func, select, text

from api.dataloaders import AGENCY_COLUMNS, Sessions, fetch
from api.filters import ReportFilter, report_conditions
from api.pagination import Page
from api.types.agency import Agency
from api.types.ranking import AgencyMeasure, AgencyRank
from db import models

_GRANTED = ("granted", "partially_granted")
assert set(_GRANTED) < set(models.RANKED_ROWS)


def _joined() -> Any:
    r, a = models.Report, models.Agency
    return r.__table__.join(a.__table__, a.id == r.agency_id)


def _per_report(filter: ReportFilter | None) -> Any:
    """One row per report the filter keeps: its agency, checks and the §3 totals a ranking reads."""
    r, o = models.Report, models.ApplicationOutcome
    cells = o.__table__.c
    # The rows as literals, as the partial index states them: with bound parameters a generic plan could not
    # tell that the index covers them.
    ranked = text(f"application_outcome.{models.RANKED_ROWS_WHERE}")
    source = _joined().outerjoin(o.__table__, and_(cells.report_id == r.id, ranked))
    return (
        select(
            r.agency_id.label("agency_id"),
            r.checks_passed.label("checks_passed"),
            r.checks_failed.label("checks_failed"),
            func.sum(cells.total).filter(cells.row_key == "new_received").label("applications"),
            func.sum(cells.total).filter(cells.row_key == "outcome_total").label("processed"),
            func.sum(cells.total).filter(cells.row_key.in_(_GRANTED)).label("granted"),
        )
        .select_from(source)
        .where(*report_conditions(filter))
        .group_by(r.id)
        .subquery("per_report")
    )


def _ratio(part: ColumnElement[Any], whole: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(part, Float) / func.nullif(whole, 0)


def _per_agency(filter: ReportFilter | None) -> Any:
    per = _per_report(filter).c
    passed, failed = func.sum(per.checks_passed), func.sum(per.checks_failed)
    return (
        select(
            per.agency_id,
            func.count().label("reports"),
            func.sum(per.applications).label("applications"),
            func.sum(per.processed).label("processed"),
            func.sum(per.granted).label("granted"),
            _ratio(func.sum(per.granted), func.sum(per.processed)).label("grant_rate"),
            passed.label("checks_passed"),
            failed.label("checks_failed"),
            func.count().filter(per.checks_failed > 0).label("inconsistent_reports"),
            _ratio(passed, passed + failed).label("pass_rate"),
        )
        .group_by(per.agency_id)
        .subquery("per_agency")
    )


async def rank_agencies(
    sessions: Sessions, filter: ReportFilter | None, by: AgencyMeasure, ascending: bool, page: Page
) -> list[AgencyRank]:
    """One page of the ranking and the first item past it, if any. Agencies without the measure come last."""
    stats = _per_agency(filter)
    measure = stats.c[by.value]
    order = (measure.asc() if ascending else measure.desc()).nulls_last()
    a = models.Agency
    statement = (
        select(stats, *AGENCY_COLUMNS)
        .select_from(stats.join(a.__table__, a.id == stats.c.agency_id))
        .order_by(order, a.id)
        .offset(page.offset)
        .limit(page.limit + 1)
    )
    rows = await fetch(sessions, statement)
    return [
        AgencyRank(
            rank=page.offset + n + 1,
            agency=Agency.from_row(row),
            reports=row.reports,
            applications=_int(row.applications),
            processed=_int(row.processed),
            granted=_int(row.granted),
            grant_rate=row.grant_rate,
            checks_passed=int(row.checks_passed),
            checks_failed=int(row.checks_failed),
            inconsistent_reports=row.inconsistent_reports,
            pass_rate=row.pass_rate,
        )
        for n, row in enumerate(rows)
    ]


async def count_agencies(sessions: Sessions, filter: ReportFilter | None) -> int:
    """How many agencies have at least one report the filter keeps."""
    r = models.Report
    statement = select(func.count(func.distinct(r.agency_id))).select_from(_joined()).where(*report_conditions(filter))
    return (await fetch(sessions, statement))[0][0]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
