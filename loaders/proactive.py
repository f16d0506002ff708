"""§2, proactive disclosure: each category row's cells in metric order.

A row's cells follow its label: on its line (tabs, pipes), on the lines after it (one cell per line or per
paragraph), or glued to it. A tab row with fewer values than metrics keeps its empty cells in place.
Glued digits (``行政规范性文件693665``) have no identity to settle them: a cell of a run is read only when
every split left gives it the same number — the splits the digits allow (``000`` is 0, 0, 0), narrowed by
the figures the §1 narrative states for the row (``现行有效行政规范性文件698件``) when some split gives them
all; in a 2019 row a minus starts the 本年增/减 cell (or is a dash), which settles the cells before it.
The other cells are null with the candidates listed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from loaders.canonical import CATEGORY_LABELS, DECIMAL_METRICS, PROACTIVE_METRICS, Location, Value, empty_proactive
from loaders.cells import Stream
from loaders.issues import IssueCode, issue
from loaders.labels import match_category
from loaders.numbers import Kind
from loaders.splits import MAX_CANDIDATES, describe, splits
from loaders.tables import Extracted, read_cell, token_location

_EMPTY, _NUMBER, _TEXT, _PAD = Kind.EMPTY, Kind.NUMBER, Kind.TEXT, Kind.PAD
_MAX_DIGITS = 9
# What a narrative may state of a §2 cell: (category, metric) → pattern whose group 1 is the figure.
_DOCS = {"regulations": "规章", "normative_documents": r"(?:行政)?规范性文件"}
_STATED: dict[tuple[str, str], re.Pattern[str]] = {}
for _category, _word in _DOCS.items():
    _STATED[(_category, "in_force")] = re.compile(rf"现行有效的?{_word}(?:共|合计)?(\d+)件")
    _STATED[(_category, "issued")] = re.compile(
        rf"(?:本年度?|全年|年内|今年)(?:共|累计)?(?:新)?(?:制发|印发|出台|制定)(?:的|了)?{_word}(?:共|合计)?(\d+)件"
    )
    _STATED[(_category, "repealed")] = re.compile(rf"废止(?:的|了)?{_word}(?:共|合计)?(\d+)件")


_PATHS = {
    (category, metric): f"proactive.{category}.{metric}"
    for metrics in PROACTIVE_METRICS.values()
    for category, metric_names in metrics.items()
    for metric in metric_names
}


def stated_figures(narrative: str, category: str, metrics: tuple[str, ...]) -> dict[str, int]:
    """The figures the narrative states for a category's metrics (``现行有效…698件`` → in_force 698)."""
    figures: dict[str, int] = {}
    for metric in metrics:
        pattern = _STATED.get((category, metric))
        found = {int(m.group(1)) for m in pattern.finditer(narrative)} if pattern else set()
        if len(found) == 1:
            figures[metric] = found.pop()
    return figures


def extract_proactive(stream: Stream, template: str, narrative: str = "") -> Extracted:
    """§2 of ``template`` from the cells of its section; ``narrative`` is §1, which may settle glued cells."""
    out = Extracted(empty_proactive(template))
    cells = stream.cells
    seen: set[str] = set()
    for t, first in enumerate(cells):
        if first.kind is not _TEXT:
            continue
        label = t  # the label's last cell: its values follow it
        category = match_category(first.text, template)
        if category is None and t + 1 < len(cells) and cells[t + 1].kind is _TEXT:
            # A label wrapped over two cells (其他对外管 / 理服务事项): read it whole.
            category = match_category(first.text + cells[t + 1].text, template)
            label = t + 1
        if category is None or category in seen:
            continue
        seen.add(category)
        out.found = True
        following = []
        j = label + 1
        while j < len(cells) and cells[j].kind is not _TEXT:
            following.append(j)
            j += 1
        # Glued values may be split only when the next label closes them: stray text (a lone ``-``)
        # cutting the row short would leave the digits of fewer cells.
        closed = j == len(cells) or _closes_row(cells[j].text, template)
        _read_row(out, stream, category, template, label, following, narrative, closed)
    for category, metrics in PROACTIVE_METRICS[template].items():
        if category not in seen:
            for metric in metrics:
                out.provenance[f"proactive.{category}.{metric}"] = "missing"
            out.issues.append(issue(IssueCode.ROW_MISSING, None, f"§2 row 「{CATEGORY_LABELS[category]}」 not found"))
    return out


def _closes_row(text: str, template: str) -> bool:
    """Whether a text cell after a row's values is where a row ends: the next label, item or section."""
    return match_category(text, template) is not None or any(w in text for w in ("第二十条", "三、", "收到和处理", "信息内容"))


