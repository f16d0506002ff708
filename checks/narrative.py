"""The §1 narrative against the tables: how many applications the text says were received.

The narrative is free prose, so the check only trusts a figure it can tie to a receiving verb and the
word 申请 within one clause (``共收到政府信息公开申请3件``, ``受理依申请公开申请十二件``,
``未收到政府信息公开申请``). No such clause, or clauses that disagree, make the check not checkable:
prose that cannot be read never fails a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.canonical import Report

from .result import CheckResult

CODE = "N_APPLICATIONS_RECEIVED"
LOCATION = "row=new_received column=total"

# A clause ends at any comma, colon, semicolon, stop or line break, ASCII or full-width. ``\d`` and ``int``
# take full-width digits (１２) as they are.
_CLAUSE = r"[^,;:!?，；：！？。、\n]"
_CLAUSE_NO_DIGIT = r"[^,;:!?，；：！？。、\n\d]"
_VERB = r"(?:收到|受理|接到|接收)"
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+|\d+|[零〇一二两三四五六七八九十百千万]+)"
_COUNT = re.compile(rf"{_VERB}{_CLAUSE}{{0,30}}?申请{_CLAUSE_NO_DIGIT}{{0,12}}?\s*{_NUMBER}\s*(?:件|份|宗)")
_NONE = re.compile(rf"(?:未|没有){_VERB}{_CLAUSE}{{0,30}}?申请{_CLAUSE}*")
# Applications for review or litigation, or complaints, are not disclosure applications.
_OTHER_PROCEDURES = re.compile(r"复议|诉讼|举报|投诉|信访")


@dataclass(frozen=True, slots=True)
class Claim:
    """A figure the narrative states, and the words it was read from."""

    count: int
    phrase: str


def applications_claimed(overview: str) -> list[Claim]:
    """Every statement of applications received in the §1 text (``未收到…申请`` counts as 0)."""
    if "申请" not in overview:
        return []
    claims = []
    for match in _COUNT.finditer(overview):
        count = _to_int(match["number"])
        if count is not None and not _OTHER_PROCEDURES.search(match[0]):
            claims.append(Claim(count, match[0]))
    for match in _NONE.finditer(overview):
        if not _OTHER_PROCEDURES.search(match[0]):
            claims.append(Claim(0, match[0]))
    return claims


def applications_received(report: Report) -> CheckResult:
    """N_APPLICATIONS_RECEIVED: the §1 figure of applications received = §3 new applications, total."""
    claims = applications_claimed(report.overview)
    table = report.applications.get("new_received", {}).get("total")
    counts = sorted({c.count for c in claims})
    if not counts:
        message = "§1 总体情况未找到收到申请数的表述，无法核对"
        return CheckResult(CODE, "not_checkable", LOCATION, table, None, message)
    quoted = "、".join(f"「{c.phrase}」" for c in claims)
    if len(counts) > 1:
        message = f"§1 总体情况所述收到申请数不一（{quoted}），无法核对"
        return CheckResult(CODE, "not_checkable", LOCATION, table, None, message)
    claimed = counts[0]
    if table is None:
        message = f"§1 总体情况{quoted}，但 §3 本年新收 总计为空，无法核对"
        return CheckResult(CODE, "not_checkable", LOCATION, None, claimed, message)
    if table == claimed:
        message = f"§1 总体情况{quoted}，与 §3 本年新收 总计 {table} 相符"
        return CheckResult(CODE, "passed", LOCATION, table, claimed, message)
    message = f"§1 总体情况{quoted}（{claimed} 件），但 §3 本年新收 总计 = {table}"
    return CheckResult(CODE, "failed", LOCATION, table, claimed, message)


def _to_int(number: str) -> int | None:
    if number[0].isdigit():
        return int(number.replace(",", ""))
    import cn2an  # here, not at the top: importing it compiles its patterns (0.3 s), and few reports need it

    try:
        return int(cn2an.cn2an(number, "normal"))
    except ValueError:  # a run of numeral characters that is not a number, e.g. 一一
        return None
