"""A stretch of a report's text as one stream of table cells, whatever its layout.

The same tables reach us in many shapes, and each is cut into cells by what separates cells there:

- **tabs** (DOCX, HTML rows): a line is split on tabs; empty cells keep their place (``col``). Empty cells
  at a row's edges — before its first number or after its last — are ``PAD``: indentation or padding of
  the layout, not cells of the table;
- **pipes** (``a | b | c |``, Markdown, one cell per line ending in ``|``): ``| |`` is an empty cell and a
  line that is a bare ``|`` is one; ``||`` (nothing between) is merged-cell residue, not a cell, and a line
  of bare pipes closes a row;
- **one cell per line or per paragraph**: each line is a cell; in a paragraph layout (cells separated by
  blank lines) an empty paragraph — a longer run of blank lines — is an empty cell;
- **no separators at all** (a crawled page whose table became one line): labels and values are cut apart
  where digits meet text, spaces between digits are hard boundaries, and a row number glued to the values
  before it (``00000002.其他…``) goes with its label. Numbers of prose (``2019年``, ``56条``, ``第3项``, dates,
  phone numbers) stay inside their text.

A value run such as ``21710000218`` stays one cell here: only the table reader, which knows how many cells a
row has and the identities they satisfy, may split it (:mod:`loaders.splits`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from loaders.numbers import DASHES, Kind, classify

_EMPTY, _NUMBER, _DASH, _TEXT, _PAD, _UNREADABLE = (
    Kind.EMPTY, Kind.NUMBER, Kind.DASH, Kind.TEXT, Kind.PAD, Kind.UNREADABLE,
)  # fmt: skip
UNREADABLE_MARK = "\ufffd"


class LineCell(NamedTuple):
    """One cell of a line: its column (tab or pipe field), its span in the line, kind and text.

    ``text`` is the canonical digits for a number (``"1234"`` for ``1,234``), the stripped text otherwise.
    Cached per line text, so a cell carries no line number; :class:`Stream` keeps those beside it.
    """

    col: int
    start: int
    end: int
    kind: Kind
    text: str


class Cell(NamedTuple):
    """A cell with its 1-based input line and its span in that line: what readers hand out."""

    line: int
    col: int
    kind: Kind
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Stream:
    """The cells of a stretch of text in reading order, with each cell's input line beside it.

    Parallel lists rather than one object per cell: a report has hundreds of cells, and the per-line cell
    tuples are shared by every report whose line reads the same. Spans are columns of the input line.
    """

    cells: list[LineCell] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.cells)

    def cell(self, i: int) -> Cell:
        c = self.cells[i]
        return Cell(self.lines[i], c.col, c.kind, c.text, c.start, c.end)

    def span(self, i: int) -> tuple[int, int, int]:
        """Line, start and end of cell ``i`` in its input line."""
        c = self.cells[i]
        return self.lines[i], c.start, c.end

    def add(self, line: int, cells: tuple[LineCell, ...] | list[LineCell]) -> None:
        self.cells.extend(cells)
        self.lines.extend([line] * len(cells))


# Makes a :class:`LineCell` without the namedtuple's Python-level constructor: cells are made by the thousand.
_NEW = tuple.__new__


def _shifted(cells: tuple[LineCell, ...], base: int) -> tuple[LineCell, ...]:
    """Cells of a line read from column ``base`` on, with their spans in the whole line."""
    if not base:
        return cells
    return tuple(_NEW(LineCell, (c.col, c.start + base, c.end + base, c.kind, c.text)) for c in cells)


# A number inside text: sign, digits with thousands groups, decimals. (``-?\d+`` written to start with a
# character class, which the regex engine scans for in C instead of trying the pattern at every position.)
_IN_TEXT = re.compile(r"[-\d](?:(?<=-)\d+|(?<!-)\d*)(?:,\d{3}(?!\d))*(?:\.\d+)?")
# What makes a number in text a number of prose rather than a table value.
_UNIT_AFTER = re.compile(r"\s*[年月日号件条份个次人家起项页点时分秒期届名位户余多批场篇%‰倍天周]")
_NUMBERING_AFTER = re.compile(r"[.、]\s*[\u4e00-\u9fff“\"]")
# Dates, times, phone numbers, year ranges: every number inside them is prose.
# (Each alternative's first digit is taken out in front, so that the engine scans for a digit in C.)
_PROSE_SPANS = re.compile(
    r"\d(?:\d{3}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}|\d?:\d{2}|\d{2,3}-\d{7,8}"
    r"|(?:(?<=1)9|(?<=2)0)\d{2}\s*[-—~至]\s*(?:19|20)\d{2})"
)
# Every prose span holds one of these: a text without any has none, and is not scanned for them.
_PROSE_MARKS = (":", "-", "—", "~", "至", "月", ".", "/")
# More narrowly, every prose span holds a digit, perhaps spaces, a mark, perhaps spaces and a digit; so a mark
# after a digit or a space and before a digit is in each. Scanned for from the mark, which is rare where
# digits are many: a glued table has few such marks, and then its digits are not scanned for prose at all.
_PROSE_HINT = re.compile(r"[-./年:—~至](?<=[\d\s].)\s*\d")
_VALUE_SUFFIX = re.compile(r"万?元")
# What may follow a number, in one match: a unit (prose), a numbering mark (a row number), a currency suffix.
_AFTER = re.compile(
    f"(?P<unit>{_UNIT_AFTER.pattern})|(?P<numbering>{_NUMBERING_AFTER.pattern})|(?P<suffix>{_VALUE_SUFFIX.pattern})"
)
# A number right after a Latin letter (``A1``), 第, ``@``, ``_`` or ``#``, or at the very start of the text, or
# right before a Latin letter is not a value. (Set lookups, rather than a test per character class.)
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NOT_AFTER = _LETTERS | {"第", "@", "_", "#", ""}
_DIGIT = re.compile(r"\d")
_SEPARATORS = re.compile(r"[\s,;:/|、.。:;]*")


def _glued(text: str, base: int, col: int) -> list[LineCell]:
    """Cells of a text that may hold table values glued to labels (``规章000规范性文件898989``)."""
    values: list[tuple[int, int, str]] = []  # (start, end of the cell span, canonical digits)
    prose = (
        [m.span() for m in _PROSE_SPANS.finditer(text)]
        if any(c in text for c in _PROSE_MARKS) and _PROSE_HINT.search(text) is not None
        else []
    )
    for m in _IN_TEXT.finditer(text):
        s, e = m.span()
        token = m.group()
        if token[0] == "-" and s > 0 and text[s - 1].isascii() and text[s - 1].isalpha():
            s, token = s + 1, token[1:]  # a hyphen (``A-1``), not a sign
        before = text[s - 1] if s > 0 else ""
        after = text[e] if e < len(text) else ""
        if (
            before in _NOT_AFTER
            or after in _LETTERS
            or (before == "(" and after == ")")
            or (prose and any(ps < e and s < pe for ps, pe in prose))  # partly prose: not a value
        ):
            continue
        follows = _AFTER.match(text, e)
        what = follows.lastgroup if follows is not None else None
        if what == "unit":
            continue
        if what == "numbering" and "." not in token and "," not in token and token[0] != "-":
            # A row number glued to the values before it: its digit belongs to the label that follows.
            if len(token) == 1:
                continue
            e, token = e - 1, token[:-1]
        elif what == "suffix":
            e = follows.end()  # type: ignore[union-attr]
        values.append((s, e, token.replace(",", "")))
    if not values:
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        return [LineCell(col, base + lead, base + lead + len(stripped), _TEXT, stripped)]
    cells: list[LineCell] = []
    pos = 0
    separators = _SEPARATORS.fullmatch
    for s, e, digits in values:
        if not separators(text, pos, s):  # (:func:`_text_piece`, inline: this runs for every value)
            piece = text[pos:s]
            stripped = piece.strip()
            start = base + pos + len(piece) - len(piece.lstrip())
            cells.append(_NEW(LineCell, (col, start, start + len(stripped), _TEXT, stripped)))
        cells.append(_NEW(LineCell, (col, base + s, base + e, _NUMBER, digits)))
        pos = e
    _text_piece(text, pos, len(text), base, col, cells)
    return cells


def _text_piece(text: str, start: int, end: int, base: int, col: int, out: list[LineCell]) -> None:
    """The text between two values, as a cell unless it is only separators."""
    if _SEPARATORS.fullmatch(text, start, end):
        return
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    stripped = piece.strip()
    out.append(_NEW(LineCell, (col, base + start + lead, base + start + lead + len(stripped), _TEXT, stripped)))


def _field_cells(raw: str, base: int, col: int) -> list[LineCell]:
    """Cells of one field (a tab or pipe field, or a whole line)."""
    text = raw.strip()
    if not text:
        return [_NEW(LineCell, (col, base, base, _EMPTY, ""))]
    lead = base + len(raw) - len(raw.lstrip())
    if text.isdigit() and text.isascii():
        return [_NEW(LineCell, (col, lead, lead + len(text), _NUMBER, text))]
    if text == UNREADABLE_MARK:
        return [_NEW(LineCell, (col, lead, lead + 1, _UNREADABLE, ""))]
    if text in DASHES:
        return [_NEW(LineCell, (col, lead, lead + len(text), _DASH, text))]
    if _DIGIT.search(text) is None:
        return [_NEW(LineCell, (col, lead, lead + len(text), _TEXT, text))]
    kind, digits = classify(text, normalized=True)
    if kind is _NUMBER:
        if len(digits) == 1:
            return [_NEW(LineCell, (col, lead, lead + len(text), _NUMBER, digits[0]))]
        # Several numbers in one field (OCR merged ``0 12``): each its own cell, at its own place.
        parts = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        return [LineCell(col, lead + s, lead + e, _NUMBER, d) for (s, e), d in zip(parts, digits, strict=True)]
    return _glued(raw, base, col)


def _tab_cells(line: str) -> list[LineCell]:
    cells: list[LineCell] = []
    pos = 0
    for col, raw in enumerate(line.split("\t")):
        cells.extend(_field_cells(raw, pos, col))
        pos += len(raw) + 1
    # Empty cells before the line's first value or after its last are layout, not table cells.
    values = [i for i, c in enumerate(cells) if c.kind in (_NUMBER, _DASH, _UNREADABLE)]
    first, last = (values[0], values[-1]) if values else (len(cells), -1)
    return [
        _NEW(LineCell, (c.col, c.start, c.end, _PAD, c.text)) if c.kind is _EMPTY and not first <= i <= last else c
        for i, c in enumerate(cells)
    ]


def _pipe_cells(line: str) -> list[LineCell]:
    if line.strip() == "|":
        return [LineCell(0, line.index("|"), line.index("|") + 1, _EMPTY, "")]
    if set(line.strip()) <= set("|-: "):
        if "-" in line or ":" in line:
            return []  # Markdown's header separator row
        # A line of bare pipes (``||``) closes a table row: an empty text cell, so that what follows
        # (a stray ``|`` before the next label) is not taken for a cell of the row before.
        return [LineCell(0, 0, len(line), _TEXT, "")]
    parts = line.split("|")
    cells: list[LineCell] = []
    pos = 0
    last = len(parts) - 1
    for col, raw in enumerate(parts):
        start, pos = pos, pos + len(raw) + 1
        if col in (0, last) and not raw.strip():
            continue  # before a leading pipe, after the closing one
        if not raw:
            continue  # ``||``: merged-cell residue, no cell between
        cells.extend(_field_cells(raw, start, col))
    return cells


# Longer lines are read without the cache: a crawled page's tables run together on one line are that page's
# alone, and cached they would keep hundreds of cells each alive, for the garbage collector to walk through
# at every full collection.
_CACHED_LENGTH = 500


def line_cells(line: str) -> tuple[LineCell, ...]:
    """The cells of one line. Cached up to ``_CACHED_LENGTH`` characters: table lines (``0⇥0⇥0``, labels,
    headers) recur within and across reports."""
    return _cached_line(line) if len(line) <= _CACHED_LENGTH else _read_line(line)


@lru_cache(maxsize=32768)
def _cached_line(line: str) -> tuple[LineCell, ...]:
    return _read_line(line)


def _read_line(line: str) -> tuple[LineCell, ...]:
    if not line or line.isspace():
        return ()
    if "\t" in line:
        if line.isascii() and line.replace("\t", "").isdigit() and "\t\t" not in line and line[0] != "\t":
            # The commonest row: counts only. (No edge or inner empties to mark.)
            cells, pos = [], 0
            for col, raw in enumerate(line.split("\t")):
                cells.append(LineCell(col, pos, pos + len(raw), _NUMBER, raw))
                pos += len(raw) + 1
            return tuple(cells)
        return tuple(_tab_cells(line))
    if "|" in line:
        return tuple(_pipe_cells(line))
    return tuple(_field_cells(line, 0, 0))


def paragraph_layout(text: str) -> bool:
    """Whether cells are separated by blank lines (one cell per paragraph): then most line breaks come in
    pairs. (Counted in C: this runs on every section of every report.)"""
    breaks = text.count("\n")
    return breaks > 40 and text.count("\n\n") >= 0.4 * breaks


def tokenize(text: str, start: int = 0, end: int | None = None) -> Stream:
    """The cells of ``text[start:end]``, with 1-based line numbers and spans in ``text``'s lines."""
    stream = Stream()
    end = len(text) if end is None else end
    first = text.count("\n", 0, start) + 1
    base = start - (text.rfind("\n", 0, start) + 1)
    stretch = text[start:end]
    pieces = stretch.split("\n")
    if len(pieces) > 20 and paragraph_layout(stretch):
        _tokenize_paragraphs(stream, first, base, pieces)
        return stream
    cells, lines = stream.cells, stream.lines
    head = pieces[0]
    if len(head) > _CACHED_LENGTH and "\t" not in head and "|" not in head and not head.isspace():
        stream.add(first, _field_cells(head, base, 0))  # read in place: no cells to shift
    elif head:
        stream.add(first, _shifted(line_cells(head), base))
    number = first
    for piece in pieces[1:]:
        number += 1
        if piece:
            found = line_cells(piece)
            if found:
                cells.extend(found)
                lines.extend([number] * len(found))
    return stream


