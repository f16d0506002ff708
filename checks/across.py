"""The identities between one agency's reports of consecutive years: carried forward, rules in force."""

from __future__ import annotations

from loaders.canonical import APPLICANT_COLUMNS, CATEGORY_LABELS, COLUMN_LABELS, Report, Value

from .result import CheckResult, compare, show

_EMPTY: dict[str, Value] = {}
IN_FORCE_CATEGORIES = ("regulations", "normative_documents")


def carried_forward(previous: Report, current: Report) -> list[CheckResult]:
    """X_CARRIED_FORWARD, per column: carried forward in the previous year = carried over in the current."""
    before = previous.applications.get("carried_forward", _EMPTY)
    after = current.applications.get("carried_over", _EMPTY)
    results = []
    for col in APPLICANT_COLUMNS:
        expected, actual = before.get(col), after.get(col)
        results.append(
            compare(
                "X_CARRIED_FORWARD",
                f"row=carried_forward/carried_over column={col}",
                expected,
                actual,
                f"§3 {COLUMN_LABELS[col]} 列",
                f"{previous.year} 年结转下年度 {show(expected)}",
                f"{current.year} 年上年结转 {show(actual)}",
            )
        )
    return results


def in_force(previous: Report, current: Report) -> list[CheckResult]:
    """X_IN_FORCE (both reports of template 2021): in force(Y) = in force(Y−1) + issued(Y) − repealed(Y)."""
    if previous.template != "2021" or current.template != "2021":
        return []
    results = []
    for category in IN_FORCE_CATEGORIES:
        before = previous.proactive.get(category, _EMPTY).get("in_force")
        now = current.proactive.get(category, _EMPTY)
        issued, repealed, actual = now.get("issued"), now.get("repealed"), now.get("in_force")
        expected = None if before is None or issued is None or repealed is None else before + issued - repealed
        results.append(
            compare(
                "X_IN_FORCE",
                f"category={category} metric=in_force",
                expected,
                actual,
                f"§2 {CATEGORY_LABELS[category]}",
                f"{previous.year} 年现行有效 {show(before)} + {current.year} 年制发 {show(issued)}"
                f" − 废止 {show(repealed)} = {show(expected)}",
                f"{current.year} 年现行有效件数 = {show(actual)}",
            )
        )
    return results
