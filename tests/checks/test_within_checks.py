"""The identities inside one report: §3 column balance, row sums, outcome sums, §4 group sums."""

from __future__ import annotations

from collections.abc import Callable

from checks.result import CheckResult
from checks.within import column_balance, group_sums, outcome_sums, row_sums
from loaders.canonical import APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_GROUPS, Report

MakeReport = Callable[..., Report]


def at(results: list[CheckResult], location: str) -> CheckResult:
    [result] = [r for r in results if r.location == location]
    return result


def statuses(results: list[CheckResult]) -> set[str]:
    return {r.status for r in results}


def test_a_consistent_report_passes_every_table_identity(make_report: MakeReport) -> None:
    for template in ("2019", "2021"):
        report = make_report(2020 if template == "2019" else 2021, template)
        assert statuses(column_balance(report)) == {"passed"}
        assert statuses(row_sums(report)) == {"passed"}
        assert statuses(outcome_sums(report)) == {"passed"}
        assert statuses(group_sums(report)) == {"passed"}


def test_one_result_per_column_row_and_group(make_report: MakeReport) -> None:
    report = make_report()
    assert [r.location for r in column_balance(report)] == [f"column={c}" for c in APPLICANT_COLUMNS]
    assert [r.location for r in row_sums(report)] == [f"row={r}" for r in APPLICATION_ROWS["2021"]]
    assert len(row_sums(make_report(2020, "2019"))) == 23
    assert [r.location for r in outcome_sums(report)] == [f"column={c}" for c in APPLICANT_COLUMNS]
    assert [r.location for r in group_sums(report)] == [f"group={g}" for g in REVIEW_GROUPS]


def test_column_balance_fails_where_carried_forward_is_off(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["carried_forward"]["natural_person"] = 0  # 3 + 1 = 4, but 3 + 0 = 3
    results = column_balance(report)
    failed = at(results, "column=natural_person")
    assert (failed.status, failed.expected, failed.actual, failed.severity) == ("failed", 4, 3, "error")
    assert failed.message == "§3 自然人 列：本年新收 3 + 上年结转 1 = 4，但 （七）总计 3 + 结转下年度 0 = 3"
    assert [r.location for r in results if r.status != "passed"] == ["column=natural_person"]


def test_column_balance_is_not_checkable_over_an_empty_cell(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["carried_over"]["total"] = None
    result = at(column_balance(report), "column=total")
    assert (result.status, result.expected, result.actual) == ("not_checkable", None, 5)  # (七)总计 4 + 结转下年度 1
    assert "上年结转 空" in result.message


def test_row_sum_fails_where_the_total_column_is_off(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["granted"]["research_institution"] = 2  # columns now add to 5, total says 3
    failed = at(row_sums(report), "row=granted")
    assert (failed.status, failed.expected, failed.actual) == ("failed", 5, 3)
    assert failed.message.startswith("§3 （一）予以公开 行：自然人 2 + 商业企业 1 + 科研机构 2")
    assert failed.message.endswith("= 5，但 总计 = 3")
    assert [r.location for r in row_sums(report) if r.status == "failed"] == ["row=granted"]


def test_row_sum_is_not_checkable_when_the_total_is_empty(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["withheld_state_secret"]["total"] = None
    result = at(row_sums(report), "row=withheld_state_secret")
    assert (result.status, result.expected, result.actual) == ("not_checkable", 0, None)


def test_outcome_sum_fails_where_a_leaf_is_off(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["not_processed_repeat"]["commercial_enterprise"] = 2  # leaves 1 + 2 = 3, total 1
    failed = at(outcome_sums(report), "column=commercial_enterprise")
    assert (failed.status, failed.expected, failed.actual) == ("failed", 3, 1)
    assert failed.message == "§3 商业企业 列：办理结果 21 项之和 = 3，但 （七）总计 = 1"


def test_outcome_sum_of_2019_counts_its_single_other_row(make_report: MakeReport) -> None:
    report = make_report(2020, "2019")
    report.applications["other"]["natural_person"] = 1
    failed = at(outcome_sums(report), "column=natural_person")
    assert (failed.status, failed.expected, failed.actual) == ("failed", 4, 3)
    assert "办理结果 19 项之和" in failed.message


def test_outcome_sum_names_the_empty_leaf(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["withheld_three_safeties"]["natural_person"] = None
    result = at(outcome_sums(report), "column=natural_person")
    assert (result.status, result.expected, result.actual) == ("not_checkable", None, 3)
    assert "（三）不予公开 3.危及“三安全一稳定” 为空" in result.message


def test_group_sum_fails_where_the_total_is_off(make_report: MakeReport) -> None:
    report = make_report()
    report.reviews["litigation_direct"]["pending"] = 2  # 0 + 0 + 0 + 2 = 2, total 0
    failed = at(group_sums(report), "group=litigation_direct")
    assert (failed.status, failed.expected, failed.actual) == ("failed", 2, 0)
    assert failed.message == (
        "§4 行政诉讼·未经复议直接起诉：结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 2 = 2，但 总计 = 0"
    )


def test_group_sum_is_not_checkable_when_a_cell_is_empty(make_report: MakeReport) -> None:
    report = make_report()
    report.reviews["litigation_after_review"]["corrected"] = None
    assert at(group_sums(report), "group=litigation_after_review").status == "not_checkable"


def test_an_absent_row_is_not_checkable_rather_than_an_error(make_report: MakeReport) -> None:
    report = make_report()
    del report.applications["carried_forward"]
    assert statuses(column_balance(report)) == {"not_checkable"}
    assert at(row_sums(report), "row=carried_forward").status == "not_checkable"