def _tokenize_paragraphs(stream: Stream, first: int, base: int, pieces: list[str]) -> None:
    """One cell per paragraph: a run of three or more blank lines holds an empty paragraph (an empty cell)."""
    blank_run = 0
    blank_line = 0
    empty = LineCell(0, 0, 0, _EMPTY, "")
    cells, lines = stream.cells, stream.lines
    for number, piece in enumerate(pieces, first):
        if not piece or piece.isspace():
            if blank_run == 0:
                blank_line = number
            blank_run += 1
            continue
        if blank_run > 2:
            cells.extend([empty] * ((blank_run - 1) // 2))
            lines.extend([blank_line] * ((blank_run - 1) // 2))
        blank_run = 0
        found = line_cells(piece)
        if number == first and base:
            found = _shifted(found, base)
        if len(found) == 1:  # the common paragraph: one cell
            cells.append(found[0])
            lines.append(number)
        else:
            cells.extend(found)
            lines.extend([number] * len(found))


def by_line(stream: Stream, lo: int = 0, hi: int | None = None) -> dict[int, list[int]]:
    """Indexes of the cells ``lo..hi`` grouped by input line, in reading order."""
    rows: dict[int, list[int]] = {}
    lines = stream.lines
    for i in range(lo, len(lines) if hi is None else hi):
        rows.setdefault(lines[i], []).append(i)
    return rows


def text_of(stream: Stream, kinds: tuple[Kind, ...] = (_TEXT,)) -> str:
    """The text of the stream's cells of ``kinds``, joined: for keyword tests over a stretch."""
    return "".join(c.text for c in stream.cells if c.kind in kinds)
