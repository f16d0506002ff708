"""Placing a row's numbers when one was lost or duplicated."""

from __future__ import annotations

from loaders.recovery import REVIEW_SUMS, ROW_SUM, is_subsequence, sum_candidates


def test_one_lost_number_with_a_unique_placement() -> None:
    # 1 2 0 0 0 0 read; only a lost total (3) keeps every fill non-negative.
    assert sum_candidates([1, 2, 0, 0, 0, 0], 7, ROW_SUM) == {(1, 2, 0, 0, 0, 0, 3)}


def test_one_lost_number_with_several_placements() -> None:
    # The 2 may be the total (a leaf lost: before the 1s, between them, or among the zeros) or a leaf.
    assert sum_candidates([1, 1, 0, 0, 0, 2], 7, ROW_SUM) == {
        (0, 1, 1, 0, 0, 0, 2),
        (1, 0, 1, 0, 0, 0, 2),
        (1, 1, 0, 0, 0, 0, 2),
        (1, 1, 0, 0, 0, 2, 4),
    }


def test_one_duplicated_number() -> None:
    assert sum_candidates([3, 0, 0, 0, 0, 0, 0, 3], 7, ROW_SUM) == {(3, 0, 0, 0, 0, 0, 3)}
    assert sum_candidates([19, 2, 0, 0, 0, 0, 1, 22], 7, ROW_SUM) == {(19, 2, 0, 0, 0, 1, 22)}


def test_other_counts_give_no_candidates() -> None:
    assert sum_candidates([0, 0, 0, 0], 7, ROW_SUM) == set()


def test_review_groups() -> None:
    read = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]  # 14 numbers: the last group's total lost
    assert sum_candidates(read, 15, REVIEW_SUMS) == {(1, 0, 0, 0, 1, *([0] * 10))}


def test_subsequence() -> None:
    assert is_subsequence([0, 5], (0, 1, 5))
    assert not is_subsequence([5, 0], (0, 1, 5))
