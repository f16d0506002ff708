"""Splitting runs of glued digits into a row's cells, as far as the table's identities allow.

A page whose table lost its cell borders prints ``21710000218`` for the seven cells 217, 1, 0, 0, 0, 0, 218.
Every way of cutting the runs into the row's cell count is a candidate, under three rules that hold for any
printed count: a cell never starts with 0 unless it is 0 (``023`` is 0 and 23), a space between digits is
always a cell boundary, and a cell has at most ``max_digits`` digits. Where the row states sums (§3: the six
applicant columns add up to 总计; §4: each group's four results add up to its 总计) only the cuts that satisfy
them survive; the caller takes a row only when exactly one survives. Signed and decimal numbers are never cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

# An identity inside one row: the values at ``leaves`` add up to the value at ``total``.
SumGroup = tuple[tuple[int, ...], int]

# Beyond this many candidates a row is called ambiguous without listing them all.
MAX_CANDIDATES = 64


def splittable(token: str) -> bool:
    """Whether a number token may hold several glued cells (plain digits, no sign or decimals)."""
    return token.isdigit()


Candidate = tuple[tuple[int, ...], tuple[tuple[int, int, int], ...]]


@lru_cache(maxsize=8192)
def splits(
    tokens: tuple[str, ...], width: int, groups: tuple[SumGroup, ...] = (), max_digits: int = 7
) -> tuple[Candidate, ...]:
    """Every way to read ``tokens`` as ``width`` cells where each sum group holds, up to ``MAX_CANDIDATES + 1``.

    Each candidate is ``(values, spans)``, ``spans[k]`` being (token index, start, end) of cell ``k`` in its
    token. Cached: the same runs (``0000000``) recur in every glued report.
    """
    digits = sum(len(t) for t in tokens)
    if not tokens or digits < width or len(tokens) > width or digits > width * max_digits:
        return ()
    if any(not splittable(t) for t in tokens):
        if len(tokens) != width:
            return ()
        values = tuple(_value(t) for t in tokens)
        spans = tuple((i, 0, len(t)) for i, t in enumerate(tokens))
        return ((values, spans),) if _holds(values, groups) else ()
    if len(groups) == 1 and groups[0] == (tuple(range(width - 1)), width - 1):
        return _row_splits(tokens, width, max_digits)
    return _walk(tokens, width, {total: leaves for leaves, total in groups}, max_digits, None)


def _row_splits(tokens: tuple[str, ...], width: int, max_digits: int) -> tuple[Candidate, ...]:
    """Splits where the last cell is the sum of the others: the total is a suffix of the last token, so each
    suffix fixes a target the other cells must reach, and a partial sum above it ends that branch."""
    last = tokens[-1]
    found: list[Candidate] = []
    for length in range(1, min(max_digits, len(last)) + 1):
        total = last[-length:]
        if total[0] == "0" and length > 1:
            continue
        head = (*tokens[:-1], last[:-length]) if length < len(last) else tokens[:-1]
        if not head:
            continue
        for values, spans in _walk(head, width - 1, {}, max_digits, int(total)):
            found.append(((*values, int(total)), (*spans, (len(tokens) - 1, len(last) - length, len(last)))))
            if len(found) > MAX_CANDIDATES:
                return tuple(found)
    return tuple(found)


def _walk(
    tokens: tuple[str, ...], width: int, closing: dict[int, tuple[int, ...]], max_digits: int, target: int | None
) -> tuple[Candidate, ...]:
    """Depth-first cuts of ``tokens`` into ``width`` cells; ``closing`` maps a total's index to its leaves;
    ``target``, if given, is what all the cells must add up to."""
    found: list[Candidate] = []
    values: list[int] = []
    spans: list[tuple[int, int, int]] = []
    # Digits left from the start of each token to the end of the run.
    after = [*accumulate(map(len, reversed(tokens)), initial=0)][::-1]
    last = len(tokens) - 1
    # Each token's digits as numbers, so that a cell's value grows a digit at a time as its end moves on.
    digit_values = [list(map(int, token)) for token in tokens]

    def walk(ti: int, pos: int, total: int) -> bool:
        """Cut token ``ti`` from ``pos`` on; False once too many candidates were found."""
        token = tokens[ti]
        size, count = len(token), len(values)
        cells_after = width - count - 1
        digits_after = size + after[ti + 1]  # from the start of this token to the end of the run
        leaves = closing.get(count)
        if not cells_after:
            # The last cell: the rest of the run, if that is what is left of the last token.
            if ti != last or size - pos > max_digits or (token[pos] == "0" and size - pos > 1):
                return True
            value = int(token[pos:])
            if (target is not None and total + value != target) or (
                leaves is not None and sum(values[i] for i in leaves) != value
            ):
                return True
            found.append(((*values, value), (*spans, (ti, pos, size))))
            return len(found) <= MAX_CANDIDATES
        # Where this cell may end, shortest first: leaving the cells after it at most ``max_digits`` digits each
        # and at least one; a cell starting with 0 is that 0; and where the later tokens need every cell that
        # is left, at the end of its token.
        lo = max(pos + 1, digits_after - cells_after * max_digits, size if cells_after == last - ti else 0)
        hi = min(pos + 1 if token[pos] == "0" else size, pos + max_digits, digits_after - cells_after)
        if lo > hi:
            return True
        value = int(token[pos : lo - 1]) if lo - 1 > pos else 0
        digits = digit_values[ti]
        for end in range(lo, hi + 1):
            value = value * 10 + digits[end - 1]  # int(token[pos:end])
            if target is not None and total + value > target:
                break
            if leaves is not None and sum(values[i] for i in leaves) != value:
                continue
            values.append(value)
            spans.append((ti, pos, end))
            going = walk(ti + 1, 0, total + value) if end == size else walk(ti, end, total + value)
            values.pop()
            spans.pop()
            if not going:
                return False
        return True

    if width > 0 and tokens:
        walk(0, 0, 0)
    return tuple(found)


def _value(token: str) -> int:
    return int(token) if token.lstrip("-").isdigit() else 0


def _holds(values: Sequence[int], groups: Sequence[SumGroup]) -> bool:
    return all(sum(values[i] for i in leaves) == values[total] for leaves, total in groups)


def describe(values: Sequence[object]) -> str:
    """A candidate as people read it: ``217|1|0|0|0|0|218``."""
    return "|".join(map(str, values))
