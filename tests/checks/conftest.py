"""Hand-made reports for the check tests: a small consistent report, altered cell by cell in each test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from loaders.canonical import APPLICATION_ROWS, PROACTIVE_METRICS, REVIEW_GROUPS, REVIEW_RESULTS, Report

MakeReport = Callable[..., Report]


def consistent_report(year: int = 2021, template: str = "2021") -> Report:
    """A report where every identity holds (figures worked out by hand below).

    §3: 自然人 new 3 + carried over 1 = granted 2 + not held 1 (outcome total 3) + carried forward 1;
    商业企业 new 1 = granted 1; every other cell 0; the total column adds the two.
    §4: review upheld 1, total 1; litigation all 0. §2: every value 0, in force 5 rules, 7 normative documents.
    """
    report = Report.blank("测试镇人民政府", year, template, overview="本年度共收到政府信息公开申请4件。")
    apps = report.applications
    for row in APPLICATION_ROWS[template]:
        apps[row] = dict.fromkeys(apps[row], 0)
    for col, new, over, granted, not_held, forward in (
        ("natural_person", 3, 1, 2, 1, 1),
        ("commercial_enterprise", 1, 0, 1, 0, 0),
        ("total", 4, 1, 3, 1, 1),
    ):
        apps["new_received"][col] = new
        apps["carried_over"][col] = over
        apps["granted"][col] = granted
        apps["unavailable_not_held"][col] = not_held
        apps["outcome_total"][col] = granted + not_held
        apps["carried_forward"][col] = forward
    for group in REVIEW_GROUPS:
        report.reviews[group] = dict.fromkeys(REVIEW_RESULTS, 0)
    report.reviews["review"]["upheld"] = 1
    report.reviews["review"]["total"] = 1
    for category, metrics in PROACTIVE_METRICS[template].items():
        report.proactive[category] = dict.fromkeys(metrics, 0)
    if template == "2021":
        report.proactive["regulations"]["in_force"] = 5
        report.proactive["normative_documents"]["in_force"] = 7
    return report


@pytest.fixture
def make_report() -> MakeReport:
    return consistent_report
