"""The three tables — §2 proactive disclosure, §3 applications, §4 review and litigation — from a cell stream.

Row policy (shared with the hand-written expected JSON): a row with exactly its count of numbers is read
as is; otherwise the placements the row's sum identity and the §3 column identities allow are tried
(:mod:`loaders.recovery`) and the row is taken only if exactly one vector remains, all its cells marked
``inferred``; else the row is null, ``missing``, with an issue. Empty and dash cells are null, ``missing``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from unicodedata import normalize

from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    CATEGORY_LABELS,
    DECIMAL_METRICS,
    GROUP_LABELS,
    OUTCOME_LEAVES,
    PROACTIVE_METRICS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    ROW_LABELS_2019,
    ROW_LABELS_2021,
    Issue,
    Provenance,
    Value,
    empty_applications,
    empty_proactive,
    empty_reviews,
)
from loaders.cells import Cell, by_line
from loaders.labels import match_category, match_row
from loaders.numbers import Kind, to_amount, to_count
from loaders.recovery import REVIEW_SUMS, ROW_SUM, is_subsequence, sum_candidates

WIDTH = len(APPLICANT_COLUMNS)
REVIEW_WIDTH = len(REVIEW_GROUPS) * len(REVIEW_RESULTS)
_REVIEW_PATHS = tuple((g, r) for g in REVIEW_GROUPS for r in REVIEW_RESULTS)
# Identity 1, as signs: new + carried over − outcome total − carried forward = 0, per column.
_BALANCE = {"new_received": 1, "carried_over": 1, "outcome_total": -1, "carried_forward": -1}
# The kinds as module globals: reading ``Kind.TEXT`` is a slow enum-class lookup in the per-cell loops.
_EMPTY, _NUMBER, _DASH, _TEXT = Kind.EMPTY, Kind.NUMBER, Kind.DASH, Kind.TEXT


@dataclass(slots=True)
class Extracted:
    """One table's values (every cell present), provenance by dotted path, and the issues found."""

    values: dict[str, dict[str, Value]]
    provenance: dict[str, Provenance] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def _label(row: str, template: str) -> str:
    return (ROW_LABELS_2019 if template == "2019" else ROW_LABELS_2021)[row]


def _dash_issue(cell: Cell, where: str) -> Issue:
    return Issue("DASH_AS_NULL", "info", cell.line, f"{where}: cell {cell.text!r} read as none reported (null)")


# §2 ------------------------------------------------------------------------------------------------------


def extract_proactive(cells: Sequence[Cell], template: str) -> Extracted:
    """§2: each category row's cells in metric order; a row laid out in tabs is read by position."""
    out = Extracted(empty_proactive(template))
    lines = by_line(cells)
    seen: set[str] = set()
    for start, first in enumerate(cells):
        if first.kind is not _TEXT:
            continue
        index, cell = start, first  # the label's last cell: its values follow it
        category = match_category(first.text, template)
        following = cells[start + 1] if start + 1 < len(cells) else None
        if category is None and following is not None and following.kind is _TEXT:
            # A label wrapped over two cells (其他对外管 / 理服务事项): read it whole.
            category = match_category(first.text + following.text, template)
            index, cell = start + 1, following
        if category is None or category in seen:
            continue
        seen.add(category)
        metrics = PROACTIVE_METRICS[template][category]
        same_line = [c for c in lines[cell.line] if c.col > cell.col]
        numeric = [c for c in same_line if c.kind in (_NUMBER, _DASH)]
        if same_line and len(numeric) < len(metrics):
            # A tab-separated row with fewer values than metrics: empty cells keep their place.
            slots: list[Cell | None] = list(same_line[: len(metrics)])
        elif same_line:
            slots = list(numeric[: len(metrics)])
        else:
            slots = _following_numbers(cells, index + 1, len(metrics))
        slots += [None] * (len(metrics) - len(slots))
        for metric, slot in zip(metrics, slots, strict=True):
            _set_proactive(out, category, metric, slot)
        if any(s is None or s.kind is _EMPTY for s in slots):
            out.issues.append(
                Issue("CELLS_EMPTY", "info", cell.line, f"§2 {CATEGORY_LABELS[category]}: empty cell(s) read as null")
            )
    for category, metrics in PROACTIVE_METRICS[template].items():
        if category not in seen:
            for metric in metrics:
                out.provenance[f"proactive.{category}.{metric}"] = "missing"
            out.issues.append(
                Issue("ROW_MISSING", "warning", None, f"§2 row 「{CATEGORY_LABELS[category]}」 not found")
            )
    return out


