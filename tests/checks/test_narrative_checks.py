"""The §1 narrative's count of applications received, against §3 new applications (total)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.narrative import applications_claimed, applications_received
from loaders.canonical import Report

MakeReport = Callable[..., Report]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("2021年，我镇共收到政府信息公开申请4件，均已按时答复。", [4]),
        ("本年度受理依申请公开申请十二件。", [12]),
        ("全年收到群众提交的政府信息公开申请一百零五件", [105]),
        ("共收到依申请公开三件。", [3]),
        ("2020年,我共接到依申请公开办件0件。", [0]),  # seed 001
        ("收到政府信息公开申请１２件", [12]),  # full-width digits
        ("共受理政府信息公开申请 1,234 件", [1234]),
        ("2022年未收到政府信息公开申请。", [0]),  # seed 002
        ("20201年，我镇未收到依申请公开的相关信息。", [0]),  # seed 000, year typo and all
        ("本年度红椿镇没有收到任何形式的依申请公开政府信息申请件。", [0]),  # seed 003
    ],
)
def test_statements_of_applications_received_are_read(text: str, counts: list[int]) -> None:
    assert [c.count for c in applications_claimed(text)] == counts


@pytest.mark.parametrize(
    "text",
    [
        "截止2021年12月31日，在万源市政府门户网站累计主动公开政府信息317条，其中宣传信息105条。",  # seed 000
        "本年度累计主动公开政府政策文件2件，公开信息96条。",  # seed 002
        "2021年共收到行政复议申请2件。",  # review, not disclosure
        "未收到行政复议申请。",
        "收到申请后，在15个工作日内予以答复。",
        "受理依申请公开政府信息工作,按时、按要求回复申请人。",  # seed 001, no figure
        "回答网民意见200余条。",
    ],
)
def test_unrelated_numbers_are_ignored(text: str) -> None:
    assert applications_claimed(text) == []


def test_narrative_agreeing_with_the_table_passes(make_report: MakeReport) -> None:
    result = applications_received(make_report())  # says 4; the table's new total is 4
    assert (result.code, result.location) == ("N_APPLICATIONS_RECEIVED", "row=new_received column=total")
    assert (result.status, result.expected, result.actual) == ("passed", 4, 4)


def test_narrative_disagreeing_with_the_table_fails(make_report: MakeReport) -> None:
    report = make_report()
    report.overview = "2021年，共收到政府信息公开申请五件。"
    result = applications_received(report)
    assert (result.status, result.expected, result.actual, result.severity) == ("failed", 4, 5, "error")
    assert result.message == "§1 总体情况「收到政府信息公开申请五件」（5 件），但 §3 本年新收 总计 = 4"


def test_no_application_received_agrees_only_with_a_zero_row(make_report: MakeReport) -> None:
    report = make_report()
    report.overview = "本年度未收到政府信息公开申请。"
    assert applications_received(report).status == "failed"  # the table has 4
    for col in report.applications["new_received"]:
        report.applications["new_received"][col] = 0
    result = applications_received(report)
    assert (result.status, result.expected, result.actual) == ("passed", 0, 0)


def test_no_statement_is_not_checkable(make_report: MakeReport) -> None:
    report = make_report()
    report.overview = "2021年，我镇主动公开政府信息317条。"
    result = applications_received(report)
    assert (result.status, result.expected, result.actual) == ("not_checkable", 4, None)


def test_two_different_figures_are_ambiguous(make_report: MakeReport) -> None:
    report = make_report()
    report.overview = "共收到政府信息公开申请4件。2020年收到政府信息公开申请6件。"
    result = applications_received(report)
    assert result.status == "not_checkable"
    assert "不一" in result.message


def test_the_same_figure_twice_is_not_ambiguous(make_report: MakeReport) -> None:
    report = make_report()
    report.overview = "共收到政府信息公开申请4件。受理申请四件，均已办结。"
    assert applications_received(report).status == "passed"


def test_an_empty_table_total_is_not_checkable(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["new_received"]["total"] = None
    result = applications_received(report)
    assert (result.status, result.expected, result.actual) == ("not_checkable", None, 4)
