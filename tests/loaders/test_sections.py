"""Finding the six section headings, whatever their prefix or wording."""

from __future__ import annotations

import pytest

from loaders.normalize import normalize_text
from loaders.sections import find_sections, heading_number


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("一、总体情况", 1),
        ("### 一、总体情况", 1),
        ("二、 主动公开政府信息情况", 2),
        ("三、收到和处理政府信息公开申请情况", 3),
        ("四、政府信息公开行政复议、行政诉讼情况", 4),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", 4),
        ("五、存在的主要问题及改进情况", 5),
        ("#### 六、其他需要报告的事项", 6),
        ("主动公开政府信息情况", 2),  # the numeral lost by OCR
    ],
)
def test_variant_headings(line: str, number: int) -> None:
    assert heading_number(normalize_text(line)) == number


@pytest.mark.parametrize(
    "line",
    [
        "四、结转下年度继续办理",  # the §3 row label, not the §4 heading
        "一、本年新收政府信息公开申请数量",
        "（一）主动公开",  # a §1 sub-heading
        "二、主动公开政府信息情况，本年共公开信息一千余条，其中规范性文件十件，政策解读二十件，回应关切若干件。",
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    assert heading_number(normalize_text(line)) is None


def test_carried_forward_row_does_not_end_section_three() -> None:
    lines = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0",
        "四、结转下年度继续办理",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    sections = find_sections(lines)
    assert sections[3].heading == 2
    assert sections[3].end == 5
    assert sections[4].heading == 5


def test_text_before_and_after_is_outside_the_sections() -> None:
    lines = ["首页 > 政务公开 > 年度报告", "三、其他", "一、总体情况", "正文", "二、主动公开政府信息情况",
             "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
             "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "无", "扫一扫在手机打开当前页"]  # fmt: skip
    sections = find_sections(lines, start=1)
    assert sorted(sections) == [1, 2, 3, 4, 5, 6]
    assert sections[1].heading == 2
    assert sections[6].end == len(lines)


def test_a_later_numeral_does_not_skip_a_required_section() -> None:
    # §1's own "三、…申请情况" sub-heading must not be taken for §3 before §2 is found.
    lines = ["一、总体情况", "三、依申请公开情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    sections = find_sections(lines)
    assert (sections[2].heading, sections[3].heading) == (2, 3)
