"""``Consistency``: how a report fares against the identities, its checks, parse issues and provenance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy import Row
from strawberry.types import Info

from api.context import Context
from api.types.enums import CheckSeverity, CheckStatus, IssueSeverity, ParseIssueCode
from checks import CHECK_CODES


def _decimal(value: int | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@strawberry.type(description="One consistency check of a report at one location.")
class Check:
    code: str = strawberry.field(description="e.g. S3_COLUMN_BALANCE; see `description`.")
    status: CheckStatus
    severity: CheckSeverity
    location: str
    expected: Decimal | None
    actual: Decimal | None
    message: str
    cross_year: bool = strawberry.field(description="Compares with the same agency's previous report.")

    @classmethod
    def from_json(cls, item: dict[str, Any], cross_year: bool) -> Check:
        """One element of ``report.checks`` / ``report.cross_checks``: numbers or exact decimal strings; a passed
        check is stored without severity and message, which are then the check code's own."""
        known = CHECK_CODES.get(item["code"])
        return cls(
            code=item["code"],
            status=CheckStatus(item["status"]),
            severity=CheckSeverity(item.get("severity") or (known.severity if known else "error")),
            location=item["location"],
            expected=_decimal(item.get("expected")),
            actual=_decimal(item.get("actual")),
            message=item.get("message") or (known.en if known else ""),
            cross_year=cross_year,
        )

    @strawberry.field(description="What the check verifies, in English.")
    def description(self) -> str | None:
        known = CHECK_CODES.get(self.code)
        return known.en if known else None


@strawberry.type(description="Consistency of one report: counts kept on the report, checks loaded on demand.")
class Consistency:
    passed: int
    failed: int
    not_checkable: int
    warnings: int
    report_id: strawberry.Private[int]

    @strawberry.field(description="True when no check failed.")
    def ok(self) -> bool:
        return self.failed == 0

    @strawberry.field(description="The checks, optionally only those of a status or a code.")
    async def checks(
        self, info: Info[Context, None], status: CheckStatus | None = None, code: str | None = None
    ) -> list[Check]:
        row = await info.context.loaders.checks.load(self.report_id)
        if row is None:
            return []
        found = [Check.from_json(item, False) for item in row.checks or ()]
        found += [Check.from_json(item, True) for item in row.cross_checks or ()]
        return [c for c in found if (status is None or c.status == status) and (code is None or c.code == code)]


@strawberry.type(description="A problem the parser found, with its 1-based line in the source text.")
class ParseIssue:
    code: ParseIssueCode
    severity: IssueSeverity
    line: int | None
    message: str


@strawberry.type(description="A value not read directly from a cell: inferred through an identity, or missing.")
class ValueProvenance:
    path: str = strawberry.field(description="Dotted canonical path, e.g. applications.new_received.total.")
    provenance: str = strawberry.field(description="inferred, missing, or ocr (recognised on a page image).")


@strawberry.type(description="Data quality of an agency's reports, summed over its years.")
class DataQuality:
    reports: int
    inconsistent_reports: int
    checks_passed: int
    checks_failed: int
    checks_not_checkable: int
    warnings: int
    issues: int
    missing_values: int
    inferred_values: int

    @classmethod
    def from_row(cls, row: Row[Any] | None) -> DataQuality:
        names = cls.__annotations__
        if row is None:
            return cls(**dict.fromkeys(names, 0))
        return cls(**{name: int(getattr(row, name)) for name in names})

    @strawberry.field(description="Share of checkable checks that passed (null when none was checkable).")
    def pass_rate(self) -> float | None:
        checked = self.checks_passed + self.checks_failed
        return self.checks_passed / checked if checked else None


@strawberry.type(description="A check code that failed in some of the reports a filter keeps.")
class FailedCheck:
    code: str
    severity: CheckSeverity
    reports: int = strawberry.field(description="Reports where the check failed at least once.")
    failures: int = strawberry.field(description="Failed results (a report may fail a check at several places).")

    @strawberry.field(description="What the check verifies, in English.")
    def description(self) -> str | None:
        known = CHECK_CODES.get(self.code)
        return known.en if known else None

    @strawberry.field(description="What the check verifies, in Chinese.")
    def description_zh(self) -> str | None:
        known = CHECK_CODES.get(self.code)
        return known.zh if known else None
