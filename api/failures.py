"""``failedChecks``: the check codes that failed in the reports a filter keeps, most reports first."""

from __future__ import annotations

from sqlalchemy import func, select

from api.dataloaders import Sessions, fetch
from api.filters import ReportFilter, report_conditions
from api.types.consistency import FailedCheck
from api.types.enums import CheckSeverity
from checks import CHECK_CODES
from db import models


async def count_failed_checks(sessions: Sessions, filter: ReportFilter | None) -> list[FailedCheck]:
    """Per check code: the reports that failed it and the failed results, from ``check_result``."""
    r, a = models.Report, models.Agency
    # An alias: the filter's failedCheck names check_result in a subquery of its own.
    c = models.CheckResult.__table__.alias("failed")
    reports = func.count(func.distinct(c.c.report_id))
    statement = (
        select(c.c.code, reports.label("reports"), func.count().label("failures"))
        .select_from(r.__table__.join(a.__table__, a.id == r.agency_id).join(c, c.c.report_id == r.id))
        .where(c.c.status == "failed", *report_conditions(filter))
        .group_by(c.c.code)
        .order_by(reports.desc(), c.c.code)
    )
    return [
        FailedCheck(
            code=row.code,
            severity=CheckSeverity(CHECK_CODES[row.code].severity if row.code in CHECK_CODES else "error"),
            reports=row.reports,
            failures=row.failures,
        )
        for row in await fetch(sessions, statement)
    ]