def _following_numbers(cells: Sequence[Cell], start: int, count: int) -> list[Cell | None]:
    """Up to ``count`` number or dash cells from ``start``, skipping empties, stopping at text."""
    found: list[Cell | None] = []
    for cell in cells[start:]:
        if cell.kind is _TEXT or len(found) == count:
            break
        if cell.kind is not _EMPTY:
            found.append(cell)
    return found


def _set_proactive(out: Extracted, category: str, metric: str, slot: Cell | None) -> None:
    path = f"proactive.{category}.{metric}"
    value: Value = None
    if slot is not None and slot.kind is _NUMBER:
        value = to_amount(slot.text) if (category, metric) in DECIMAL_METRICS else to_count(slot.text)
        if value is None:
            out.issues.append(Issue("NOT_A_COUNT", "warning", slot.line, f"{path}: {slot.text!r} is not a count"))
    elif slot is not None and slot.kind is _DASH:
        out.issues.append(_dash_issue(slot, path))
    elif slot is not None and slot.kind is _TEXT:
        out.issues.append(Issue("CELL_UNREADABLE", "warning", slot.line, f"{path}: {slot.text!r} is not a number"))
    out.values[category][metric] = value
    if value is None:
        out.provenance[path] = "missing"


# §3 ------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Run:
    """A run of number cells with the text around it: before it, on its first line, and after it.

    ``after`` is the next run's ``before``; only its first line is read, as this run's wrapped label.
    """

    before: list[Cell]
    own: list[Cell]
    cells: list[Cell] = field(default_factory=list)
    after: list[Cell] = field(default_factory=list)

    @property
    def line(self) -> int:
        return (self.own or self.before or self.cells)[-1].line


def _runs(cells: Sequence[Cell]) -> list[_Run]:
    """Cut the stream into runs of numbers (empties skipped), each with its surrounding text cells."""
    runs: list[_Run] = []
    texts: list[Cell] = []
    numbers: list[Cell] | None = None  # the current run's cells, None between runs
    for cell in cells:
        kind = cell.kind
        if kind is _NUMBER or kind is _DASH:  # the commonest cells first
            if numbers is None:
                own = [c for c in texts if c.line == cell.line]
                before = texts[: len(texts) - len(own)] if own else texts
                if runs:
                    runs[-1].after = before
                runs.append(_Run(before, own))
                numbers = runs[-1].cells
                texts = []
            numbers.append(cell)
        elif kind is _TEXT:
            numbers = None
            texts.append(cell)
    if runs:
        runs[-1].after = texts
    return runs


def _read_rows(cells: Sequence[Cell], template: str) -> tuple[dict[str, _Run], list[Issue]]:
    """The run of numbers each §3 row label names."""
    reads: dict[str, _Run] = {}
    issues: list[Issue] = []
    for run in _runs(cells):
        wrapped = [c.text for c in run.after if c.line == run.after[0].line] if run.after else []
        row = match_row([c.text for c in run.own], [c.text for c in run.before], wrapped, template, reads)
        if row is None:
            issues.append(Issue("UNLABELLED_NUMBERS", "warning", run.line, "§3: numbers without a row label"))
        elif row in reads:
            issues.append(Issue("ROW_DUPLICATE", "warning", run.line, f"§3 row 「{_label(row, template)}」 read twice"))
        else:
            reads[row] = run
    return reads, issues


def _identities(template: str) -> dict[str, list[tuple[dict[str, int], tuple[str, ...]]]]:
    """Per row: the column identities that can give it, as (signs over rows summing to 0, the other rows)."""
    leaves = OUTCOME_LEAVES[template]
    outcome = {**dict.fromkeys(leaves, 1), "outcome_total": -1}  # identity 3: leaves − outcome total = 0
    found: dict[str, list[tuple[dict[str, int], tuple[str, ...]]]] = {}
    for signs in (_BALANCE, outcome):
        for row in signs:
            found.setdefault(row, []).append((signs, tuple(r for r in signs if r != row)))
    return found


