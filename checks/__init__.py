"""Consistency checks: the identities a correct report satisfies, as pure functions over canonical reports."""

from .engine import check_pair, check_report
from .result import CHECK_CODES, CheckCode, CheckResult, CheckSeverity, Status, Summary, summarize

__all__ = [
    "CHECK_CODES",
    "CheckCode",
    "CheckResult",
    "CheckSeverity",
    "Status",
    "Summary",
    "check_pair",
    "check_report",
    "summarize",
]
