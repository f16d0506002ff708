"""Whole reports in the shapes real texts arrive in, each written out here and read back by hand.

Each test writes one layout of the same small 2021-template report (values below) and checks every value
it shows, and what happens to the cells the layout leaves unclear.
"""

from __future__ import annotations

import pytest

from loaders import parse_text
from loaders.canonical import APPLICANT_COLUMNS, ROW_LABELS_2021

# The report: §3 rows not listed are all zeros.
ROWS = {
    "new_received": (12, 1, 0, 0, 0, 0, 13),
    "granted": (5, 1, 0, 0, 0, 0, 6),
    "partially_granted": (3, 0, 0, 0, 0, 0, 3),
    "unavailable_not_held": (4, 0, 0, 0, 0, 0, 4),
    "outcome_total": (12, 1, 0, 0, 0, 0, 13),
}
REVIEWS = (1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
TITLE = "万源市官渡镇2021年政府信息公开工作年度报告"


def row(key: str) -> tuple[int, ...]:
    return ROWS.get(key, (0,) * 7)


def label(key: str) -> str:
    return ROW_LABELS_2021[key].replace(" ", "")


def check(parsed, rows=tuple(ROW_LABELS_2021), reviews: bool = True) -> None:  # noqa: ANN001
    for key in rows:
        assert tuple(parsed.applications[key][c] for c in APPLICANT_COLUMNS) == row(key), key
    if reviews:
        assert tuple(v for g in parsed.reviews.values() for v in g.values()) == REVIEWS


def test_converter_markdown_one_table_per_row_labels_apart_and_stacked() -> None:
    lines = [f"# {TITLE}", "## 二、主动公开政府信息情况", "| 信息内容 | 本年处理决定数量 |", "|---|---|",
             "| 行政许可 | 7 |", "## 三、收到和处理政府信息公开申请情况",
             "| 申请人情况 | | | | | | | |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    keys = list(ROW_LABELS_2021)
    for k, key in enumerate(keys):
        values = " | ".join(map(str, row(key)))
        if key in ("withheld_state_secret", "withheld_prohibited_by_law", "withheld_three_safeties"):
            continue
        if k % 3 == 0:  # one pipe table per row
            lines += ["", f"| {label(key)} | {values} |", ""]
        elif k % 3 == 1:  # the label floating outside the table, the values in it
            lines += [label(key), f"| {values} |"]
        else:  # label row, then value row
            lines += [f"| {label(key)} |", f"| {values} |"]
    # Three label rows, then their three value rows.
    lines += ["| 1.属于国家秘密 |", "| 2.其他法律行政法规禁止公开 |", "| 3.危及“三安全一稳定” |"]
    lines += ["| 0 | 0 | 0 | 0 | 0 | 0 | 0 |"] * 3
    lines += ["## 四、政府信息公开行政复议、行政诉讼情况", "| " + " | ".join(map(str, REVIEWS)) + " |"]
    parsed = parse_text("\n".join(lines))
    check(parsed)
    assert parsed.proactive["licensing"]["decisions"] == 7
    assert any(i.code == "ROWS_STACKED" for i in parsed.issues)


def test_one_line_page_with_glued_cells() -> None:
    glued = "".join(label(key) + "".join(map(str, row(key))) for key in ROW_LABELS_2021)
    text = (
        f"标题: {TITLE}\n发布时间: 2022-01-10\n原文链接: https://www.example.gov.cn/a.html\n==== 正文 ====\n"
        f"{TITLE} 根据…一、总体情况2021年,我镇…二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数"
        f"现行有效件数规章000行政规范性文件000第二十条第(五)项信息内容本年处理决定数量行政许可7三、收到和处理政府信息公开申请"
        f"情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他{glued}四、政府信息公开行政复议、"
        f"行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计{''.join(map(str, REVIEWS))} 五、存在的主要问题及改进"
        "情况…六、其他需要报告的事项 无"
    )
    parsed = parse_text(text)
    check(parsed)
    assert parsed.source_url == "https://www.example.gov.cn/a.html"
    assert parsed.provenance["applications.new_received.total"] == "inferred"
    assert parsed.proactive["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}


@pytest.mark.parametrize("empty", ["|", ""])
def test_one_cell_per_line_with_empty_cells_left_null(empty: str) -> None:
    # An empty cell is a bare ``|`` line (or, one cell per paragraph, an empty paragraph): null, never 0.
    sep = "\n" if empty == "|" else "\n\n"
    cell = (lambda v: f"{v} |") if empty == "|" else str
    blank = empty if empty == "|" else ""
    lines = [TITLE, "三、收到和处理政府信息公开申请情况"]
    for key in ROW_LABELS_2021:
        lines.append(cell(label(key)))
        for column, value in zip(APPLICANT_COLUMNS, row(key), strict=True):
            lines.append(blank if key == "granted" and column == "commercial_enterprise" else cell(value))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", *(cell(v) for v in REVIEWS)]
    parsed = parse_text(sep.join(lines))
    assert parsed.applications["granted"]["commercial_enterprise"] is None
    assert parsed.provenance["applications.granted.commercial_enterprise"] == "missing"
    assert parsed.applications["granted"]["total"] == 6
    check(parsed, [k for k in ROW_LABELS_2021 if k != "granted"])


def test_an_excerpt_cut_inside_section_three() -> None:
    keys = list(ROW_LABELS_2021)[:6]
    text = "\n".join(["三、收到和处理政府信息公开申请情况"] + [f"{label(k)}\t" + "\t".join(map(str, row(k))) for k in keys])
    parsed = parse_text("本报告所列数据的统计期限为2021年1月1日至2021年12月31日。\n" + text + "\n4.保护第三方合法权益\t0\t0")
    check(parsed, keys, reviews=False)
    assert set(parsed.reviews["review"].values()) == {None}
    assert parsed.year == 2021 and parsed.year_source == "body"
    assert parsed.agency_name is None
    assert set(parsed.applications["outcome_total"].values()) == {None}
    codes = {i.code for i in parsed.issues}
    assert {"TABLE_CUT_OFF", "YEAR_FROM_BODY", "AGENCY_MISSING", "ROW_UNRESOLVED"} <= codes
