"""§3, the application matrix: every row of the template, read as printed or recovered through identities.

Each run of values is named by the label around it (:func:`loaders.labels.match_row`). A row with its seven
cells is read as printed, whatever its sums (a report whose own numbers do not add up is flagged by the
checks, never repaired). Any other row gets its candidate readings — digits glued without separators split
so that the six applicant columns add up to 总计 (:mod:`loaders.splits`), or one cell lost or doubled — and
the table is then solved as a whole: the column identities (new + carried over = outcome total + carried
forward; the outcome rows add up to the outcome total) choose among a row's candidates, and can give a row
whose cells were lost. A row is taken only when exactly one reading is left; else it is null, with an issue
that lists what was left.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from operator import itemgetter

from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_LEAVES,
    ROW_LABELS_2019,
    ROW_LABELS_2021,
    Provenance,
    empty_applications,
)
from loaders.cells import Stream
from loaders.issues import IssueCode, issue
from loaders.labels import match_row, row_named
from loaders.numbers import Kind
from loaders.recovery import ROW_SUM, is_subsequence
from loaders.splits import MAX_CANDIDATES, describe, splits
from loaders.tables import Extracted, Run, read_cell, runs

WIDTH = len(APPLICANT_COLUMNS)
_EMPTY, _NUMBER = Kind.EMPTY, Kind.NUMBER
# Identity 1, as signs: new + carried over − outcome total − carried forward = 0, per column.
_BALANCE = {"new_received": 1, "carried_over": 1, "outcome_total": -1, "carried_forward": -1}
# The most combinations of candidate rows tried together when the identities must choose jointly.
_MAX_COMBINATIONS = 20_000

Vector = tuple[int, ...]
# Where each value of a reading stands: (index of a number or cell, start, end), None for a value filled in.
Origin = tuple[tuple[int, int, int] | None, ...]


def _identities(template: str) -> list[dict[str, int]]:
    leaves = OUTCOME_LEAVES[template]
    return [_BALANCE, {**dict.fromkeys(leaves, 1), "outcome_total": -1}]  # identity 3: leaves − total = 0


_IDENTITIES = {t: _identities(t) for t in APPLICATION_ROWS}


def _label(row: str, template: str) -> str:
    return (ROW_LABELS_2019 if template == "2019" else ROW_LABELS_2021)[row]


@dataclass(slots=True)
class _Row:
    """One labelled run: read as printed (``fixed``), or its candidate readings and how they arose."""

    key: str
    run: Run
    cells: list[int]
    line: int
    fixed: tuple[int | None, ...] | None = None
    numbers: tuple[str, ...] = ()
    # Candidate vector → where each value came from: (index in ``numbers``, start, end), or None. Shared
    # between rows printing the same numbers (:func:`_readings`): read-only.
    candidates: dict[Vector, Origin] = field(default_factory=dict)
    glued: bool = False  # some candidate splits a run of digits
    splits: frozenset[Vector] = frozenset()  # the candidates that split a run of digits
    # Only a row of plain numbers can be recovered; one with a dash or an empty cell among too few is not.
    recoverable: bool = False


def extract_applications(stream: Stream, template: str, cut: bool = False) -> Extracted:
    """§3 of ``template`` from the cells of its section; ``cut`` says the text stops inside it (an excerpt),
    so that its last row, cut short, is not taken for a row that lost a cell."""
    out = Extracted(empty_applications(template))
    rows = _read_rows(stream, template, out, cut)
    out.found = bool(rows)
    known: dict[str, tuple[int | None, ...]] = {}
    pending: dict[str, _Row] = {}
    printed = [row for row in rows.values() if row.fixed is not None]
    _store_counts(out, stream, printed, template)
    for key, row in rows.items():
        if row.fixed is not None:
            known[key] = row.fixed
        elif row.recoverable:
            pending[key] = row
    _solve(out, stream, pending, known, template)
    _confirm_splits(out, rows, known, template)
    for row in pending.values():
        _unresolved(out, row, template)
    for row in rows.values():
        if row.fixed is None and not row.recoverable:
            _unresolved(out, row, template)
    _report_absent(out, rows, template)
    return out


# Reading rows --------------------------------------------------------------------------------------------


def _read_rows(stream: Stream, template: str, out: Extracted, cut: bool = False) -> dict[str, _Row]:
    """The run each §3 row label names, read as printed where it has seven cells."""
    rows: dict[str, _Row] = {}
    cells, lines = stream.cells, stream.lines
    found = runs(stream)
    for run in found:
        values = run.cells
        kinds = {cells[i].kind for i in values}
        line = lines[values[0]]
        if kinds == {_EMPTY} and len(values) < WIDTH - 1:
            continue  # stray ``|`` lines and header padding, not an empty row
        if len(values) >= 2 * WIDTH and _stacked(stream, run, template, rows, out):
            continue
        wrapped: tuple[str, ...] = ()
        if run.after:
            after_line = lines[run.after[0]]
            wrapped = tuple([cells[i].text for i in run.after if lines[i] == after_line])
        own = tuple([cells[i].text for i in run.own])
        before = tuple([cells[i].text for i in run.before])
        key = match_row(own, before, wrapped, template, rows)
        if key is None:
            if kinds != {_EMPTY}:
                out.issues.append(issue(IssueCode.UNLABELLED_NUMBERS, line, "§3: numbers without a row label"))
            continue
        if key in rows:
            out.issues.append(
                issue(IssueCode.ROW_DUPLICATE, line, f"§3 row 「{_label(key, template)}」 read twice")
            )
            continue
        while len(values) > WIDTH and cells[values[-1]].kind is _EMPTY:
            values.pop()  # a bare ``|`` or an empty paragraph after the row: layout, not an eighth cell
        row = _Row(key, run, values, line)
        last_of_cut = cut and run is found[-1]
        if len(values) == WIDTH and last_of_cut and not _adds_up(stream, values):
            pass  # the text stops inside this row: seven cells that do not add up may be a cut row's
        elif len(values) == WIDTH:
            row.fixed = ()  # read cell by cell below
        elif kinds == {_NUMBER}:
            row.numbers = tuple([cells[i].text for i in values])
            # The text stops inside the last row: its missing cells were cut off, not lost.
            row.recoverable = not last_of_cut
            if row.recoverable:
                _candidates(row)
        rows[key] = row
    return rows


def _adds_up(stream: Stream, values: list[int]) -> bool:
    """Whether seven cells are counts whose six applicant columns add up to the total."""
    try:
        counts = [int(stream.cells[i].text) for i in values]
    except ValueError:
        return False
    return sum(counts[:-1]) == counts[-1]


def _stacked(stream: Stream, run: Run, template: str, rows: dict[str, _Row], out: Extracted) -> bool:
    """Rows whose labels all came first and their values after (a converter's label rows, then value rows):
    k labels in the template's order, then k lines of seven cells, are paired in order."""
    cells, lines = stream.cells, stream.lines
    by_line: dict[int, list[int]] = {}
    for i in run.cells:
        by_line.setdefault(lines[i], []).append(i)
    value_lines = list(by_line.values())
    labels = [*run.before, *run.own][-len(value_lines) :]
    if len(labels) < len(value_lines) or any(len(v) != WIDTH for v in value_lines):
        return False
    named = [row_named(cells[i].text, template) for i in labels]
    keys = [k for k in named if k is not None]
    order = APPLICATION_ROWS[template]
    if len(keys) != len(named) or len(set(keys)) != len(keys) or any(k in rows for k in keys):
        return False
    positions = [order.index(k) for k in keys]
    if positions != sorted(positions):
        return False
    for key, values in zip(keys, value_lines, strict=True):
        rows[key] = _Row(key, run, values, lines[values[0]], fixed=())
    names = "、".join(_label(k, template) for k in keys)
    first = lines[run.cells[0]]
    out.issues.append(
        issue(IssueCode.ROWS_STACKED, first, f"§3 (line {first}): {len(keys)} row labels before their values ({names}); paired in order")
    )
    return True


def _candidates(row: _Row) -> None:
    """Every reading of a row with the wrong number of cells that keeps its own sum: glued digits split,
    a lost cell filled, a doubled cell dropped."""
    row.candidates, row.splits = _readings(row.numbers)
    row.glued = bool(row.splits)


@lru_cache(maxsize=8192)
def _readings(numbers: tuple[str, ...]) -> tuple[dict[Vector, Origin], frozenset[Vector]]:
    """The readings of a row's numbers, each with where its values stand (number index, start, end), and
    those that split a run of digits. Cached, and shared by every row printing the same numbers (``0000000``
    recurs in every glued report): read-only."""
    candidates: dict[Vector, Origin] = {}
    glued: set[Vector] = set()
    for values, spans in splits(numbers, WIDTH, ROW_SUM):
        candidates.setdefault(values, spans)
        if len(numbers) < WIDTH:
            glued.add(values)
    if not "".join(numbers).replace("-", "").isdigit():
        return candidates, frozenset(glued)
    ints = [int(n) for n in numbers]
    whole = [(k, 0, len(n)) for k, n in enumerate(numbers)]
    if len(ints) == WIDTH - 1:
        for gap in range(WIDTH):
            read = [*ints[:gap], None, *ints[gap:]]
            filled = _fill(read, gap)
            if filled is not None:
                candidates.setdefault(filled, (*whole[:gap], None, *whole[gap:]))
    elif len(ints) == WIDTH + 1:
        for drop in range(len(ints)):
            kept = (*ints[:drop], *ints[drop + 1 :])
            if sum(kept[:-1]) == kept[-1]:
                candidates.setdefault(kept, (*whole[:drop], *whole[drop + 1 :]))
    return candidates, frozenset(glued)


def _fill(read: list[int | None], gap: int) -> Vector | None:
    """``read`` with its one gap solved from the row sum, if the value is a non-negative whole number."""
    known = [v for v in read if v is not None]
    value = sum(known) if gap == WIDTH - 1 else known[-1] - sum(known[:-1])
    if value < 0:
        return None
    return tuple(value if v is None else v for v in read)


# Dotted paths of every cell, built once: formatting them per cell costs more than reading the cell.
_PATHS = {
    row: tuple(f"applications.{row}.{column}" for column in APPLICANT_COLUMNS)
    for row in dict.fromkeys(APPLICATION_ROWS["2021"] + APPLICATION_ROWS["2019"])
}
_INFERRED: dict[str, dict[str, Provenance]] = {row: dict.fromkeys(paths, "inferred") for row, paths in _PATHS.items()}


_TEXT_OF, _START_OF, _END_OF = itemgetter(4), itemgetter(1), itemgetter(2)  # of a LineCell


def _store_counts(out: Extracted, stream: Stream, printed: list[_Row], template: str) -> None:
    """Rows read as printed: in the common case all seven cells are counts, read for all rows at once (one
    pass in C rather than a few comprehensions a row); a row with an empty, dash or decimal cell is read
    cell by cell."""
    flat = [i for row in printed for i in row.cells]
    if not flat:
        return
    # The cells and their lines picked, and their texts, starts and ends taken, in C.
    picked = itemgetter(*flat)(stream.cells) if len(flat) > 1 else (stream.cells[flat[0]],)
    try:
        counts = list(map(int, map(_TEXT_OF, picked)))
    except ValueError:
        for row in printed:
            _store_fixed(out, stream, row, template)
        return
    values = out.values
    for k, row in enumerate(printed):
        row.fixed = fixed = tuple(counts[WIDTH * k : WIDTH * (k + 1)])
        values[row.key].update(zip(APPLICANT_COLUMNS, fixed, strict=True))
    paths = [path for row in printed for path in _PATHS[row.key]]
    where = itemgetter(*flat)(stream.lines) if len(flat) > 1 else (stream.lines[flat[0]],)
    spans = zip(where, map(_START_OF, picked), map(_END_OF, picked), strict=True)
    out.locations.update(zip(paths, spans, strict=True))


def _store_fixed(out: Extracted, stream: Stream, row: _Row, template: str) -> None:
    """A row with its seven cells, read cell by cell; ``row.fixed`` becomes its values."""
    cells, lines = stream.cells, stream.lines
    read = [cells[i] for i in row.cells]
    try:
        # The common row: seven counts, read in place (an empty, dash or decimal cell raises).
        row.fixed = fixed = tuple([int(c.text) for c in read])
    except ValueError:
        pass
    else:
        out.values[row.key].update(zip(APPLICANT_COLUMNS, fixed, strict=True))
        spans = [(lines[i], c.start, c.end) for i, c in zip(row.cells, read, strict=True)]
        out.locations.update(zip(_PATHS[row.key], spans, strict=True))
        return
    values: list[int | None] = []
    empty = False
    for column, i in zip(APPLICANT_COLUMNS, row.cells, strict=True):
        path = f"applications.{row.key}.{column}"
        value, problems = read_cell(stream, i, f"§3 row 「{_label(row.key, template)}」 {column}")
        out.issues.extend(problems)
        empty = empty or stream.cells[i].kind is _EMPTY
        values.append(value)  # type: ignore[arg-type]
        out.set(path, value, stream.span(i))
    row.fixed = tuple(values)
    if empty:
        out.issues.append(
            issue(IssueCode.CELLS_EMPTY, row.line, f"§3 row 「{_label(row.key, template)}」: empty cell(s) read as null")
        )


# Solving the table ---------------------------------------------------------------------------------------


def _identity_vectors(
    key: str, known: dict[str, tuple[int | None, ...]], waiting_on: Collection[str], template: str
) -> tuple[set[Vector], bool]:
    """Row vectors the column identities give from complete known rows, and whether one waits on a row
    still being solved."""
    vectors: set[Vector] = set()
    waiting = False
    for signs in _IDENTITIES[template]:
        if key not in signs:
            continue
        others = [r for r in signs if r != key]
        rows = [known.get(r) for r in others]
        if None in rows or any(None in v for v in rows):  # type: ignore[operator]
            waiting = waiting or not waiting_on.isdisjoint(others)  # type: ignore[attr-defined]
            continue
        vector = _signed_sum(signs, others, rows, -signs[key])  # type: ignore[arg-type]
        if min(vector) >= 0:
            vectors.add(vector)
    return vectors, waiting


def _signed_sum(signs: dict[str, int], keys: list[str], rows: list[tuple[int, ...]], factor: int) -> Vector:
    """``factor`` times the column sums of ``rows``, each row with its sign: summed column by column in C."""
    terms = [row if signs[key] == factor else tuple(-v for v in row) for key, row in zip(keys, rows, strict=True)]
    return tuple(map(sum, zip(*terms, strict=True)))


def _compatible(row: _Row, vector: Vector) -> bool:
    """Whether ``vector`` can be what the row printed: its numbers in order, or its digits cut into cells."""
    if vector in row.candidates:
        return True
    # Numbers as printed (a ``000019`` is glued cells, not 19): the row lost cells but none was glued.
    whole = all(n.lstrip("-").isdigit() and str(int(n)) == n for n in row.numbers)
    if whole and is_subsequence([int(n) for n in row.numbers], vector):
        return True
    return _cuts_into(row.numbers, vector)


def _cuts_into(numbers: tuple[str, ...], vector: Vector) -> bool:
    """Whether the digit runs read as ``vector``'s cells, each cell within one run."""
    cells = iter(str(v) for v in vector)
    for number in numbers:
        pos = 0
        while pos < len(number):
            cell = next(cells, None)
            if cell is None or not number.startswith(cell, pos):
                return False
            pos += len(cell)
    return next(cells, None) is None


def _solve(
    out: Extracted, stream: Stream, pending: dict[str, _Row], known: dict[str, tuple[int | None, ...]], template: str
) -> None:
    """Settle pending rows one at a time where a single reading is left; let the identities choose jointly
    among candidates when one at a time settles nothing more."""
    if pending and all(len(row.candidates) == 1 for row in pending.values()):
        # The common glued table: one reading a row. If with them every identity holds in every column,
        # each row is confirmed by the table at once.
        trial = {**known, **{key: next(iter(row.candidates)) for key, row in pending.items()}}
        if all(key in trial for key in APPLICATION_ROWS[template]) and _all_hold(trial, list(pending), template):
            for key in list(pending):
                _settle(out, stream, pending, known, key, trial[key], template, by_columns=True)  # type: ignore[arg-type]
            return
    relaxed = False
    while pending:
        if _settle_one(out, stream, pending, known, template, relaxed):
            relaxed = False
        elif not relaxed:
            relaxed = True
        elif not _settle_jointly(out, stream, pending, known, template):
            break


def _settle_one(
    out: Extracted,
    stream: Stream,
    pending: dict[str, _Row],
    known: dict[str, tuple[int | None, ...]],
    template: str,
    relaxed: bool,
) -> bool:
    """Settle, in one sweep, every pending row with one reading left; a row waiting on another goes later."""
    settled = False
    for key in list(pending):
        row = pending[key]
        if len(row.candidates) > MAX_CANDIDATES:
            continue
        vectors, waiting = _identity_vectors(key, known, pending.keys(), template)
        if waiting and not relaxed:
            continue
        given = {v for v in vectors if _compatible(row, v)}
        left = set(row.candidates) | given
        if len(left) != 1 and given and len(row.candidates) > 1:
            left = set(row.candidates) & given
        if len(left) != 1:
            continue
        (vector,) = left
        _settle(out, stream, pending, known, key, vector, template, by_columns=bool(given))
        settled = True
    return settled


def _settle_jointly(
    out: Extracted, stream: Stream, pending: dict[str, _Row], known: dict[str, tuple[int | None, ...]], template: str
) -> bool:
    """Try every combination of the ambiguous rows' candidates against the column identities; settle each row
    whose reading is the same in every combination that satisfies them all."""
    ambiguous = {k: r for k, r in pending.items() if 1 < len(r.candidates) <= MAX_CANDIDATES}
    if not ambiguous:
        return False
    size = 1
    for row in ambiguous.values():
        size *= len(row.candidates)
    if size > _MAX_COMBINATIONS:
        return False
    keys = list(ambiguous)
    readings = _joint_readings(known, {k: list(ambiguous[k].candidates) for k in keys}, template)
    if readings is None:
        return False
    settled = False
    for key in keys:
        if len(readings[key]) == 1:
            _settle(out, stream, pending, known, key, readings[key].pop(), template, by_columns=True)
            settled = True
    return settled


def _joint_readings(
    known: dict[str, tuple[int | None, ...]], choices: dict[str, list[Vector]], template: str
) -> dict[str, set[Vector]] | None:
    """Per row of ``choices``, its readings that take part in some combination (one reading a row) with which
    every column identity holds (:func:`_all_hold` of the known rows and the combination); None if none does.

    Each identity and column whose cells are all known or chosen is one equation; a reading's part in all of
    them is packed into one integer, a field per equation, so that a combination holds when its parts and the
    known rows' add up to 0. The rows are split in two halves, whose sums meet in a dict: the combinations
    are not walked one by one."""
    keys = list(choices)
    involved = set(keys)
    equations: list[tuple[dict[str, int], int]] = []
    for signs in _IDENTITIES[template]:
        if involved.isdisjoint(signs) or not all(r in known or r in involved for r in signs):
            continue
        fixed = [known[r] for r in signs if r not in involved]
        equations += [(signs, c) for c in range(WIDTH) if all(v[c] is not None for v in fixed)]
    # Fields wide enough that no sum of a column (at most a few dozen rows) reaches the next one.
    largest = max(
        [abs(v) for r in known for v in known[r] if v is not None]
        + [abs(v) for vectors in choices.values() for vector in vectors for v in vector]
        + [1]
    )
    shift = largest.bit_length() + 8
    constant = 0
    for j, (signs, c) in enumerate(equations):
        for r, sign in signs.items():
            if r not in involved:
                constant += sign * known[r][c] << (shift * j)  # type: ignore[operator]
    parts = {
        key: [
            sum(signs[key] * vector[c] << (shift * j) for j, (signs, c) in enumerate(equations) if key in signs)
            for vector in vectors
        ]
        for key, vectors in choices.items()
    }
    half = _halves(keys, choices)
    first, second = keys[:half], keys[half:]
    # Sum of the second half's parts → per row of it, the readings giving that sum.
    meets: dict[int, list[set[Vector]]] = {}
    for combination in product(*(range(len(choices[k])) for k in second)):
        total = sum(parts[k][i] for k, i in zip(second, combination, strict=True))
        found = meets.get(total)
        if found is None:
            found = meets[total] = [set() for _ in second]
        for k, i, seen in zip(second, combination, found, strict=True):
            seen.add(choices[k][i])
    readings: dict[str, set[Vector]] = {k: set() for k in keys}
    for combination in product(*(range(len(choices[k])) for k in first)):
        total = constant + sum(parts[k][i] for k, i in zip(first, combination, strict=True))
        found = meets.get(-total)
        if found is None:
            continue
        for k, i in zip(first, combination, strict=True):
            readings[k].add(choices[k][i])
        for k, seen in zip(second, found, strict=True):
            readings[k] |= seen
    return readings if any(readings.values()) else None


def _halves(keys: list[str], choices: dict[str, list[Vector]]) -> int:
    """Where to cut ``keys`` so that the two halves have about as many combinations each."""
    best, cut = None, 0
    for h in range(len(keys) + 1):
        left = right = 1
        for k in keys[:h]:
            left *= len(choices[k])
        for k in keys[h:]:
            right *= len(choices[k])
        if best is None or max(left, right) < best:
            best, cut = max(left, right), h
    return cut


def _all_hold(values: dict[str, tuple[int | None, ...]], involved: list[str], template: str) -> bool:
    """Whether every column identity touching an ``involved`` row holds where all its cells are known."""
    for signs in _IDENTITIES[template]:
        if not any(k in signs for k in involved) or not all(r in values for r in signs):
            continue
        for c in range(WIDTH):
            cells = [values[r][c] for r in signs]
            counts = [v for v in cells if v is not None]
            if len(counts) == len(cells) and sum(s * v for s, v in zip(signs.values(), counts, strict=True)) != 0:
                return False
    return True


def _settle(
    out: Extracted,
    stream: Stream,
    pending: dict[str, _Row],
    known: dict[str, tuple[int | None, ...]],
    key: str,
    vector: Vector,
    template: str,
    by_columns: bool,
) -> None:
    row = pending.pop(key)
    known[key] = vector
    origin = row.candidates.get(vector) or _aligned(row, vector)
    paths = _PATHS[key]
    out.values[key].update(zip(APPLICANT_COLUMNS, vector, strict=True))
    out.provenance.update(_INFERRED[key])
    cells, lines, locations = stream.cells, stream.lines, out.locations
    # Per number of the row: its line, start and end, and whether its text is its digits as printed (then a
    # value stands in the part of the cell its digits are; else it stands in the whole cell).
    numbers_at = []
    for i in row.cells:
        cell = cells[i]
        numbers_at.append((lines[i], cell.start, cell.end, cell.end - cell.start == len(cell.text)))
    for path, where in zip(paths, origin, strict=True):
        if where is not None:
            k, start, end = where
            line, first, last, exact = numbers_at[k]
            locations[path] = (line, first + start, first + end) if exact else (line, first, last)
    code, message = _settled_message(row.numbers, vector, by_columns)
    out.issues.append(issue(code, row.line, f"§3 row 「{_label(key, template)}」 (line {row.line}): {message}"))


@lru_cache(maxsize=8192)
def _settled_message(numbers: tuple[str, ...], vector: Vector, by_columns: bool) -> tuple[IssueCode, str]:
    """What a settled row's issue says of how it was read. A row's candidates and splits are those of its
    numbers (:func:`_readings`), so this is one per numbers and reading: cached, as ``0000000`` read as seven
    zeros recurs in every glued report."""
    _, glued_splits = _readings(numbers)
    how = "the row sum and the column identities" if by_columns else "the row sum"
    if vector in glued_splits or (bool(glued_splits) and _cuts_into(numbers, vector)):
        printed = " ".join(numbers)
        return IssueCode.GLUED_CELLS_SPLIT, f"「{printed}」 read as {describe(vector)}: the only split {how} allow"
    return IssueCode.ROW_CELLS_INFERRED, f"{len(numbers)} numbers for {WIDTH} columns; placed by the table's identities"


def _aligned(row: _Row, vector: Vector) -> Origin:
    """Where each of ``vector``'s values was printed, for a reading the identities gave: the row's numbers
    matched in order (a cell they lack has no place), or its digit runs cut into the cells; by the
    index of the number in the row, as :attr:`_Row.candidates` says it."""
    where: list[tuple[int, int, int] | None] = [None] * WIDTH
    if _cuts_into(row.numbers, vector) and len(row.numbers) < WIDTH:
        k = 0
        for i, number in enumerate(row.numbers):
            pos = 0
            while pos < len(number):
                size = len(str(vector[k]))
                where[k] = (i, pos, pos + size)
                pos, k = pos + size, k + 1
        return tuple(where)
    numbers = iter(enumerate(row.numbers))
    pending = next(numbers, None)
    for k, value in enumerate(vector):
        if pending is not None and pending[1].lstrip("-").isdigit() and int(pending[1]) == value:
            where[k] = (pending[0], 0, len(pending[1]))
            pending = next(numbers, None)
    return tuple(where)


# A split chosen by the row sum among more readings than this needs a column identity to confirm it: with
# a cell lost or left empty, a wrong reading may add up by chance.
_UNCONFIRMED_FREEDOM = 1
_ZERO = (0,) * WIDTH


def _confirm_splits(
    out: Extracted, rows: dict[str, _Row], known: dict[str, tuple[int | None, ...]], template: str
) -> None:
    """Keep a glued split only where the rest of the table does not put it in doubt.

    An empty or lost cell leaves no trace among glued digits, and the rest may still split so that the row
    adds up (``162 17 1 _ 3 3 186`` printed ``1621713 3186`` also reads 1|6|2|171|3|3|186). So a split is
    undone when a column identity says the row is something else and the digits are exactly that row less
    one cell; and a split the row sum picked among several readings stands only if a column identity
    confirms it (unchecked, only a split whose every cut is forced stands). (A report whose printed numbers
    do not add up offers no such reading, and keeps its rows as printed.)
    """
    if not any(row.glued and row.fixed is None and key in known for key, row in rows.items()):
        return  # no split to confirm (the common table)
    # Each identity's sum per column over the settled rows (zero where it holds), or None if one is unsettled.
    sums: list[tuple[dict[str, int], Vector | None]] = []
    for signs in _IDENTITIES[template]:
        keys = list(signs)
        settled = [known.get(r) for r in keys]
        complete = None not in settled and not any(None in v for v in settled)  # type: ignore[operator]
        sums.append((signs, _signed_sum(signs, keys, settled, 1) if complete else None))  # type: ignore[arg-type]
    for key, row in rows.items():
        if not row.glued or row.fixed is not None or key not in known:
            continue
        vector = known[key]
        if any(total == _ZERO and key in signs for signs, total in sums):
            continue  # an identity that holds over the settled rows confirms it (the common case)
        # What each identity over the settled rows says this row must be: itself less its sign times the sum.
        checked = [
            tuple(v - signs[key] * t for v, t in zip(vector, total, strict=True))  # type: ignore[operator]
            for signs, total in sums
            if total is not None and key in signs
        ]
        if vector in checked:
            continue  # a column identity over settled rows confirms it
        doubt = None

        def lost_a_cell(required: Vector, row: _Row = row, vector: tuple[int | None, ...] = vector) -> bool:
            """Whether the row's digits are exactly ``required`` less one cell (and it is not the split)."""
            shorter = (required[:z] + required[z + 1 :] for z in range(WIDTH))
            return required != vector and min(required) >= 0 and any(_cuts_into(row.numbers, v) for v in shorter)

        required = _first_required(key, rows, known, template, lost_a_cell)
        if required is not None:
            doubt = f"the column identities give {describe(required)} with a cell left out"
        if doubt is None and _freedom(row) > 1:
            if checked:
                doubt = f"the column identities give {describe(checked[0])}"
            elif _freedom(row) > _UNCONFIRMED_FREEDOM:
                doubt = f"{_freedom(row)} readings fit seven cells and no column identity can confirm one"
        if doubt is None:
            continue
        del known[key]
        for column in APPLICANT_COLUMNS:
            path = f"applications.{key}.{column}"
            out.set(path, None, None)
            out.locations.pop(path, None)
        out.provenance.update({f"applications.{key}.{c}": "missing" for c in APPLICANT_COLUMNS})
        out.issues = [i for i in out.issues if not (i.code == "GLUED_CELLS_SPLIT" and f"「{_label(key, template)}」" in i.message)]
        out.issues.append(
            issue(
                IssueCode.GLUED_CELLS_AMBIGUOUS,
                row.line,
                f"§3 row 「{_label(key, template)}」 (line {row.line}): 「{' '.join(row.numbers)}」 adds up as "
                f"{describe(vector)}, but {doubt}; left null",
            )
        )


def _freedom(row: _Row) -> int:
    """How many ways the row's digits split into seven cells at all, before any sum: 1 when every cut is
    forced (up to ``MAX_CANDIDATES + 1``)."""
    return len(splits(row.numbers, WIDTH))


def _first_required(
    key: str,
    rows: dict[str, _Row],
    known: dict[str, tuple[int | None, ...]],
    template: str,
    accept: Callable[[Vector], bool],
) -> Vector | None:
    """The first of what the column identities say row ``key`` must be, from the other rows' readings —
    settled, or each candidate of a row still unsettled — that ``accept`` takes: identity by identity, the
    combinations of the unsettled rows' candidates in order.

    A row's part in the sum is packed into one integer (a field per column), so that a combination is summed
    in C; each distinct sum is unpacked and offered to ``accept`` once."""
    for signs in _IDENTITIES[template]:
        if key not in signs:
            continue
        factor = -signs[key]
        others = [r for r in signs if r != key]
        choices: list[list[Vector]] = []
        for r in others:
            if r in known and None not in known[r]:
                choices.append([known[r]])  # type: ignore[list-item]
            elif r in rows and 0 < len(rows[r].candidates) <= 8 and r not in known:
                choices.append(list(rows[r].candidates))
            else:
                break
        else:
            largest = max([abs(v) for vectors in choices for vector in vectors for v in vector] + [1])
            width = largest.bit_length() + 8  # a field holds the sum of a few dozen rows with room to spare
            terms = [
                [_packed(vector, width) * (1 if signs[r] == factor else -1) for vector in vectors]
                for r, vectors in zip(others, choices, strict=True)
            ]
            base = sum(t[0] for t in terms if len(t) == 1)
            varying = [t for t in terms if len(t) > 1]
            seen: set[int] = set()
            for combination in product(*varying):
                total = base + sum(combination)
                if total in seen:
                    continue
                seen.add(total)
                vector = _unpacked(total, width)
                if accept(vector):
                    return vector
    return None


def _packed(vector: Vector, width: int) -> int:
    """``vector`` as one integer, a ``width``-bit field per value (values of either sign)."""
    packed = 0
    for v in reversed(vector):
        packed = (packed << width) + v
    return packed


def _unpacked(packed: int, width: int) -> Vector:
    """Inverse of :func:`_packed` (each field's value below ``2 ** (width - 1)`` in size)."""
    mask, half = (1 << width) - 1, 1 << (width - 1)
    values = []
    for _ in range(WIDTH):
        v = packed & mask
        if v >= half:
            v -= 1 << width
        values.append(v)
        packed = (packed - v) >> width
    return tuple(values)


# What was not read ---------------------------------------------------------------------------------------


def _unresolved(out: Extracted, row: _Row, template: str) -> None:
    for column in APPLICANT_COLUMNS:
        out.set(f"applications.{row.key}.{column}", None, None)
    label = _label(row.key, template)
    printed = " ".join(row.numbers) or f"{len(row.cells)} cells"
    if row.glued and len(row.candidates) > 1:
        listed = "; ".join(describe(v) for v in list(row.candidates)[:6])
        more = f" and {len(row.candidates) - 6} more" if len(row.candidates) > 6 else ""
        message = (
            f"§3 row 「{label}」 (line {row.line}): 「{printed}」 holds {WIDTH} cells without separators and "
            f"{len(row.candidates)} splits fit its sums ({listed}{more}); left null"
        )
        out.issues.append(issue(IssueCode.GLUED_CELLS_AMBIGUOUS, row.line, message))
        return
    out.issues.append(
        issue(
            IssueCode.ROW_UNRESOLVED,
            row.line,
            f"§3 row 「{label}」 (line {row.line}): {len(row.cells)} cells for {WIDTH} columns "
            "and no single placement satisfies the identities; left null",
        )
    )


def _report_absent(out: Extracted, rows: dict[str, _Row], template: str) -> None:
    """Rows not in the text: one issue for a table cut off at its end, one per row missing in the middle."""
    order = APPLICATION_ROWS[template]
    absent = [k for k in order if k not in rows]
    for key in absent:
        for column in APPLICANT_COLUMNS:
            out.set(f"applications.{key}.{column}", None, None)
    if not absent:
        return
    if not rows:
        out.issues.append(issue(IssueCode.TABLE_MISSING, None, "§3 table not found: its values are null"))
        return
    last_read = max(order.index(k) for k in rows)
    tail = [k for k in absent if order.index(k) > last_read]
    if tail:
        out.issues.append(
            issue(
                IssueCode.TABLE_CUT_OFF,
                None,
                f"§3 stops after 「{_label(order[last_read], template)}」: {len(tail)} row(s) after it are not in "
                "the text and are null",
            )
        )
    for key in absent:
        if key not in tail:
            out.issues.append(
                issue(IssueCode.ROW_MISSING, None, f"§3 row 「{_label(key, template)}」 not found or has no numbers")
            )

