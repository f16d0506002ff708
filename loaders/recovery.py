"""Recovering a table row read with too few or too many numbers, through the identities the table states.

A merged or lost cell leaves a row with 6 (or 8) numbers for 7 columns. Where the numbers went is
unknown, so every placement is tried and kept only if the row's own sum identity holds (a gap is filled by
that identity, with a non-negative whole number). Column identities over rows already known give one more
candidate. A row is recovered only when exactly one distinct vector survives — never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence

# An identity inside one row: the values at ``leaves`` add up to the value at ``total``.
SumGroup = tuple[tuple[int, ...], int]

# §3: six applicant columns add up to the total column.
ROW_SUM: tuple[SumGroup, ...] = (((0, 1, 2, 3, 4, 5), 6),)
# §4: in each group of five, upheld + corrected + other + pending = total.
REVIEW_SUMS: tuple[SumGroup, ...] = (((0, 1, 2, 3), 4), ((5, 6, 7, 8), 9), ((10, 11, 12, 13), 14))


def holds(vector: Sequence[int], groups: Sequence[SumGroup]) -> bool:
    """Whether every sum identity holds for ``vector``."""
    return all(sum(vector[i] for i in leaves) == vector[total] for leaves, total in groups)


def _fill(vector: list[int | None], gap: int, groups: Sequence[SumGroup]) -> list[int] | None:
    """``vector`` with its one ``None`` at ``gap`` solved from the identity covering it, if non-negative."""
    for leaves, total in groups:
        if gap == total:
            value = sum(vector[i] or 0 for i in leaves)
        elif gap in leaves:
            value = (vector[total] or 0) - sum(vector[i] or 0 for i in leaves if i != gap)
        else:
            continue
        if value < 0:
            return None
        filled = [value if i == gap else v for i, v in enumerate(vector)]
        return filled  # type: ignore[return-value]
    return None


def sum_candidates(read: Sequence[int], width: int, groups: Sequence[SumGroup]) -> set[tuple[int, ...]]:
    """Every ``width``-vector the read numbers can stand for: one number lost (gap filled by its identity)
    or one number too many (each dropped in turn), keeping only vectors where all identities hold."""
    found: set[tuple[int, ...]] = set()
    if len(read) == width - 1:
        for gap in range(width):
            vector: list[int | None] = [*read[:gap], None, *read[gap:]]
            filled = _fill(vector, gap, groups)
            if filled is not None and holds(filled, groups):
                found.add(tuple(filled))
    elif len(read) == width + 1:
        for drop in range(len(read)):
            kept = [*read[:drop], *read[drop + 1 :]]
            if holds(kept, groups):
                found.add(tuple(kept))
    return found


def is_subsequence(read: Sequence[int], vector: Sequence[int]) -> bool:
    """Whether ``read`` appears in ``vector`` in order (possibly with gaps)."""
    it = iter(vector)
    return all(any(v == r for v in it) for r in read)