_IDENTITIES = {t: _identities(t) for t in APPLICATION_ROWS}


def _identity_vectors(
    row: str, known: dict[str, tuple[int, ...]], pending: Collection[str], template: str
) -> tuple[list[tuple[int, ...]], bool]:
    """Row vectors the column identities give from known rows, and whether one waits on a pending row."""
    vectors: list[tuple[int, ...]] = []
    waiting = False
    for signs, others in _IDENTITIES[template].get(row, ()):
        if not all(r in known for r in others):
            waiting = waiting or any(r in pending for r in others)
            continue
        vector = tuple(-signs[row] * sum(signs[r] * known[r][c] for r in others) for c in range(WIDTH))
        if min(vector) >= 0:
            vectors.append(vector)
    return vectors, waiting


def extract_applications(cells: Sequence[Cell], template: str) -> Extracted:
    """§3: every row of the template's matrix, recovered through the identities where cells were lost."""
    out = Extracted(empty_applications(template))
    reads, out.issues = _read_rows(cells, template)
    known: dict[str, tuple[int, ...]] = {}
    # Rows with a wrong count: their numbers and the vectors the row sum allows (fixed, so computed once).
    pending: dict[str, tuple[list[int], set[tuple[int, ...]]]] = {}
    for row, read in reads.items():
        values: list[int | None] = []
        for c in read.cells:
            if c.kind is _NUMBER:
                values.append(int(c.text) if "." not in c.text else None)  # to_count, inlined: ~200 cells a report
            else:
                values.append(None)
                if c.kind is _DASH:
                    out.issues.append(_dash_issue(c, f"§3 row 「{_label(row, template)}」"))
        if len(values) == WIDTH:
            out.values[row].update(zip(APPLICANT_COLUMNS, values, strict=True))
            if None not in values:
                known[row] = tuple(values)  # type: ignore[arg-type]
            else:
                for column, value in zip(APPLICANT_COLUMNS, values, strict=True):
                    _set_application(out, row, column, value, None)
        elif None in values:
            _unresolved(out, row, read, template)
        else:
            numbers: list[int] = values  # type: ignore[assignment]
            pending[row] = (numbers, sum_candidates(numbers, WIDTH, ROW_SUM))

    # Rows with a wrong count, one at a time; a row whose identity waits on another pending row goes last.
    relaxed = False
    while pending:
        if _resolve_one(out, reads, pending, known, template, relaxed):
            relaxed = False
        elif relaxed:
            break
        else:
            relaxed = True
    for row in pending:
        _unresolved(out, row, reads[row], template)
    for row in APPLICATION_ROWS[template]:
        if row not in reads:
            for column in APPLICANT_COLUMNS:
                _set_application(out, row, column, None, "missing")
            out.issues.append(
                Issue("ROW_MISSING", "warning", None, f"§3 row 「{_label(row, template)}」 not found or has no numbers")
            )
    return out


def _resolve_one(
    out: Extracted,
    reads: dict[str, _Run],
    pending: dict[str, tuple[list[int], set[tuple[int, ...]]]],
    known: dict[str, tuple[int, ...]],
    template: str,
    relaxed: bool,
) -> bool:
    """Recover the first pending row that has exactly one candidate vector; False if none has."""
    for row, (read_numbers, by_row_sum) in pending.items():
        if len(by_row_sum) > 1:
            continue  # candidates only accumulate: this row can never become unique
        vectors, waiting = _identity_vectors(row, known, pending, template)
        if waiting and not relaxed:
            continue
        candidates = by_row_sum | {v for v in vectors if is_subsequence(read_numbers, v)}
        if len(candidates) != 1:
            continue
        (vector,) = candidates
        known[row] = vector
        del pending[row]
        for column, value in zip(APPLICANT_COLUMNS, vector, strict=True):
            _set_application(out, row, column, value, "inferred")
        line = reads[row].line
        out.issues.append(
            Issue(
                "ROW_CELLS_INFERRED",
                "warning",
                line,
                f"§3 row 「{_label(row, template)}」 (line {line}): {len(read_numbers)} numbers for {WIDTH} "
                "columns; placed by the table's identities",
            )
        )
        return True
    return False


