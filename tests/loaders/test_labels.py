"""Row and category labels to canonical keys, through wrapping and OCR damage."""

from __future__ import annotations

import pytest

from loaders.labels import match_category, match_row
from loaders.normalize import normalize_text


def row(own: list[str], before: list[str] = (), after: list[str] = (), template: str = "2021"):  # noqa: ANN201
    n = normalize_text
    return match_row([n(t) for t in own], [n(t) for t in before], [n(t) for t in after], template)


@pytest.mark.parametrize(
    ("own", "expected"),
    [
        (["、本年新收政府信息公开申请数量"], "new_received"),  # the 一 lost
        (["三、本年", "（一）予以公开"], "granted"),  # group cell fragment before the label
        (["2. 其他法律行政法规禁止 (三)不 公开 予公开"], "withheld_prohibited_by_law"),  # OCR-interleaved
        (["度 办 理 结 果", "不予 公开", "2.其他法律行政法规禁止公开"], "withheld_prohibited_by_law"),
        (["(七)总", "(七)总计"], "outcome_total"),
        (["四、结转", "四、结转下年度继续办理"], "carried_forward"),
        (["3. 其他"], "other"),
        (["一、本年新牧政府信息公开申清数量"], "new_received"),  # OCR typos: rapidfuzz
    ],
)
def test_damaged_labels(own: list[str], expected: str) -> None:
    assert row(own) == expected


def test_label_wrapped_onto_the_next_line() -> None:
    assert (
        row(["2.其他法"], before=["(三)1.属于国家秘密"], after=["律行政法规禁止公开"]) == "withheld_prohibited_by_law"
    )
    assert row(["3.危及“三"], after=["安全一稳定”"]) == "withheld_three_safeties"


def test_wrapped_tail_of_previous_row_is_not_the_label() -> None:
    before = ["机关不再处理其政府信息公开申请"]  # the tail of the 2.申请人逾期未按收费通知… row
    assert row(["3.其他"], before=before) == "other"
    assert row(
        [], before=["他处理", "不补正、行政机关不再处理其政府信息公开申请", "2. 申请人逾期未按收费通知要求缴纳费用"]
    ) == ("other_unpaid_fee")


def test_one_cell_per_line_labels() -> None:
    assert row([], before=["(三)不予公开", "1.属于国家秘密"]) == "withheld_state_secret"
    assert row([], before=["申请人情况", "其他", "总计", "一、本年新收政府信息公开申请数量"]) == "new_received"


def test_other_handling_row_per_template() -> None:
    assert row(["(六)其他处理"], template="2019") == "other"
    assert row(["(六)其他处理"], template="2021") is None  # a group label in 2021


def test_header_text_names_no_row() -> None:
    assert row(["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"]) is None


@pytest.mark.parametrize(
    ("cell", "template", "category"),
    [
        ("规章", "2021", "regulations"),
        ("行政规范性文件", "2021", "normative_documents"),
        ("规范性文件", "2019", "normative_documents"),
        ("行政處罰", "2021", "penalties"),
        ("其他对外管理服务事项", "2019", "other_services"),
        ("其他对外管理服务事项", "2021", None),
        ("本年收费金额", "2021", None),
        ("信息内容", "2021", None),
    ],
)
def test_categories(cell: str, template: str, category: str | None) -> None:
    assert match_category(normalize_text(cell), template) == category
