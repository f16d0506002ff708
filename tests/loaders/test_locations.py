"""Where each value stands in the stored text, through everything normalisation moves."""

from __future__ import annotations

import unicodedata

import pytest

from loaders import parse_text
from loaders.locations import align
from loaders.normalize import normalize_text


@pytest.mark.parametrize(
    "raw",
    [
        "## 三、收到 和 处理\t1 234",  # a Markdown prefix and spaces between Chinese characters dropped
        "（一）予以公开\t１２",  # full-width forms folded
        "數(shù)據(jù)的統(tǒng)計 12",  # traditional characters converted, pinyin residue dropped
        "Page 9 - 威海市2022年报告",  # a flipbook's page prefix dropped
        "其 他 结果\t0\t3",
    ],
)
def test_every_digit_maps_to_its_digit(raw: str) -> None:
    norm = normalize_text(raw)
    columns = align(raw, norm)
    for j, char in enumerate(norm):
        if char.isdigit():
            assert unicodedata.normalize("NFKC", raw[columns[j]]) == char


def test_report_locations_point_at_the_printed_values() -> None:
    text = "官渡镇２０２１年政府信息公开工作年度报告\n二、主动公开政府信息情况\n行 政 许 可　｜　１２\n" \
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3\n四、政府信息公开行政复议、行政诉讼情况\n" + \
        " ".join(["0"] * 15)
    parsed = parse_text(text)
    lines = text.split("\n")
    line, start, end = parsed.locations["proactive.licensing.decisions"]
    assert lines[line - 1][start:end] == "１２"
    line, start, end = parsed.locations["applications.new_received.total"]
    assert (line, lines[line - 1][start:end]) == (5, "3")
    assert "applications.granted.total" not in parsed.locations  # missing: not in the text
