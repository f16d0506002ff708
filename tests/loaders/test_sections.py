"""Finding the six section headings, whatever their prefix or wording."""

from __future__ import annotations

import pytest

from loaders.normalize import normalize_text
from loaders.sections import find_sections, heading_number, region


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


def sections_of(lines: list[str], start: int = 0) -> dict[int, tuple[int, int]]:
    """Section → (heading line, first line after the section), 0-based, for texts given as lines."""
    text = "\n".join(lines)
    begin = sum(len(line) + 1 for line in lines[:start])
    line_of = lambda offset: text.count("\n", 0, offset)  # noqa: E731
    return {n: (line_of(s.start), line_of(s.end - 1) + 1) for n, s in find_sections(text, begin).items()}


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
    sections = sections_of(lines)
    assert sections[3] == (2, 5)
    assert sections[4][0] == 5


def test_text_before_and_after_is_outside_the_sections() -> None:
    lines = ["首页 > 政务公开 > 年度报告", "三、其他", "一、总体情况", "正文", "二、主动公开政府信息情况",
             "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
             "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "无", "扫一扫在手机打开当前页"]  # fmt: skip
    sections = sections_of(lines, start=1)
    assert sorted(sections) == [1, 2, 3, 4, 5, 6]
    assert sections[1][0] == 2
    assert sections[6][1] == len(lines)


def test_a_later_numeral_does_not_skip_a_required_section() -> None:
    # §1's own "三、…申请情况" sub-heading must not be taken for §3 before §2 is found.
    lines = ["一、总体情况", "三、依申请公开情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    sections = sections_of(lines)
    assert (sections[2][0], sections[3][0]) == (2, 3)


def test_headings_inside_one_line() -> None:
    # A crawled page: the whole report on one line, each heading glued to the text around it.
    text = (
        "报告如下。一、总体情况2019年,我区认真贯彻…(二)主要做法二、主动公开政府信息情况 第二十条规章000"
        "三、收到和处理政府信息公开申请情况(本列数据…)四、结转下年度继续办理 0 0 00 00 0 "
        "四、政府信息公开行政复议、行政诉讼情况行政复议…总计000000000000000 五、存在的主要问题及改进情况2019年,"
        "…不足。六、其他需要报告的事项 无"
    )
    sections = find_sections(text)
    assert sorted(sections) == [1, 2, 3, 4, 5, 6]
    assert text[sections[2].body :].startswith(" 第二十条规章000")
    assert text[sections[3].body : sections[3].end].endswith("0 0 00 00 0 ")
    assert text[sections[4].start :].startswith("四、政府信息公开行政复议")
    assert text[sections[1].start : sections[1].body] == "一、总体情况"


def test_an_excerpt_starting_inside_section_three() -> None:
    lines = ["Page 9", "四、结转下年度继续办理 0 0 0 0 0 0 0", "四、政府信息公开行政复议、行政诉讼情况", "0 0 0",
             "五、存在的主要问题及改进情况"]  # fmt: skip
    text = "\n".join(lines)
    sections = find_sections(text)
    assert sorted(sections) == [4, 5]
    lo, hi = region(sections, 3, 0, len(text))
    assert text[lo:hi] == "Page 9\n四、结转下年度继续办理 0 0 0 0 0 0 0\n"
