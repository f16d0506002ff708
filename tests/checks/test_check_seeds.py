"""The checks over the five real seed reports, as their hand-checked expected JSON reads them.

The §1 narrative is cut from the fixture text between the 一、总体情况 and 二、主动公开 headings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks import check_report, summarize
from loaders.canonical import Report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def seed(stem: str) -> Report:
    report = Report.from_json(json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8")))
    text = (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")
    report.overview = text[text.index("一、总体情况") : text.index("二、主动公开")]
    return report


def test_seed_000_empty_review_cells_make_its_group_sum_not_checkable() -> None:
    # §4 行政复议 five cells are blank in the document (L90 starts with five tabs); litigation is 0s.
    results = check_report(seed("000_cad348b87ea66ad4"))
    not_passed = [(r.code, r.status, r.location) for r in results if r.status != "passed"]
    assert not_passed == [("S4_GROUP_SUM", "not_checkable", "group=review")]
    # L15 "未收到依申请公开的相关信息" against a §3 of zeros.
    [narrative] = [r for r in results if r.code == "N_APPLICATIONS_RECEIVED"]
    assert (narrative.status, narrative.expected, narrative.actual) == ("passed", 0, 0)
    assert summarize(results).ok


@pytest.mark.parametrize(
    "stem",
    [
        "001_5e00b241830afff7",  # 2019 template; "共接到依申请公开办件0件"
        "002_71dda72a60a90a45",  # "未收到政府信息公开申请"
        "003_f873e43823df0c69",  # "没有收到任何形式的依申请公开政府信息申请件"
    ],
)
def test_seeds_with_all_zero_tables_pass_everything(stem: str) -> None:
    results = check_report(seed(stem))
    assert {r.status for r in results} == {"passed"}
    assert any(r.code == "N_APPLICATIONS_RECEIVED" and r.actual == 0 for r in results)


def test_seed_004_narrative_states_no_application_figure() -> None:
    results = check_report(seed("004_83d6bcfc80752c3f"))
    assert [(r.code, r.status) for r in results if r.status != "passed"] == [
        ("N_APPLICATIONS_RECEIVED", "not_checkable")
    ]
