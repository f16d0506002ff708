"""Cells from a stretch of text: kinds, columns, spans and line numbers, whatever the layout."""

from __future__ import annotations

from loaders.cells import Stream, by_line, line_cells, tokenize
from loaders.normalize import normalize_text
from loaders.numbers import Kind


def cells_of(text: str) -> Stream:
    text = normalize_text(text)
    return tokenize(text)


def kinds_and_texts(stream: Stream) -> list[tuple[str, str]]:
    return [(c.kind.name, c.text) for c in stream.cells]


def test_a_tab_row_keeps_its_inner_empty_cells_and_pads_its_edges() -> None:
    assert [(c.col, c.kind, c.text) for c in line_cells("行政许可\t\t3\t\t-\t")] == [
        (0, Kind.TEXT, "行政许可"),
        (1, Kind.PAD, ""),  # between the label and the first value: layout
        (2, Kind.NUMBER, "3"),
        (3, Kind.EMPTY, ""),  # between two values: an empty cell of the table
        (4, Kind.DASH, "-"),
        (5, Kind.PAD, ""),
    ]


def test_the_same_line_twice_gives_cells_with_each_line_number() -> None:
    # Line results are cached by text: the number must still come from the line.
    stream = cells_of("0\t\t12\n\n0\t\t12\n  ")
    assert [(stream.lines[i], c.col, c.kind, c.text) for i, c in enumerate(stream.cells)] == [
        (1, 0, Kind.NUMBER, "0"),
        (1, 1, Kind.EMPTY, ""),
        (1, 2, Kind.NUMBER, "12"),
        (3, 0, Kind.NUMBER, "0"),
        (3, 1, Kind.EMPTY, ""),
        (3, 2, Kind.NUMBER, "12"),
    ]


def test_a_cell_holding_two_numbers_is_two_cells_in_one_column() -> None:
    # OCR merged two cells into ``0 12``; ``1,234`` is one number with a thousands separator.
    stream = cells_of("x\t0 12 \t1,234\t5件")
    assert [(c.col, c.text, c.start, c.end) for c in stream.cells[1:]] == [
        (1, "0", 2, 3), (1, "12", 4, 6), (2, "1234", 8, 13), (3, "5", 14, 16),
    ]  # fmt: skip


def test_pipes_empty_cells_and_residue() -> None:
    # ``| |`` is an empty cell, a bare ``|`` line is one, ``||`` is merged-cell residue; a line of bare
    # pipes closes the row (an empty text cell, so a stray ``|`` after it joins no row).
    stream = cells_of("一、本年新收 | 56 | | 0 |\n|\n||\n8 | |||||||||")
    assert kinds_and_texts(stream) == [
        ("TEXT", "一、本年新收"), ("NUMBER", "56"), ("EMPTY", ""), ("NUMBER", "0"),
        ("EMPTY", ""),
        ("TEXT", ""),
        ("NUMBER", "8"), ("EMPTY", ""),
    ]  # fmt: skip


def test_markdown_table_rows_and_separator() -> None:
    stream = cells_of("| 信息内容 | 本年处理决定数量 |\n|---|:---:|\n| 行政许可 | 12 |")
    assert kinds_and_texts(stream) == [
        ("TEXT", "信息内容"), ("TEXT", "本年处理决定数量"), ("TEXT", "行政许可"), ("NUMBER", "12"),
    ]  # fmt: skip


def test_glued_values_are_cut_from_their_labels() -> None:
    stream = cells_of("一、本年新收政府信息公开申请数量230 000023二、上年结转政府信息公开申请数量0000000")
    assert kinds_and_texts(stream) == [
        ("TEXT", "一、本年新收政府信息公开申请数量"), ("NUMBER", "230"), ("NUMBER", "000023"),
        ("TEXT", "二、上年结转政府信息公开申请数量"), ("NUMBER", "0000000"),
    ]  # fmt: skip


def test_a_row_number_glued_to_the_values_before_it_goes_with_its_label() -> None:
    stream = cells_of("1.属于国家秘密00000002.其他法律行政法规禁止公开7000007")
    assert kinds_and_texts(stream) == [
        ("TEXT", "1.属于国家秘密"), ("NUMBER", "0000000"), ("TEXT", "2.其他法律行政法规禁止公开"), ("NUMBER", "7000007"),
    ]  # fmt: skip


def test_signs_decimals_and_units_of_glued_values() -> None:
    stream = cells_of("行政处罚2648-18538行政事业性收费35-15政府集中采购39573802895.90元三、")
    assert [c.text for c in stream.cells if c.kind is Kind.NUMBER] == ["2648", "-18538", "35", "-15", "39573802895.90"]


def test_numbers_of_prose_stay_in_their_text() -> None:
    for prose in (
        "2020 年,我单位共收到申请56件,办结第3项",
        "电话:0591-23165250;统计期限自2019年1月1日起至2019年12月31日止",
        "网站(www.pingtan.gov.cn),邮箱pzxxgkb@163.com,2019-2020学年",
    ):
        assert kinds_and_texts(cells_of(prose)) == [("TEXT", normalize_text(prose))]


def test_spans_point_at_the_digits() -> None:
    text = "行政许可 | 3960181"
    (label, value) = cells_of(text).cells
    assert text[value.start : value.end] == "3960181"
    assert text[label.start : label.end] == "行政许可"


def test_paragraph_layout_empty_paragraph_is_an_empty_cell() -> None:
    # Cells separated by one blank line; three blank lines hold an empty paragraph between two cells.
    rows = "\n\n".join(["规章", "0", "0", "0", "规范性文件", "0", "0", "0", "行政许可", "5", "0", "7"] * 2)
    stream = cells_of(rows + "\n\n\n\n6")
    assert kinds_and_texts(stream)[-3:] == [("NUMBER", "7"), ("EMPTY", ""), ("NUMBER", "6")]


def test_a_stretch_starting_mid_line_keeps_line_offsets() -> None:
    text = "标题 二、主动公开政府信息情况 行政许可12"
    start = text.index("行政许可")
    stream = tokenize(text, start)
    assert [stream.span(i) for i in range(len(stream))] == [(1, start, start + 4), (1, start + 4, start + 6)]


def test_by_line_groups_cells_in_reading_order() -> None:
    stream = cells_of("a\t1\n2\nb\t\t3")
    assert by_line(stream) == {1: [0, 1], 2: [2], 3: [3, 4, 5]}
