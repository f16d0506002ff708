"""A section's lines as one stream of table cells, whatever the layout.

Tab-separated rows (DOCX), one cell per line (HTML, flattened DOCX) and OCR Markdown all become the same
stream: a line is split on tabs; empty cells keep their place (``col``) so a tab-separated row can still
be read by position, and a blank line yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from loaders.numbers import Kind, classify

_EMPTY, _NUMBER = Kind.EMPTY, Kind.NUMBER


class Cell(NamedTuple):
    """One cell: its 1-based input line, position in that line, kind, and text (canonical digits if a number).

    A named tuple rather than a dataclass: a report has hundreds of cells and tuples build fastest.
    """

    line: int
    col: int
    kind: Kind
    text: str


# ``_new(Cell, (...))`` skips the Python-level ``Cell.__new__``: it halves the cost of building a cell.
_new = tuple.__new__
_LINE = attrgetter("line")
# One line's cells less their line number: (col, kind, text) each.
_LineCells = tuple[tuple[int, Kind, str], ...]


def tokenize(lines: Iterable[tuple[int, str]]) -> list[Cell]:
    """Cells of normalised ``(line number, text)`` pairs, in reading order."""
    cells: list[Cell] = []
    append = cells.append
    for number, line in lines:
        for col, kind, text in _line_cells(line):
            append(_new(Cell, (number, col, kind, text)))
    return cells


@lru_cache(maxsize=16384)
def _line_cells(line: str) -> _LineCells:
    """The cells of one line. Cached: table lines (``0⇥0⇥0``, labels, headers) recur within and across reports."""
    if not line or line.isspace():
        return ()
    raws = line.split("\t")
    if line.isascii() and line.replace("\t", "").isdigit():  # the commonest row: counts and empty cells
        return tuple((col, _NUMBER if raw else _EMPTY, raw) for col, raw in enumerate(raws))
    cells: list[tuple[int, Kind, str]] = []
    for col, raw in enumerate(raws):
        text = raw.strip()
        if not text:
            cells.append((col, _EMPTY, ""))
        elif text.isdigit() and text.isascii():
            cells.append((col, _NUMBER, text))
        else:
            kind, digits = classify(text, normalized=True)
            if kind is _NUMBER:  # one cell per number (OCR merges ``0 0``)
                cells.extend((col, kind, d) for d in digits)
            else:
                cells.append((col, kind, text))
    return tuple(cells)


def by_line(cells: Iterable[Cell]) -> dict[int, list[Cell]]:
    """The cells grouped by input line, each group in column order."""
    rows: dict[int, list[Cell]] = {}
    # Cells come line by line: one step per line, not per cell.
    for line, group in groupby(cells, key=_LINE):
        rows.setdefault(line, []).extend(group)
    return rows