def _read_row(
    out: Extracted,
    stream: Stream,
    category: str,
    template: str,
    label: int,
    following: list[int],
    narrative: str,
    closed: bool = True,
) -> None:
    cells, lines = stream.cells, stream.lines
    metrics = PROACTIVE_METRICS[template][category]
    explicit = [j for j in following if cells[j].kind is not _PAD]
    same_line = [j for j in following if lines[j] == lines[label]]
    line = lines[label]
    short = 0 < len(explicit) < len(metrics) and all(cells[j].kind is _NUMBER for j in explicit)
    # Values printed on the label's own line and in its own field: the row's borders are gone.
    glued = short and all(lines[j] == line and cells[j].col == cells[label].col for j in explicit)
    could_be_glued = short and (glued or len(same_line) < len(metrics))
    if could_be_glued and _read_glued(out, stream, category, metrics, explicit, narrative, glued, closed):
        return
    if len(explicit) > len(metrics) and all(cells[j].kind is _NUMBER for j in explicit):
        # More numbers than cells (``229 3`` for one count): which belong to the row is a guess.
        for metric in metrics:
            out.set(f"proactive.{category}.{metric}", None, None)
        printed = " ".join(cells[j].text for j in explicit)
        out.issues.append(
            issue(
                IssueCode.ROW_UNRESOLVED,
                line,
                f"§2 {CATEGORY_LABELS[category]} (line {line}): {len(explicit)} numbers 「{printed}」 for "
                f"{len(metrics)} cell(s); left null",
            )
        )
        return
    if len(explicit) >= len(metrics):
        slots: list[int | None] = list(explicit[: len(metrics)])
    elif len(same_line) >= len(metrics):
        slots = list(same_line[: len(metrics)])  # a tab row: empty cells keep their place
    else:
        slots = [*explicit, *[None] * (len(metrics) - len(explicit))]
    empty = False
    values = out.values[category]
    for metric, slot in zip(metrics, slots, strict=True):
        path = _PATHS[category, metric]
        if (
            slot is not None
            and (cell := cells[slot]).kind is _NUMBER
            and "." not in cell.text
            and (category, metric) not in DECIMAL_METRICS
        ):
            # The common cell, a count: read in place (what read_cell and out.set do for it).
            values[metric] = int(cell.text)
            out.locations[path] = (lines[slot], cell.start, cell.end)
            continue
        if slot is None:
            out.set(path, None, None)
            empty = True
            continue
        value, problems = read_cell(stream, slot, path, decimal=(category, metric) in DECIMAL_METRICS)
        out.issues.extend(problems)
        empty = empty or cells[slot].kind in (_EMPTY, _PAD)
        out.set(path, value, stream.span(slot) if value is not None else None)
    if empty:
        out.issues.append(
            issue(IssueCode.CELLS_EMPTY, line, f"§2 {CATEGORY_LABELS[category]}: empty cell(s) read as null")
        )


def _read_glued(
    out: Extracted,
    stream: Stream,
    category: str,
    metrics: tuple[str, ...],
    explicit: list[int],
    narrative: str,
    glued: bool,
    closed: bool,
) -> bool:
    """A row whose cells were printed glued: read it if one split is left; False when it is not glued.

    A cell on which every split left agrees is read even when the others are not (``77132470`` with §1's
    ``制发…77件``: 本年制发件数 77 in every split, the other two cells left null).
    """
    tokens = tuple(stream.cells[j].text for j in explicit)
    candidates = splits(tokens, len(metrics), (), _MAX_DIGITS) if closed else ()
    if not candidates and not glued:
        return False
    line = stream.lines[explicit[0]]
    name = CATEGORY_LABELS[category]
    printed = " ".join(tokens)
    pool: list[_Reading] = [(values, spans) for values, spans in candidates]
    because = "the only split"
    stated = unfit = ""
    if len(candidates) > MAX_CANDIDATES:
        pool = []
    elif len(candidates) > 1:
        figures = stated_figures(narrative, category, metrics)
        pool, stated = _narrowed(pool, figures, metrics)
        if len(pool) == 1:
            because = f"the split §1 confirms ({stated})"
        elif figures and not stated:
            unfit = "; §1 states " + ", ".join(f"{m} {v}" for m, v in figures.items()) + ", which no split gives all of"
    elif not candidates and closed:
        pool = _signed_readings(tokens, metrics)
    settled = _agreed(pool, len(metrics))
    if not glued and len(settled) < len(metrics):
        settled = {}  # numbers on lines of their own may have lost an empty cell anywhere among them
    if len(settled) == len(metrics):
        values = tuple(v for v, _ in settled.values())
        _set_inferred(out, stream, category, metrics, explicit, settled)
        out.issues.append(
            issue(
                IssueCode.GLUED_CELLS_SPLIT,
                line,
                f"§2 {name} (line {line}): 「{printed}」 read as {describe(values)}: {because}",
            )
        )
        return True
    for metric in metrics:
        out.set(f"proactive.{category}.{metric}", None, None)
    if settled:
        _set_inferred(out, stream, category, metrics, explicit, settled)
        given = ", ".join(f"{metrics[k]} {v}" for k, (v, _) in settled.items())
        if stated:
            why = f"in every split that gives what §1 states ({stated})"
        elif candidates:
            why = "in every split"
        else:
            why = "whether its minus is a sign (only 本年增/减 may be negative) or a dash"
        out.issues.append(
            issue(IssueCode.GLUED_CELLS_SPLIT, line, f"§2 {name} (line {line}): 「{printed}」 gives {given} {why}")
        )
    if candidates:
        listed = "; ".join(describe(values) for values, _ in candidates[:6])
        more = f" and {len(candidates) - 6} more" if len(candidates) > 6 else ""
        count = f"{len(candidates)}" if len(candidates) <= MAX_CANDIDATES else f"more than {MAX_CANDIDATES}"
        fits = f"{count} splits fit ({listed}{more}){unfit}"
    elif not closed:
        fits = "text interrupts them, so the row may be cut short"
    else:
        fits = "a signed or decimal number among them cannot be told apart from its neighbours"
    left = "the other cells left null" if settled else "left null"
    out.issues.append(
        issue(
            IssueCode.GLUED_CELLS_AMBIGUOUS,
            line,
            f"§2 {name} (line {line}): 「{printed}」 holds {len(metrics)} cells without separators and {fits}; {left}",
        )
    )
    return True


