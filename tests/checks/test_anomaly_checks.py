"""Anomalies: negative counts, absurdly large ones, and values that jump against the previous year."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from checks import check_pair, check_report
from checks.anomaly import IMPLAUSIBLE, implausible, negatives, year_jumps
from loaders.canonical import Report

MakeReport = Callable[..., Report]


def test_a_consistent_report_has_no_negatives(make_report: MakeReport) -> None:
    assert negatives(make_report()) == []


def test_negative_counts_are_warnings_wherever_they_are(make_report: MakeReport) -> None:
    report = make_report()
    report.applications["granted"]["natural_person"] = -2
    report.reviews["review"]["pending"] = -1
    report.proactive["fees"]["amount_10k_yuan"] = Decimal("-0.5")
    found = {r.location: r for r in negatives(report)}
    assert set(found) == {
        "row=granted column=natural_person",
        "group=review result=pending",
        "category=fees metric=amount_10k_yuan",
    }
    granted = found["row=granted column=natural_person"]
    assert (granted.code, granted.status, granted.severity, granted.actual) == ("A_NEGATIVE", "failed", "warning", -2)
    assert granted.message == "§3 （一）予以公开 行 自然人 列 为负数 -2"
    assert found["category=fees metric=amount_10k_yuan"].actual == Decimal("-0.5")


def test_the_2019_change_may_be_negative(make_report: MakeReport) -> None:
    report = make_report(2020, "2019")
    report.proactive["licensing"]["change"] = -3
    assert negatives(report) == []
    report.proactive["licensing"]["decisions"] = -3
    assert [r.location for r in negatives(report)] == ["category=licensing metric=decisions"]


def test_check_report_includes_negatives(make_report: MakeReport) -> None:
    report = make_report()
    report.reviews["litigation_direct"]["upheld"] = -1
    assert [r.location for r in check_report(report) if r.code == "A_NEGATIVE"] == [
        "group=litigation_direct result=upheld"
    ]


def test_a_count_no_agency_could_have_is_flagged_and_one_just_below_is_not(make_report: MakeReport) -> None:
    report = make_report()
    assert implausible(report) == []
    report.applications["new_received"]["total"] = 2_000_000_000  # two such reports sum past 2^31
    report.reviews["review"]["total"] = IMPLAUSIBLE  # at the bound: a large agency, not an absurd one
    found = [r for r in check_report(report) if r.code == "A_IMPLAUSIBLE"]
    assert [(r.location, r.status, r.severity, r.actual) for r in found] == [
        ("row=new_received column=total", "failed", "warning", 2_000_000_000)]
    assert "2000000000" in found[0].message and "1,000,000" in found[0].message


def test_year_jump_up_and_down(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    previous.applications["granted"]["natural_person"] = 2
    current.applications["granted"]["natural_person"] = 11  # 5.5×, and ≥ 10 this year
    previous.reviews["review"]["total"] = 50
    current.reviews["review"]["total"] = 9  # 0.18×
    found = {r.location: r for r in year_jumps(previous, current)}
    assert set(found) == {"row=granted column=natural_person", "group=review result=total"}
    up = found["row=granted column=natural_person"]
    assert (up.status, up.severity, up.expected, up.actual) == ("failed", "warning", 2, 11)
    assert up.message == "§3 （一）予以公开 行 自然人 列：2021 年 2，2022 年 11，超过上年的 5 倍"
    assert found["group=review result=total"].message.endswith("不足上年的 1/5")


def test_year_jump_from_zero_counts_when_large(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    current.applications["not_processed_repeat"]["other_org"] = 10
    assert [r.location for r in year_jumps(previous, current)] == ["row=not_processed_repeat column=other_org"]


def test_small_values_and_moderate_changes_are_not_jumps(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    previous.applications["granted"]["legal_service_org"] = 1
    current.applications["granted"]["legal_service_org"] = 9  # 9× but below 10 in both years
    previous.applications["granted"]["research_institution"] = 10
    current.applications["granted"]["research_institution"] = 50  # exactly 5×: not more than
    previous.applications["granted"]["public_interest_org"] = 10
    current.applications["granted"]["public_interest_org"] = 2  # exactly 0.2×: not below
    current.applications["granted"]["other_org"] = None  # empty: nothing to compare
    assert year_jumps(previous, current) == []


def test_check_pair_includes_year_jumps(make_report: MakeReport) -> None:
    previous, current = make_report(2021), make_report(2022)
    current.reviews["litigation_after_review"]["other"] = 30
    jumps = [r for r in check_pair(previous, current) if r.code == "A_YEAR_JUMP"]
    assert [r.location for r in jumps] == ["group=litigation_after_review result=other"]
