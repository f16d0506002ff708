"""Whole reports, hand-made and small, one per trouble seen in real documents.

``report()`` writes a 2021-template report in the tab-separated DOCX layout, all cells 0 unless told;
every expected value below is worked out by hand from the text the test writes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loaders import NotAReportError, parse_text
from loaders.canonical import APPLICANT_COLUMNS, ROW_LABELS_2021

ZEROS = "\t".join(["0"] * 7)
REVIEW_HEADER = (
    "行政复议\t\t\t\t\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉"
)


def report(
    rows: dict[str, str] | None = None,
    omit: tuple[str, ...] = (),
    proactive: dict[str, str] | None = None,
    reviews: str = "\t".join(["0"] * 15),
    title: str = "万源市官渡镇2021年政府信息公开工作年度报告",
    before: str = "",
    after: str = "",
    review_heading: str = "四、政府信息公开行政复议、行政诉讼情况",
) -> str:
    rows, proactive = rows or {}, proactive or {}
    cells = {"规章": "0\t0\t0", "行政规范性文件": "0\t0\t0", "行政许可": "0", "行政处罚": "0", "行政强制": "0",
             "行政事业性收费": "0"} | proactive  # fmt: skip
    section3 = "\n".join(
        f"{label}\t{rows.get(key, ZEROS)}" for key, label in ROW_LABELS_2021.items() if key not in omit
    )
    return f"""{before}
{title}

