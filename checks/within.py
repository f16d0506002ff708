"""The identities inside one report's tables: §3 column balance, row sums, outcome sums; §4 group sums."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from loaders.canonical import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    COLUMN_LABELS,
    GROUP_LABELS,
    OUTCOME_LEAVES,
    RESULT_LABELS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    ROW_LABELS_2019,
    ROW_LABELS_2021,
    Report,
    Value,
)

from .result import CheckResult, addition, compare, equals, show, total

# The short names people use for the §3 rows that the balance identity joins.
SHORT_ROW_LABELS = {
    "new_received": "本年新收",
    "carried_over": "上年结转",
    "outcome_total": "（七）总计",
    "carried_forward": "结转下年度",
}
_BALANCE_LEFT = ("new_received", "carried_over")
_BALANCE_RIGHT = ("outcome_total", "carried_forward")
_PARTS = APPLICANT_COLUMNS[:-1]  # the six applicant columns; the last is the total
_GROUP_PARTS = REVIEW_RESULTS[:-1]  # upheld, corrected, other, pending; the last is the total
_EMPTY: dict[str, Value] = {}


def row_labels(template: str) -> dict[str, str]:
    """The §3 row labels as the template prints them."""
    return ROW_LABELS_2019 if template == "2019" else ROW_LABELS_2021


def column_balance(report: Report) -> list[CheckResult]:
    """S3_COLUMN_BALANCE, per column: new + carried over = outcome total + carried forward."""
    apps = report.applications
    left_rows = [apps.get(r, _EMPTY) for r in _BALANCE_LEFT]
    right_rows = [apps.get(r, _EMPTY) for r in _BALANCE_RIGHT]
    left_labels = [SHORT_ROW_LABELS[r] for r in _BALANCE_LEFT]
    right_labels = [SHORT_ROW_LABELS[r] for r in _BALANCE_RIGHT]
    results = []
    for col in APPLICANT_COLUMNS:
        left_values = [row.get(col) for row in left_rows]
        right_values = [row.get(col) for row in right_rows]
        expected, actual = total(left_values), total(right_values)
        results.append(
            compare(
                "S3_COLUMN_BALANCE",
                f"column={col}",
                expected,
                actual,
                f"§3 {COLUMN_LABELS[col]} 列",
                partial(addition, left_labels, left_values, expected),
                partial(addition, right_labels, right_values, actual),
            )
        )
    return results


def row_sums(report: Report) -> list[CheckResult]:
    """S3_ROW_SUM, per row: the six applicant columns add up to the total column."""
    template = report.template or "2021"  # an unknown template has 2021's rows, as Report.blank lays them out
    labels = row_labels(template)
    part_labels = [COLUMN_LABELS[c] for c in _PARTS]
    return [
        _parts_sum_to_total(
            "S3_ROW_SUM", f"row={row}", f"§3 {labels[row]} 行", report.applications.get(row, _EMPTY), _PARTS, part_labels
        )
        for row in APPLICATION_ROWS[template]
    ]


def outcome_sums(report: Report) -> list[CheckResult]:
    """S3_OUTCOME_SUM, per column: the outcome leaves add up to （七）总计."""
    template = report.template or "2021"  # an unknown template has 2021's rows, as Report.blank lays them out
    labels = row_labels(template)
    leaves = OUTCOME_LEAVES[template]
    leaf_rows = [report.applications.get(r, _EMPTY) for r in leaves]
    outcome_total = report.applications.get("outcome_total", _EMPTY)
    results = []
    for col in APPLICANT_COLUMNS:
        values = [row.get(col) for row in leaf_rows]
        expected, actual = total(values), outcome_total.get(col)
        results.append(
            compare(
                "S3_OUTCOME_SUM",
                f"column={col}",
                expected,
                actual,
                f"§3 {COLUMN_LABELS[col]} 列",
                partial(_outcome_side, leaves, labels, values, expected),
                partial(equals, "（七）总计", actual),
            )
        )
    return results


def _outcome_side(leaves: Sequence[str], labels: dict[str, str], values: list[Value], expected: Value) -> str:
    text = f"办理结果 {len(leaves)} 项之和 = {show(expected)}"
    if expected is None:
        # 21 terms are too many to print; name the empty ones instead.
        empty = [labels[r] for r, v in zip(leaves, values, strict=True) if v is None]
        text += f"（{'、'.join(empty[:3])}{' 等' if len(empty) > 3 else ''} 为空）"
    return text


def group_sums(report: Report) -> list[CheckResult]:
    """S4_GROUP_SUM, per group: upheld + corrected + other + pending = total."""
    part_labels = [RESULT_LABELS[r] for r in _GROUP_PARTS]
    return [
        _parts_sum_to_total(
            "S4_GROUP_SUM", f"group={group}", f"§4 {GROUP_LABELS[group]}", report.reviews.get(group, _EMPTY),
            _GROUP_PARTS, part_labels,
        )
        for group in REVIEW_GROUPS
    ]


def _parts_sum_to_total(
    code: str, location: str, subject: str, cells: dict[str, Value], parts: Sequence[str], part_labels: list[str]
) -> CheckResult:
    """One record (a §3 row, a §4 group) whose ``parts`` add up to its ``total``."""
    values = [cells.get(p) for p in parts]
    expected, actual = total(values), cells.get("total")
    return compare(
        code, location, expected, actual, subject,
        partial(addition, part_labels, values, expected),
        partial(equals, "总计", actual),
    )
