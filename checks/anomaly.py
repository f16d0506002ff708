"""Values worth a second look though no identity breaks: negatives, absurdly large counts, and jumps
against the previous year.

Anomaly checks report only what they find, as ``failed`` results of severity ``warning``.
"""

from __future__ import annotations

from collections.abc import Iterator

from loaders.canonical import (
    CATEGORY_LABELS,
    COLUMN_LABELS,
    GROUP_LABELS,
    METRIC_LABELS,
    RESULT_LABELS,
    Report,
    Value,
)

from .result import CheckResult
from .within import row_labels

# A jump needs this much in one of the two years: 1 → 6 is noise, 10 → 60 is not.
JUMP_FLOOR = 10
JUMP_FACTOR = 5
# More than any agency receives or litigates in a year (the busiest ministries report tens of thousands).
IMPLAUSIBLE = 1_000_000


def _table_cells(report: Report) -> Iterator[tuple[str, str, str, Value]]:
    """The §3 and §4 cells as (table, row or group, column or result, value)."""
    for row, cols in report.applications.items():
        for col, value in cols.items():
            yield "applications", row, col, value
    for group, cells in report.reviews.items():
        for result, value in cells.items():
            yield "reviews", group, result, value


def _where(report: Report, table: str, outer: str, inner: str) -> tuple[str, str]:
    """A §3/§4 cell's location and its label as people read it."""
    if table == "applications":
        row_label = row_labels(report.template or "2021").get(outer, outer)  # 2021's rows when unknown
        return f"row={outer} column={inner}", f"§3 {row_label} 行 {COLUMN_LABELS.get(inner, inner)} 列"
    return f"group={outer} result={inner}", f"§4 {GROUP_LABELS.get(outer, outer)} {RESULT_LABELS.get(inner, inner)}"


def negatives(report: Report) -> list[CheckResult]:
    """A_NEGATIVE: a negative value anywhere except the 2019 template's ``change`` (本年增/减)."""
    found = [(*_where(report, t, o, i), v) for t, o, i, v in _table_cells(report) if v is not None and v < 0]
    for category, metrics in report.proactive.items():
        for metric, v in metrics.items():
            if v is not None and v < 0 and not (report.template == "2019" and metric == "change"):
                label = f"§2 {CATEGORY_LABELS.get(category, category)} {METRIC_LABELS.get(metric, metric)}"
                found.append((f"category={category} metric={metric}", label, v))
    return [
        CheckResult("A_NEGATIVE", "failed", loc, None, v, f"{label} 为负数 {v}", "warning") for loc, label, v in found
    ]


def implausible(report: Report) -> list[CheckResult]:
    """A_IMPLAUSIBLE: a §3/§4 count above ``IMPLAUSIBLE``: a misread cell, or digits run together."""
    found = [(*_where(report, t, o, i), v) for t, o, i, v in _table_cells(report) if v is not None and v > IMPLAUSIBLE]
    return [
        CheckResult("A_IMPLAUSIBLE", "failed", loc, None, v, f"{label} 为 {v}，超过 {IMPLAUSIBLE:,}：是否误读？", "warning")
        for loc, label, v in found
    ]


def year_jumps(previous: Report, current: Report) -> list[CheckResult]:
    """A_YEAR_JUMP: a §3/§4 value (≥ 10 in either year) more than 5× or below 0.2× the previous year's."""
    before = {"applications": previous.applications, "reviews": previous.reviews}
    results = []
    for table, outer, inner, now in _table_cells(current):
        then = before[table].get(outer, {}).get(inner)
        if then is None or now is None or then < 0 or now < 0 or max(then, now) < JUMP_FLOOR:
            continue
        if now > JUMP_FACTOR * then:
            how = f"超过上年的 {JUMP_FACTOR} 倍"
        elif JUMP_FACTOR * now < then:
            how = f"不足上年的 1/{JUMP_FACTOR}"
        else:
            continue
        location, label = _where(current, table, outer, inner)
        message = f"{label}：{previous.year} 年 {then}，{current.year} 年 {now}，{how}"
        results.append(CheckResult("A_YEAR_JUMP", "failed", location, then, now, message, "warning"))
    return results
