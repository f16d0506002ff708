"""What the three table readers share: their result, runs of values between labels, and cell reading.

The readers themselves are :mod:`loaders.proactive` (§2), :mod:`loaders.applications` (§3) and
:mod:`loaders.reviews` (§4). Row policy, shared with the hand-written expected JSON: a row with exactly its
count of cells is read as printed; otherwise the readings the row's and the table's identities allow are
tried — cells glued without separators (:mod:`loaders.splits`), a cell lost or doubled — and the row is
taken only if exactly one remains, its cells marked ``inferred``; else the row is null, ``missing``, with an
issue naming the row. Empty and dash cells are null, ``missing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from loaders.canonical import Issue, Location, Provenance, Value
from loaders.cells import Stream
from loaders.issues import IssueCode, issue
from loaders.numbers import Kind

_EMPTY, _NUMBER, _DASH, _TEXT, _PAD, _UNREADABLE = (
    Kind.EMPTY, Kind.NUMBER, Kind.DASH, Kind.TEXT, Kind.PAD, Kind.UNREADABLE,
)  # fmt: skip
VALUE_KINDS = frozenset({_NUMBER, _DASH, _EMPTY, _UNREADABLE})


_ROW_COLUMN: dict[str, tuple[str, str]] = {}


def _row_column(path: str) -> tuple[str, str]:
    """The row and column of a dotted path, split once per path for all reports."""
    _, row, column = path.split(".")
    _ROW_COLUMN[path] = (row, column)
    return row, column


@dataclass(slots=True)
class Extracted:
    """One table's values (every cell present), provenance and locations by dotted path, and its issues."""

    values: dict[str, dict[str, Value]]
    provenance: dict[str, Provenance] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    # Whether any row of the table was found in the text at all.
    found: bool = False

    def set(self, path: str, value: Value, where: Location | None, provenance: Provenance | None = None) -> None:
        """Store one value: null is ``missing``; ``where`` is kept for every value read from the text."""
        row, column = _ROW_COLUMN.get(path) or _row_column(path)
        self.values[row][column] = value
        if value is None:
            self.provenance[path] = "missing"
            return
        if provenance is not None:
            self.provenance[path] = provenance
        if where is not None:
            self.locations[path] = where


@dataclass(slots=True)
class Run:
    """A run of value cells (numbers, dashes, empties) with the text cells around it.

    ``before`` is the text since the previous run, ``own`` the part of it on the run's first line; ``after``
    is the next run's ``before``: only its first line is read, as this run's wrapped label.
    """

    before: list[int]
    own: list[int]
    cells: list[int] = field(default_factory=list)
    after: list[int] = field(default_factory=list)


def runs(stream: Stream) -> list[Run]:
    """Cut the stream into runs of value cells (``PAD`` skipped), each with its surrounding text cells."""
    found: list[Run] = []
    texts: list[int] = []
    current: list[int] | None = None
    cells, lines = stream.cells, stream.lines
    for i, cell in enumerate(cells):
        kind = cell.kind
        if kind is _TEXT:
            current = None
            texts.append(i)
        elif kind is not _PAD:
            if current is None:
                line = lines[i]
                own = [t for t in texts if lines[t] == line]
                before = texts[: len(texts) - len(own)] if own else texts
                if found:
                    found[-1].after = before
                found.append(Run(before, own))
                current = found[-1].cells
                texts = []
            current.append(i)
    if found:
        found[-1].after = texts
    return found


def texts(stream: Stream, indexes: Sequence[int]) -> list[str]:
    return [stream.cells[i].text for i in indexes]


def read_cell(stream: Stream, i: int, path: str, decimal: bool = False) -> tuple[Value, list[Issue]]:
    """The value of one cell read in place, and the issue it raises (a dash, an unreadable or a fractional count)."""
    from loaders.numbers import to_amount, to_count

    cell = stream.cells[i]
    line = stream.lines[i]
    kind = cell.kind
    if kind is _NUMBER:
        value = to_amount(cell.text) if decimal else to_count(cell.text)
        if value is None:
            return None, [issue(IssueCode.NOT_A_COUNT, line, f"{path}: {cell.text!r} is not a count")]
        return value, []
    if kind is _DASH:
        return None, [issue(IssueCode.DASH_AS_NULL, line, f"{path}: cell {cell.text!r} read as none reported (null)")]
    if kind is _UNREADABLE:
        return None, [issue(IssueCode.CELL_UNREADABLE, line, f"{path}: the cell could not be read")]
    if kind is _TEXT:
        return None, [issue(IssueCode.CELL_UNREADABLE, line, f"{path}: {cell.text!r} is not a number")]
    return None, []


def token_location(stream: Stream, i: int, start: int, end: int) -> Location:
    """Where digits ``start..end`` of number cell ``i`` stand (the whole cell when its text is not its digits)."""
    cell = stream.cells[i]
    s, e = cell.start, cell.end
    if e - s == len(cell.text):
        return stream.lines[i], s + start, s + end
    return stream.lines[i], s, e
