"""Faults: an identity of docs/report-format.md broken on purpose at one place of a generated report."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_LEAVES,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    Report,
    Value,
)

# Fault codes: each breaks one identity of docs/report-format.md at one place.
S3_COLUMN_BALANCE = "S3_COLUMN_BALANCE"  # identity 1: new + carried over = outcome total + carried forward
S3_ROW_SUM = "S3_ROW_SUM"  # identity 2: six applicant columns = total
S3_OUTCOME_SUM = "S3_OUTCOME_SUM"  # identity 3: outcome leaves = outcome total
S4_GROUP_SUM = "S4_GROUP_SUM"  # identity 4: upheld + corrected + other + pending = total
FAULT_CODES: tuple[str, ...] = (S3_COLUMN_BALANCE, S3_ROW_SUM, S3_OUTCOME_SUM, S4_GROUP_SUM)

_APPLICANTS = APPLICANT_COLUMNS[:-1]
_BALANCE_ROWS = ("new_received", "carried_over", "carried_forward")


@dataclass(frozen=True, slots=True)
class Fault:
    """An identity broken on purpose.

    ``location`` is the dotted path of the cell that was changed (``applications.granted.natural_person``)
    or, for ``S4_GROUP_SUM``, of the group (``reviews.review``). ``cells`` lists every cell changed.
    """

    code: str
    location: str
    cells: tuple[str, ...] = ()


def inject(rng: random.Random, report: Report, code: str, taken: set[str]) -> Fault:
    """Break the identity ``code`` names at one random place of ``report`` (mutated).

    ``taken`` holds the rows, columns and groups earlier faults used; a new fault avoids them while it can,
    so two faults never cancel out. Cells only grow, so none turns negative.
    """
    delta = rng.randint(1, 3)

    def pick(rows: Sequence[str], columns: Sequence[str]) -> tuple[str, str]:
        for _ in range(100):
            row, column = rng.choice(rows), rng.choice(columns)
            if row not in taken and column not in taken:
                break
        taken.update((row, column))
        return row, column

    def bump(table: dict[str, dict[str, Value]], row: str, column: str) -> None:
        value = table[row][column]
        assert isinstance(value, int), "generated counts are ints"
        table[row][column] = value + delta

    if code == S4_GROUP_SUM:
        groups = [g for g in REVIEW_GROUPS if f"reviews.{g}" not in taken] or list(REVIEW_GROUPS)
        group, result = rng.choice(groups), rng.choice(REVIEW_RESULTS)
        taken.add(f"reviews.{group}")
        bump(report.reviews, group, result)
        return Fault(code, f"reviews.{group}", (f"reviews.{group}.{result}",))
    apps = report.applications
    assert report.template is not None, "generated reports have a template"
    if code == S3_ROW_SUM:
        # outcome_total is left out: changing it would break identities 1 and 3 at once.
        row, column = pick([r for r in APPLICATION_ROWS[report.template] if r != "outcome_total"], APPLICANT_COLUMNS)
        bump(apps, row, column)
        return Fault(code, f"applications.{row}.{column}", (f"applications.{row}.{column}",))
    row, column = pick(_BALANCE_ROWS if code == S3_COLUMN_BALANCE else OUTCOME_LEAVES[report.template], _APPLICANTS)
    # Moving the total with the cell keeps the row sum (identity 2).
    bump(apps, row, column)
    bump(apps, row, "total")
    return Fault(code, f"applications.{row}.{column}", (f"applications.{row}.{column}", f"applications.{row}.total"))
