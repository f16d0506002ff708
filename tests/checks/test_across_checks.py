"""The identities between consecutive years: carried forward → carried over, rules in force."""

from __future__ import annotations

from collections.abc import Callable

from checks import check_pair
from checks.across import carried_forward, in_force
from checks.result import CheckResult
from loaders.canonical import Report

MakeReport = Callable[..., Report]


def at(results: list[CheckResult], code: str, location: str) -> CheckResult:
    [result] = [r for r in results if r.code == code and r.location == location]
    return result


def test_carried_forward_passes_when_next_year_carries_it_over(make_report: MakeReport) -> None:
    # Both years carry 1 over from natural persons and forward 1: consistent.
    results = carried_forward(make_report(2021), make_report(2022))
    assert [r.status for r in results] == ["passed"] * 7
    assert results[0].location == "row=carried_forward/carried_over column=natural_person"


def test_carried_forward_fails_with_both_years_named(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    previous.applications["carried_forward"]["total"] = 2
    failed = at(check_pair(previous, current), "X_CARRIED_FORWARD", "row=carried_forward/carried_over column=total")
    assert (failed.status, failed.expected, failed.actual) == ("failed", 2, 1)
    assert failed.message == "§3 总计 列：2021 年结转下年度 2，但 2022 年上年结转 1"


def test_carried_forward_is_not_checkable_over_an_empty_cell(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    current.applications["carried_over"]["other_org"] = None
    result = at(
        carried_forward(previous, current), "X_CARRIED_FORWARD", "row=carried_forward/carried_over column=other_org"
    )
    assert (result.status, result.expected, result.actual) == ("not_checkable", 0, None)


def test_carried_forward_spans_the_change_of_template(make_report: MakeReport) -> None:
    results = check_pair(make_report(2020, "2019"), make_report(2021, "2021"))
    assert [r.status for r in results if r.code == "X_CARRIED_FORWARD"] == ["passed"] * 7
    assert not [r for r in results if r.code == "X_IN_FORCE"]  # 2020 has no 现行有效件数


def test_in_force_passes_when_issued_and_repealed_explain_the_change(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    current.proactive["regulations"].update(issued=3, repealed=1, in_force=7)  # 5 + 3 − 1
    results = in_force(previous, current)
    assert [(r.location, r.status) for r in results] == [
        ("category=regulations metric=in_force", "passed"),
        ("category=normative_documents metric=in_force", "passed"),  # 7 + 0 − 0
    ]


def test_in_force_fails_when_documents_appear_from_nowhere(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    current.proactive["normative_documents"].update(issued=2, repealed=0, in_force=12)  # 7 + 2 − 0 = 9
    failed = at(in_force(previous, current), "X_IN_FORCE", "category=normative_documents metric=in_force")
    assert (failed.status, failed.expected, failed.actual) == ("failed", 9, 12)
    assert (
        failed.message == "§2 规范性文件：2021 年现行有效 7 + 2022 年制发 2 − 废止 0 = 9，但 2022 年现行有效件数 = 12"
    )


def test_in_force_is_not_checkable_without_last_years_figure(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    previous.proactive["regulations"]["in_force"] = None
    result = at(in_force(previous, current), "X_IN_FORCE", "category=regulations metric=in_force")
    assert (result.status, result.expected, result.actual) == ("not_checkable", None, 5)


def test_pair_of_non_consecutive_years_gives_nothing(make_report: MakeReport) -> None:
    assert check_pair(make_report(2021), make_report(2023)) == []
    assert check_pair(make_report(2022), make_report(2021)) == []  # order is the caller's job
