"""``AgencyRank``: one agency's figures over the reports a filter keeps, and its place in a ranking."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.types.agency import Agency


@strawberry.enum(description="What agencyRanking orders agencies by.")
class AgencyMeasure(Enum):
    APPLICATIONS = "applications"
    GRANT_RATE = "grant_rate"
    CHECKS_FAILED = "checks_failed"
    PASS_RATE = "pass_rate"
    REPORTS = "reports"


@strawberry.type(description="An agency's figures summed over the reports the filter keeps (null: every report "
                             "left the cells empty).")
class AgencyRank:
    rank: int = strawberry.field(description="1-based place in the ranking (ties are broken by agency id).")
    agency: Agency
    reports: int = strawberry.field(description="Reports the filter keeps.")
    applications: int | None = strawberry.field(description="§3 new applications received (new_received, total).")
    processed: int | None = strawberry.field(description="§3 applications processed (outcome_total, total).")
    granted: int | None = strawberry.field(description="§3 granted in full or in part (granted + partially_granted).")
    grant_rate: float | None = strawberry.field(description="granted / processed (null when nothing was processed).")
    checks_passed: int
    checks_failed: int
    inconsistent_reports: int = strawberry.field(description="Reports with at least one failed check.")
    pass_rate: float | None = strawberry.field(
        description="Data quality: checks passed / (passed + failed); null when no check was checkable."
    )
