"""check_report / check_pair as a whole, the summary, and the code catalogue."""

from __future__ import annotations

from collections.abc import Callable

from checks import CHECK_CODES, CheckResult, check_pair, check_report, summarize
from loaders.canonical import Report

MakeReport = Callable[..., Report]


def test_check_report_runs_the_single_report_checks(make_report: MakeReport) -> None:
    results = check_report(make_report())
    counts: dict[str, int] = {}
    for r in results:
        counts[r.code] = counts.get(r.code, 0) + 1
    # 7 columns, 25 rows (2021), 7 columns, 3 groups, one narrative; no negatives.
    assert counts == {
        "S3_COLUMN_BALANCE": 7,
        "S3_ROW_SUM": 25,
        "S3_OUTCOME_SUM": 7,
        "S4_GROUP_SUM": 3,
        "N_APPLICATIONS_RECEIVED": 1,
    }
    assert summarize(results).ok


def test_check_pair_runs_the_cross_year_checks(make_report: MakeReport) -> None:
    codes = [r.code for r in check_pair(make_report(2021), make_report(2022))]
    assert codes == ["X_CARRIED_FORWARD"] * 7 + ["X_IN_FORCE"] * 2


def test_every_code_produced_is_catalogued(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    current.applications["granted"]["total"] = 30  # from 3: a jump
    current.reviews["review"]["other"] = -1
    current.reviews["litigation_direct"]["total"] = 2_000_000_000  # implausible
    codes = {r.code for r in [*check_report(current), *check_pair(previous, current)]}
    assert codes == set(CHECK_CODES)
    assert CHECK_CODES["A_YEAR_JUMP"].severity == "warning"
    assert CHECK_CODES["S3_ROW_SUM"].zh.startswith("§3")


def result(status: str, severity: str = "error") -> CheckResult:
    return CheckResult("X", status, "column=total", 1, 2, "", severity)  # type: ignore[arg-type]


def test_summary_is_ok_with_warnings_and_not_checkables_but_not_with_an_error() -> None:
    summary = summarize([result("passed"), result("not_checkable"), result("failed", "warning")])
    assert summary.ok
    assert (summary.total, summary.passed, summary.failed, summary.not_checkable) == (3, 1, 1, 1)
    assert (summary.errors, summary.warnings) == (0, 1)
    failing = summarize([result("passed"), result("failed")])
    assert not failing.ok
    assert (failing.failed, failing.errors) == (1, 1)


def test_summary_of_nothing_is_ok() -> None:
    assert summarize([]).ok
