"""A section's lines as one stream of table cells, whatever the layout.

Tab-separated rows (DOCX), one cell per line (HTML, flattened DOCX) and OCR Markdown all become the same
stream: a line is split on tabs; empty cells keep their place (``col``) so a tab-separated row can still
be read by position, and a blank line yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def tokenize(lines: Iterable[tuple[int, str]]) -> list[Cell]:
    """Cells of normalised ``(line number, text)`` pairs, in reading order."""
    cells: list[Cell] = []
    append = cells.append
    for number, line in lines:
        if not line or line.isspace():
            continue
        for col, raw in enumerate(line.split("\t") if "\t" in line else (line,)):
            text = raw.strip()
            # Fast paths for the two commonest cells, an empty one and a plain count.
            if not text:
                append(Cell(number, col, _EMPTY, ""))
            elif text.isdigit() and text.isascii():
                append(Cell(number, col, _NUMBER, text))
            else:
                kind, digits = classify(text, normalized=True)
                if kind is _NUMBER:
                    for d in digits:
                        append(Cell(number, col, kind, d))
                else:
                    append(Cell(number, col, kind, text))
    return cells


def by_line(cells: Iterable[Cell]) -> dict[int, list[Cell]]:
    """The cells grouped by input line, each group in column order."""
    rows: dict[int, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell.line, []).append(cell)
    return rows
