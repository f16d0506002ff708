"""What a check reports: one ``CheckResult`` per location, and a ``Summary`` over many.

Identity checks report every location they look at: ``passed``, ``failed`` (severity ``error``) or
``not_checkable`` (an operand is empty, or the narrative states no usable figure). Anomaly checks
(``A_*``) report only what they find: ``failed`` with severity ``warning`` — a value worth a second look,
not a broken identity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Number = int | Decimal
Status = Literal["passed", "failed", "not_checkable"]
CheckSeverity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check at one location.

    ``location`` uses canonical names (``column=natural_person``, ``row=granted``, ``group=review``,
    ``row=carried_forward/carried_over column=total``). ``actual`` is the figure under test (a stated
    total, this year's value, the narrative's figure); ``expected`` is what the other side of the identity
    says it should be.
    """

    code: str
    status: Status
    location: str
    expected: Number | None
    actual: Number | None
    message: str
    severity: CheckSeverity = "error"


@dataclass(frozen=True, slots=True)
class CheckCode:
    """A check code's description, in English and Chinese, and the severity of its failures."""

    en: str
    zh: str
    severity: CheckSeverity


CHECK_CODES: dict[str, CheckCode] = {
    "S3_COLUMN_BALANCE": CheckCode(
        "§3 column: new + carried over = outcome total + carried forward",
        "§3 各列：本年新收 + 上年结转 = （七）总计 + 结转下年度",
        "error",
    ),
    "S3_ROW_SUM": CheckCode(
        "§3 row: the six applicant columns add up to the total",
        "§3 各行：六类申请人之和 = 总计",
        "error",
    ),
    "S3_OUTCOME_SUM": CheckCode(
        "§3 column: the outcome rows add up to the outcome total",
        "§3 各列：办理结果各项之和 = （七）总计",
        "error",
    ),
    "S4_GROUP_SUM": CheckCode(
        "§4 group: upheld + corrected + other + pending = total",
        "§4 各组：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计",
        "error",
    ),
    "X_CARRIED_FORWARD": CheckCode(
        "Across years: carried forward in year Y = carried over in year Y+1",
        "跨年度：上年度结转下年度 = 本年度上年结转",
        "error",
    ),
    "X_IN_FORCE": CheckCode(
        "Across years (2021 template): in force(Y) = in force(Y-1) + issued(Y) - repealed(Y)",
        "跨年度（2021 模板）：现行有效件数 = 上年现行有效件数 + 本年制发件数 - 本年废止件数",
        "error",
    ),
    "N_APPLICATIONS_RECEIVED": CheckCode(
        "§1 narrative: applications received agree with §3 new applications (total)",
        "§1 总体情况所述收到申请数与 §3 本年新收申请总计一致",
        "error",
    ),
    "A_YEAR_JUMP": CheckCode(
        "Anomaly: a §3/§4 value (>= 10) changed more than 5x or fell below 0.2x against the previous year",
        "异常：§3/§4 数值（≥10）较上年增长超过 5 倍或降至 0.2 倍以下",
        "warning",
    ),
    "A_NEGATIVE": CheckCode(
        "Anomaly: a negative count (other than the 2019 template's change)",
        "异常：出现负数（2019 模板的本年增/减除外）",
        "warning",
    ),
    "A_IMPLAUSIBLE": CheckCode(
        "Anomaly: a §3/§4 count above 1,000,000, more than any agency handles in a year (a misread cell?)",
        "异常：§3/§4 数值超过 1,000,000，超出任何机关一年的办理量（是否误读？）",
        "warning",
    ),
}


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over a list of results; ``ok`` is true only when no error-severity check failed."""

    ok: bool
    total: int
    passed: int
    failed: int
    not_checkable: int
    errors: int
    warnings: int


def summarize(results: Iterable[CheckResult]) -> Summary:
    """Count results per status; ``errors``/``warnings`` split the failures by severity."""
    total = passed = not_checkable = errors = warnings = 0
    for r in results:
        total += 1
        if r.status == "passed":
            passed += 1
        elif r.status == "not_checkable":
            not_checkable += 1
        elif r.severity == "error":
            errors += 1
        else:
            warnings += 1
    return Summary(
        ok=errors == 0,
        total=total,
        passed=passed,
        failed=errors + warnings,
        not_checkable=not_checkable,
        errors=errors,
        warnings=warnings,
    )


def show(value: Number | None) -> str:
    """A value as a message prints it: empty cells read ``空``."""
    return "空" if value is None else str(value)


def compare(
    code: str,
    location: str,
    expected: Number | None,
    actual: Number | None,
    subject: str,
    left: str | Callable[[], str],
    right: str | Callable[[], str],
) -> CheckResult:
    """An identity result: not checkable when either side is empty, else passed or failed.

    ``left`` shows how ``expected`` was found and ``right`` how ``actual`` was (either may be a function
    that builds the text: only a result that did not pass spells its sides out); the message reads
    ``subject：left，但 right`` when they differ.
    """
    if expected is not None and actual is not None and expected == actual:
        return CheckResult(code, "passed", location, expected, actual, f"{subject}：{show(actual)}，相符")
    left_text = left if isinstance(left, str) else left()
    right_text = right if isinstance(right, str) else right()
    if expected is None or actual is None:
        status: Status = "not_checkable"
        message = f"{subject}：{left_text}；{right_text}。有空单元格，无法核对"
    else:
        status = "failed"
        message = f"{subject}：{left_text}，但 {right_text}"
    return CheckResult(code, status, location, expected, actual, message)


def addition(labels: Iterable[str], values: Iterable[Number | None], result: Number | None) -> str:
    """``本年新收 3 + 上年结转 1 = 4`` (empty cells print as ``空``)."""
    terms = " + ".join(f"{label} {show(v)}" for label, v in zip(labels, values, strict=True))
    return f"{terms} = {show(result)}"


def equals(label: str, value: Number | None) -> str:
    """``总计 = 4`` (an empty cell prints as ``空``)."""
    return f"{label} = {show(value)}"


def total(values: Iterable[Number | None]) -> Number | None:
    """The sum of the values, or ``None`` when any is empty (an empty cell is not zero)."""
    acc: Number = 0
    for v in values:
        if v is None:
            return None
        acc += v
    return acc