一、总体情况
2021年，我镇未收到政府信息公开申请。
二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t{cells["规章"]}
行政规范性文件\t{cells["行政规范性文件"]}
第二十条第（五）项
信息内容\t本年处理决定数量
行政许可\t{cells["行政许可"]}
第二十条第（六）项
信息内容\t本年处理决定数量
行政处罚\t{cells["行政处罚"]}
行政强制\t{cells["行政强制"]}
第二十条第（八）项
信息内容\t本年收费金额（单位：万元）
行政事业性收费\t{cells["行政事业性收费"]}
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况
\t自然人\t法人或其他组织\t\t\t\t\t总计
\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他
{section3}
{review_heading}
{REVIEW_HEADER}
{reviews}
五、存在的主要问题及改进情况
公开内容不够全面。
六、其他需要报告的事项
无
{after}"""


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


def codes(parsed) -> set[str]:  # noqa: ANN001
    return {i.code for i in parsed.issues}


def test_clean_report_reads_exactly() -> None:
    parsed = parse_text(report())
    assert (parsed.agency_name, parsed.region_hint, parsed.year, parsed.template) == ("官渡镇", "万源市", 2021, "2021")
    assert all(v == 0 for cols in parsed.applications.values() for v in cols.values())
    assert all(v == 0 for cols in parsed.reviews.values() for v in cols.values())
    assert parsed.proactive["fees"]["amount_10k_yuan"] == Decimal("0")
    assert parsed.provenance == {}
    assert parsed.overview == "2021年,我镇未收到政府信息公开申请。"  # §1 in normal form (ASCII punctuation)


def test_full_width_digits_in_cells() -> None:
    parsed = parse_text(report({"new_received": "１\t０\t０\t０\t０\t２\t３"}, proactive={"行政许可": "４０"}))
    assert parsed.applications["new_received"]["natural_person"] == 1
    assert parsed.applications["new_received"]["total"] == 3
    assert parsed.proactive["licensing"]["decisions"] == 40


def test_thousands_separators_and_spaces_inside_numbers() -> None:
    parsed = parse_text(report({"new_received": "1 234\t0\t0\t0\t0\t0\t1,234"}))
    assert parsed.applications["new_received"]["natural_person"] == 1234
    assert parsed.applications["new_received"]["total"] == 1234
    assert parsed.provenance == {}


@pytest.mark.parametrize("dash", ["—", "-", "/", "／", "无"])
def test_dash_cells_are_null_with_an_info_issue(dash: str) -> None:
    text = report({"carried_over": f"0\t{dash}\t0\t0\t0\t0\t0"}, proactive={"规章": f"{dash}\t0\t0"})
    parsed = parse_text(text)
    assert parsed.applications["carried_over"]["commercial_enterprise"] is None
    assert parsed.applications["carried_over"]["natural_person"] == 0
    assert parsed.provenance["applications.carried_over.commercial_enterprise"] == "missing"
    assert parsed.proactive["regulations"]["issued"] is None
    assert parsed.provenance["proactive.regulations.issued"] == "missing"
    dash_lines = {i.line for i in parsed.issues if i.code == "DASH_AS_NULL" and i.severity == "info"}
    assert {line_of(text, "二、上年结转"), line_of(text, "规章\t")} <= dash_lines


def test_decimal_fee_amount_keeps_its_digits() -> None:
    parsed = parse_text(report(proactive={"行政事业性收费": "12.50"}))
    assert parsed.to_json()["proactive"]["fees"]["amount_10k_yuan"] == "12.50"


def test_empty_section_four_cells_are_null_not_zero() -> None:
    parsed = parse_text(report(reviews="\t\t\t\t\t" + "\t".join(["0"] * 10)))
    assert set(parsed.reviews["review"].values()) == {None}
    assert parsed.provenance["reviews.review.upheld"] == "missing"
    assert parsed.reviews["litigation_direct"]["upheld"] == 0
    assert "reviews.litigation_direct.upheld" not in parsed.provenance


def test_row_with_six_numbers_resolved_uniquely_is_inferred() -> None:
    # new_received 1 2 0 0 0 0 3, and granted the same but with its total lost: only total = 3 fits.
    rows = {
        "new_received": "1\t2\t0\t0\t0\t0\t3",
        "granted": "1\t2\t0\t0\t0\t0",
        "outcome_total": "1\t2\t0\t0\t0\t0\t3",
    }
    text = report(rows)
    parsed = parse_text(text)
    assert list(parsed.applications["granted"].values()) == [1, 2, 0, 0, 0, 0, 3]
    assert all(parsed.provenance[f"applications.granted.{c}"] == "inferred" for c in APPLICANT_COLUMNS)
    issue = next(i for i in parsed.issues if i.code == "ROW_CELLS_INFERRED")
    assert issue.line == line_of(text, "（一）予以公开")
    assert "予以公开" in issue.message


def test_row_with_six_numbers_not_resolvable_is_null_never_wrong() -> None:
    # 1 0 0 0 0 1 fits three ways alone (0 1 …, 1 0 …, or the total lost); granted and partially granted both
    # read so, and the outcome rows must add up to 1 1 0 0 0 0 2: either row may hold either 1. No guess.
    rows = {"new_received": "1\t1\t0\t0\t0\t0\t2", "granted": "1\t0\t0\t0\t0\t1",
            "partially_granted": "1\t0\t0\t0\t0\t1", "outcome_total": "1\t1\t0\t0\t0\t0\t2"}  # fmt: skip
    text = report(rows)
    parsed = parse_text(text)
    for row in ("granted", "partially_granted"):
        assert set(parsed.applications[row].values()) == {None}
        assert all(parsed.provenance[f"applications.{row}.{c}"] == "missing" for c in APPLICANT_COLUMNS)
    issue = next(i for i in parsed.issues if i.code == "ROW_UNRESOLVED" and "部分公开" in i.message)
    assert issue.line == line_of(text, "（二）部分公开")


def test_row_with_six_numbers_placed_by_the_column_identity() -> None:
    # 1 1 0 0 0 2 alone fits four ways, but the outcome rows must add up to the outcome total, and every
    # other outcome row is known: partially granted = 1 1 0 0 0 0 2, one of its four readings.
    rows = {"new_received": "1\t1\t0\t0\t0\t0\t2", "partially_granted": "1\t1\t0\t0\t0\t2",
            "outcome_total": "1\t1\t0\t0\t0\t0\t2"}  # fmt: skip
    parsed = parse_text(report(rows))
    assert list(parsed.applications["partially_granted"].values()) == [1, 1, 0, 0, 0, 0, 2]
    assert parsed.provenance["applications.partially_granted.total"] == "inferred"


def test_total_row_with_lost_cells_recovered_from_column_identities() -> None:
    # As in seed 004: （七）总计 shows only four numbers; the leaves (all known) give the row.
    rows = {"new_received": "0\t0\t0\t0\t0\t5\t5", "granted": "0\t0\t0\t0\t0\t5\t5", "outcome_total": "0\t0\t5\t5"}
    parsed = parse_text(report(rows))
    assert list(parsed.applications["outcome_total"].values()) == [0, 0, 0, 0, 0, 5, 5]
    assert parsed.provenance["applications.outcome_total.total"] == "inferred"


def test_absent_row_is_null_with_an_issue() -> None:
    parsed = parse_text(report(omit=("not_processed_repeat",)))
    assert set(parsed.applications["not_processed_repeat"].values()) == {None}
    assert parsed.provenance["applications.not_processed_repeat.total"] == "missing"
    assert any(i.code == "ROW_MISSING" and "重复申请" in i.message for i in parsed.issues)


def test_year_typo_text_before_title_and_after_section_six() -> None:
    before = "首页 > 信息公开 > 年度报告\n浏览次数：1234\n"
    after = "扫一扫在手机打开当前页\n0\t0\t0\n【打印】【关闭】\n2022年1月20日"
    parsed = parse_text(report(before=before, after=after).replace("2021年，我镇", "20201年，我镇"))
    assert parsed.year == 2021
    assert parsed.provenance == {}
    assert all(v == 0 for cols in parsed.reviews.values() for v in cols.values())
    assert parsed.published_at == date(2022, 1, 20)


def test_variant_section_four_heading_with_markdown_prefix() -> None:
    parsed = parse_text(report(review_heading="## 四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"))
    assert parsed.reviews["litigation_after_review"]["total"] == 0
    assert parsed.provenance == {}


def test_carried_forward_row_is_not_the_section_four_heading() -> None:
    parsed = parse_text(report({"carried_forward": "0\t0\t0\t0\t0\t1\t1", "new_received": "0\t0\t0\t0\t0\t1\t1"}))
    assert parsed.applications["carried_forward"]["total"] == 1
    assert parsed.reviews["review"]["upheld"] == 0


def test_year_and_table_shape_disagree() -> None:
    parsed = parse_text(report(title="官渡镇2020年政府信息公开工作年度报告"))
    assert parsed.template == "2021"  # the tables have the 2021 shape
    assert "TEMPLATE_MISMATCH" in codes(parsed)


def test_2019_template_negative_change_and_procurement_amount() -> None:
    text = """横河镇人民政府2020年政府信息公开工作年度报告
一、总体情况
二、主动公开政府信息情况
第二十条第(五)项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t12\t-3\t40
其他对外管理服务事项\t5\t－2\t7
第二十条第(九)项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t2\t1,679.50
三、收到和处理政府信息公开申请情况
(六)其他处理\t0\t0\t0\t0\t0\t0\t0
四、政府信息公开行政复议、行政诉讼情况
""" + "\t".join(["0"] * 15)
    parsed = parse_text(text)
    assert parsed.template == "2019"
    assert parsed.proactive["licensing"] == {"previous_items": 12, "change": -3, "decisions": 40}
    assert parsed.proactive["other_services"]["change"] == -2
    assert parsed.to_json()["proactive"]["procurement"] == {"items": 2, "amount": "1679.50"}
    assert parsed.applications["other"]["total"] == 0


def test_not_a_report_raises() -> None:
    with pytest.raises(NotAReportError, match="none of its three tables"):
        parse_text("关于印发2021年政务公开工作要点的通知\n各乡镇人民政府：\n现将要点印发给你们。")


def test_report_without_its_tables_raises() -> None:
    with pytest.raises(NotAReportError, match="none of its three tables"):
        parse_text("官渡镇2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n正文")
