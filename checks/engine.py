"""Run the checks: everything one report can say about itself, and what two consecutive years can."""

from __future__ import annotations

from loaders.canonical import Report

from .across import carried_forward, in_force
from .anomaly import implausible, negatives, year_jumps
from .narrative import applications_received
from .result import CheckResult
from .within import column_balance, group_sums, outcome_sums, row_sums


def check_report(report: Report) -> list[CheckResult]:
    """The checks over one report: §3 and §4 identities, the §1 narrative, negative and implausible values."""
    return [
        *column_balance(report),
        *row_sums(report),
        *outcome_sums(report),
        *group_sums(report),
        applications_received(report),
        *negatives(report),
        *implausible(report),
    ]


def check_pair(previous: Report, current: Report) -> list[CheckResult]:
    """The checks between one agency's reports of consecutive years (empty unless ``previous`` is the year before).

    Matching the agency, and passing the years in order, is the caller's job.
    """
    if previous.year is None or current.year is None or previous.year != current.year - 1:
        return []
    return [*carried_forward(previous, current), *in_force(previous, current), *year_jumps(previous, current)]