# One way of reading a glued run: each cell's value (None: a dash, ``_UNSURE``: not worked out) and its
# (token index, start, end).
_Reading = tuple[tuple[object, ...], tuple[tuple[int, int, int] | None, ...]]
_UNSURE = object()


def _narrowed(pool: list[_Reading], figures: dict[str, int], metrics: tuple[str, ...]) -> tuple[list[_Reading], str]:
    """The splits that give every figure §1 states for the row, and those figures. When no split gives them
    all, §1 counts otherwise than the table (``现行有效…393件`` beside a 470 in the row) and settles nothing."""
    agreeing = [r for r in pool if all(r[0][metrics.index(m)] == v for m, v in figures.items())]
    if not figures or not agreeing:
        return pool, ""
    return agreeing, ", ".join(f"{m} {v}" for m, v in figures.items())


def _signed_readings(tokens: tuple[str, ...], metrics: tuple[str, ...]) -> list[_Reading]:
    """Readings of a run holding one signed number (``2648 -18538``), as far as its cells before the sign go.

    Only 本年增/减 may be negative, so a minus starts that cell; or it is a dash (none reported) standing for
    any one cell. Either way the tokens before it hold the cells before it. Empty when nothing can be said.
    """
    signed = [i for i, t in enumerate(tokens) if t[:1] in "+-" and t[1:].isdigit()]
    if "change" not in metrics or len(signed) != 1 or not all(t.isdigit() for t in tokens if t[:1] not in "+-"):
        return []
    i, width = signed[0], len(metrics)
    before, after = tokens[:i], (tokens[i][1:], *tokens[i + 1 :])
    change = metrics.index("change")
    # (cells before the mark, cells from it or after it, whether the mark is a dash standing for a cell)
    ways = [(change, width - change, False)]
    if tokens[i][0] == "-":
        ways += [(d, width - d - 1, True) for d in range(width)]
    readings: list[_Reading] = []
    for cells_before, cells_after, dash in ways:
        if cells_after == 0:
            continue  # the digits after the mark need a cell
        tail = splits(after, cells_after, (), _MAX_DIGITS)
        heads = splits(before, cells_before, (), _MAX_DIGITS) if cells_before else () if before else (((), ()),)
        if len(tail) > MAX_CANDIDATES or len(heads) > MAX_CANDIDATES:
            return []
        if not tail:
            continue
        for values, spans in heads:
            marked: tuple[object, ...] = (*values, *((None,) if dash else ()))
            readings.append(((*marked, *[_UNSURE] * (width - len(marked))), (*spans, *[None] * (width - len(spans)))))
    return readings


def _agreed(pool: list[_Reading], width: int) -> dict[int, tuple[int, tuple[int, int, int]]]:
    """The cells every reading gives the same number at the same place: cell index → (value, span)."""
    if not pool:
        return {}
    settled = {}
    for k in range(width):
        value, span = pool[0][0][k], pool[0][1][k]
        if not isinstance(value, int) or span is None:
            continue
        if all(r[0][k] == value and r[1][k] == span for r in pool[1:]):
            settled[k] = (value, span)
    return settled


def _set_inferred(
    out: Extracted,
    stream: Stream,
    category: str,
    metrics: tuple[str, ...],
    explicit: list[int],
    settled: dict[int, tuple[int, tuple[int, int, int]]],
) -> None:
    for k, (value, (ti, start, end)) in settled.items():
        metric = metrics[k]
        where: Location = token_location(stream, explicit[ti], start, end)
        amount: Value = Decimal(value) if (category, metric) in DECIMAL_METRICS else value
        out.set(f"proactive.{category}.{metric}", amount, where, "inferred")
