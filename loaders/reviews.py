"""§4, administrative review and litigation: fifteen counts in three groups of five.

By position when a tab row holds exactly the fifteen cells (empty ones included); else the first run of
values after the headers, in reading order. A run of the wrong length is read only where the group sums
(upheld + corrected + other + pending = total, per group) leave exactly one reading: digits glued without
separators split (``110024001510102``), or a count lost or doubled.
"""

from __future__ import annotations

from unicodedata import normalize

from loaders.canonical import GROUP_LABELS, REVIEW_GROUPS, REVIEW_RESULTS, empty_reviews
from loaders.cells import Stream, by_line
from loaders.issues import IssueCode, issue
from loaders.numbers import Kind
from loaders.recovery import REVIEW_SUMS, sum_candidates
from loaders.splits import describe, splits
from loaders.tables import Extracted, read_cell, runs, token_location

WIDTH = len(REVIEW_GROUPS) * len(REVIEW_RESULTS)
_PATHS = tuple(f"reviews.{g}.{r}" for g in REVIEW_GROUPS for r in REVIEW_RESULTS)
_EMPTY, _NUMBER, _DASH, _TEXT, _PAD = Kind.EMPTY, Kind.NUMBER, Kind.DASH, Kind.TEXT, Kind.PAD
_BLANK = (_EMPTY, _PAD)


def _positional_row(stream: Stream) -> list[int] | None:
    """A tab-separated line holding exactly the 15 §4 cells (numbers, dashes, empties), if there is one."""
    cells = stream.cells
    if not any(c.col for c in cells):
        return None  # no tab or pipe row at all
    for row in by_line(stream).values():
        kinds = [cells[i].kind for i in row]
        if len(row) < 2 or _TEXT in kinds or all(k in _BLANK for k in kinds):
            continue
        while len(row) > WIDTH and cells[row[-1]].kind in _BLANK:
            row.pop()
        while len(row) > WIDTH and cells[row[0]].kind in _BLANK:
            row.pop(0)
        if len(row) == WIDTH and cells[row[0]].col != cells[row[-1]].col:
            return row
    return None


def _value_run(stream: Stream, headed: bool) -> list[int]:
    """The first run of values holding a number or a dash; empty cells past the fifteenth dropped. Without
    the section's heading (``headed`` false), only after the table's own headers (复议, 诉讼): before them
    stand another table's rows."""
    cells = stream.cells
    for run in runs(stream):
        headed = headed or any(w in cells[i].text for i in (*run.before, *run.own) for w in ("复议", "诉讼"))
        if headed and any(cells[i].kind in (_NUMBER, _DASH) for i in run.cells):
            values = list(run.cells)
            while len(values) > WIDTH and cells[values[-1]].kind is _EMPTY:
                values.pop()
            return values
    return []


def extract_reviews(stream: Stream, headed: bool = True) -> Extracted:
    """§4 from the cells of its section; ``headed`` says whether the section's heading was found."""
    out = Extracted(empty_reviews())
    row = _positional_row(stream) or _value_run(stream, headed)
    out.found = bool(row)
    if len(row) != WIDTH:
        _recover(out, stream, row)
        return out
    read = [stream.cells[i] for i in row]
    try:
        counts = [int(c.text) for c in read]  # fifteen counts, the common case (an empty or dash cell raises)
    except ValueError:
        pass
    else:
        for path, count, i, c in zip(_PATHS, counts, row, read, strict=True):
            group, result = path[8:].split(".")
            out.values[group][result] = count
            out.locations[path] = (stream.lines[i], c.start, c.end)
        return out
    empty = 0
    for path, i in zip(_PATHS, row, strict=True):
        value, problems = read_cell(stream, i, path)
        out.issues.extend(problems)
        out.set(path, value, stream.span(i))
        empty += stream.cells[i].kind in _BLANK
    if empty:
        out.issues.append(issue(IssueCode.CELLS_EMPTY, stream.lines[row[0]], f"§4: {empty} empty cell(s) read as null"))
    return out


def _recover(out: Extracted, stream: Stream, run: list[int]) -> None:
    line = stream.lines[run[0]] if run else None
    cells = stream.cells
    numbers = tuple(cells[i].text for i in run) if all(cells[i].kind is _NUMBER for i in run) else ()
    found: dict[tuple[int, ...], tuple[tuple[int, int, int] | None, ...]] = {
        values: tuple((run[ti], s, e) for ti, s, e in spans) for values, spans in splits(numbers, WIDTH, REVIEW_SUMS)
    }
    glued = bool(found) and len(numbers) < WIDTH
    if numbers and all(n.isdigit() for n in numbers):
        for vector in sum_candidates([int(n) for n in numbers], WIDTH, REVIEW_SUMS):
            found.setdefault(vector, _aligned(run, numbers, vector))
    if len(found) == 1:
        ((vector, where),) = found.items()
        for path, value, spot in zip(_PATHS, vector, where, strict=True):
            location = token_location(stream, *spot) if spot is not None else None
            out.set(path, value, location, "inferred")
        printed = " ".join(numbers)
        if glued:
            message = f"§4 (line {line}): 「{printed}」 read as {describe(vector)}: the only split the group sums allow"
            out.issues.append(issue(IssueCode.GLUED_CELLS_SPLIT, line, message))
        else:
            message = f"§4 (line {line}): {len(run)} numbers for {WIDTH} cells; placed by the group sums"
            out.issues.append(issue(IssueCode.ROW_CELLS_INFERRED, line, message))
        return
    for path in _PATHS:
        out.set(path, None, None)
    groups = "、".join(normalize("NFKC", GROUP_LABELS[g]) for g in REVIEW_GROUPS)
    if not run:
        out.issues.append(issue(IssueCode.TABLE_MISSING, None, f"§4 ({groups}): no numbers found; left null"))
    elif glued:
        listed = "; ".join(describe(v) for v in list(found)[:6])
        out.issues.append(
            issue(
                IssueCode.GLUED_CELLS_AMBIGUOUS,
                line,
                f"§4 ({groups}) (line {line}): 「{' '.join(numbers)}」 holds {WIDTH} cells without separators and "
                f"{len(found)} splits fit the group sums ({listed}); left null",
            )
        )
    else:
        out.issues.append(
            issue(IssueCode.ROW_UNRESOLVED, line, f"§4 ({groups}): {len(run)} cells for {WIDTH}; left null")
        )


def _aligned(run: list[int], numbers: tuple[str, ...], vector: tuple[int, ...]) -> tuple[tuple[int, int, int] | None, ...]:
    """Where each value of a recovered vector was printed: the run's numbers matched in order."""
    where: list[tuple[int, int, int] | None] = [None] * WIDTH
    read = iter(zip(run, numbers, strict=True))
    current = next(read, None)
    for k, value in enumerate(vector):
        if current is not None and int(current[1]) == value:
            where[k] = (current[0], 0, len(current[1]))
            current = next(read, None)
    return tuple(where)
