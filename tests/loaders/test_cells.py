"""Cells from section lines: kinds, columns and line numbers, whatever the layout."""

from __future__ import annotations

from loaders.cells import Cell, by_line, tokenize
from loaders.numbers import Kind


def test_a_tab_row_keeps_its_empty_cells_in_place() -> None:
    assert tokenize([(7, "行政许可\t\t3\t-")]) == [
        Cell(7, 0, Kind.TEXT, "行政许可"),
        Cell(7, 1, Kind.EMPTY, ""),
        Cell(7, 2, Kind.NUMBER, "3"),
        Cell(7, 3, Kind.DASH, "-"),
    ]


def test_the_same_line_twice_gives_cells_with_each_line_number() -> None:
    # Line results are cached by text: the number must still come from the line.
    cells = tokenize([(3, "0\t\t12"), (4, ""), (5, "0\t\t12"), (6, "  ")])
    assert [(c.line, c.col, c.kind, c.text) for c in cells] == [
        (3, 0, Kind.NUMBER, "0"),
        (3, 1, Kind.EMPTY, ""),
        (3, 2, Kind.NUMBER, "12"),
        (5, 0, Kind.NUMBER, "0"),
        (5, 1, Kind.EMPTY, ""),
        (5, 2, Kind.NUMBER, "12"),
    ]


def test_a_cell_holding_two_numbers_is_two_cells_in_one_column() -> None:
    # OCR merged two cells into ``0 12``; ``1,234`` is one number with a thousands separator.
    cells = tokenize([(1, "\t0 12 \t1,234\t5件")])
    assert [(c.col, c.text) for c in cells] == [(0, ""), (1, "0"), (1, "12"), (2, "1234"), (3, "5")]


def test_by_line_groups_cells_in_column_order() -> None:
    cells = tokenize([(1, "a\t1"), (2, "2"), (3, "b\t\t3")])
    assert {line: [c.col for c in row] for line, row in by_line(cells).items()} == {1: [0, 1], 2: [0], 3: [0, 1, 2]}