def _set_application(out: Extracted, row: str, column: str, value: int | None, provenance: Provenance | None) -> None:
    out.values[row][column] = value
    if value is None:
        out.provenance[f"applications.{row}.{column}"] = "missing"
    elif provenance is not None:
        out.provenance[f"applications.{row}.{column}"] = provenance


def _unresolved(out: Extracted, row: str, read: _Run, template: str) -> None:
    for column in APPLICANT_COLUMNS:
        _set_application(out, row, column, None, "missing")
    out.issues.append(
        Issue(
            "ROW_UNRESOLVED",
            "warning",
            read.line,
            f"§3 row 「{_label(row, template)}」 (line {read.line}): {len(read.cells)} cells for {WIDTH} columns "
            "and no single placement satisfies the identities; left null",
        )
    )


# §4 ------------------------------------------------------------------------------------------------------


def _positional_row(cells: Sequence[Cell]) -> list[Cell] | None:
    """A tab-separated line holding exactly the 15 §4 cells (numbers, dashes, empties), if there is one."""
    for row in by_line(cells).values():
        if len(row) < 2 or any(c.kind is _TEXT for c in row) or all(c.kind is _EMPTY for c in row):
            continue
        row = list(row)
        while len(row) > REVIEW_WIDTH and row[-1].kind is _EMPTY:
            row.pop()
        while len(row) > REVIEW_WIDTH and row[0].kind is _EMPTY:
            row.pop(0)
        if len(row) == REVIEW_WIDTH:
            return row
    return None


def _number_run(cells: Sequence[Cell]) -> list[Cell]:
    """The first run of number or dash cells (empties skipped), ending at the next text cell."""
    run: list[Cell] = []
    for cell in cells:
        if cell.kind is _TEXT and run:
            break
        if cell.kind in (_NUMBER, _DASH):
            run.append(cell)
    return run


def extract_reviews(cells: Sequence[Cell]) -> Extracted:
    """§4: fifteen counts; by position when laid out in tabs, else in reading order with group-sum recovery."""
    out = Extracted(empty_reviews())
    row = _positional_row(cells)
    if row is None:
        row = _number_run(cells)
        if len(row) != REVIEW_WIDTH:
            _recover_reviews(out, row)
            return out
    empty = 0
    for (group, result), cell in zip(_REVIEW_PATHS, row, strict=True):
        value = to_count(cell.text) if cell.kind is _NUMBER else None
        out.values[group][result] = value
        if value is None:
            out.provenance[f"reviews.{group}.{result}"] = "missing"
        if cell.kind is _DASH:
            out.issues.append(_dash_issue(cell, f"reviews.{group}.{result}"))
        empty += cell.kind is _EMPTY
    if empty:
        out.issues.append(Issue("CELLS_EMPTY", "info", row[0].line, f"§4: {empty} empty cell(s) read as null"))
    return out


def _recover_reviews(out: Extracted, run: list[Cell]) -> None:
    line = run[0].line if run else None
    values = [to_count(c.text) if c.kind is _NUMBER else None for c in run]
    candidates = set() if None in values else sum_candidates(values, REVIEW_WIDTH, REVIEW_SUMS)  # type: ignore[arg-type]
    if len(candidates) == 1:
        (vector,) = candidates
        for (group, result), value in zip(_REVIEW_PATHS, vector, strict=True):
            out.values[group][result] = value
            out.provenance[f"reviews.{group}.{result}"] = "inferred"
        out.issues.append(
            Issue(
                "ROW_CELLS_INFERRED",
                "warning",
                line,
                f"§4 (line {line}): {len(run)} numbers for {REVIEW_WIDTH} cells; placed by the group sums",
            )
        )
        return
    for group, result in _REVIEW_PATHS:
        out.provenance[f"reviews.{group}.{result}"] = "missing"
    code, what = ("ROW_MISSING", "no numbers found") if not run else ("ROW_UNRESOLVED", f"{len(run)} numbers")
    groups = "、".join(normalize("NFKC", GROUP_LABELS[g]) for g in REVIEW_GROUPS)
    out.issues.append(Issue(code, "warning", line, f"§4 ({groups}): {what} for {REVIEW_WIDTH} cells; left null"))
