"""Where the six sections of a report start and end.

A heading is a short line led by its Chinese numeral (``二、主动公开政府信息情况``), possibly after ``#``
marks or with variant wording (``四、因政府信息公开工作被申请行政复议、提起行政诉讼情况``). Headings are
searched in order, each after the previous one, and each must carry its own keywords: so the §3 row
``四、结转下年度继续办理`` (no 复议/诉讼) is not taken for the §4 heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.canonical import SECTION_HEADINGS
from loaders.normalize import compact

NUMERALS = "一二三四五六"
_HEADING = re.compile(r"([一二三四五六])[、.,:．]?(.+)")
_MAX_HEADING = 40
# Per section: groups of alternatives; a heading must hit one alternative of every group.
_KEYWORDS: dict[int, tuple[tuple[str, ...], ...]] = {
    1: (("总体情况", "概述", "基本情况", "总体"),),
    2: (("主动公开",), ("信息", "情况")),
    3: (("申请",), ("收到", "处理", "情况")),
    4: (("复议", "诉讼"),),
    5: (("问题", "改进"),),
    6: (("其他", "其它"), ("报告", "事项")),
}
# Headings that may lose their numeral (OCR) but are unmistakable as written.
_BARE: dict[str, int] = {heading.split("、", 1)[1]: n for n, heading in SECTION_HEADINGS.items()}
# The first character a heading can start with (its numeral, a lost numeral's 、, or a bare heading).
_FIRST = frozenset(NUMERALS + "、.,:" + "".join(h[0] for h in _BARE))
_CANDIDATE = re.compile(f"^[# ]*[{re.escape(''.join(sorted(_FIRST)))}]", re.M)
REQUIRED = (2, 3, 4)
_OPTIONAL = (1, 5)


@dataclass(frozen=True, slots=True)
class Section:
    """Section ``number``: heading at 0-based line ``heading``; content is lines ``heading+1 .. end-1``."""

    number: int
    heading: int
    end: int


def heading_number(line: str) -> int | None:
    """The section a line is the heading of, or None; says nothing of order."""
    text = compact(line)
    if not text or len(text) > _MAX_HEADING:
        return None
    text = text.lstrip("、.,:")
    if text in _BARE:
        return _BARE[text]
    m = _HEADING.fullmatch(text)
    if m is None:
        return None
    number = NUMERALS.index(m.group(1)) + 1
    rest = m.group(2)
    if all(any(k in rest for k in group) for group in _KEYWORDS[number]):
        return number
    return None


def find_sections(lines: list[str], start: int = 0) -> dict[int, Section]:
    """The sections found after line ``start``, keyed 1–6; a section absent from the text is absent here.

    ``lines`` is a text split at its newlines.
    """
    headings: dict[int, int] = {}
    wanted = 1
    text = "\n".join(lines[start:])
    i, pos = start, 0
    # Cheap pre-filter in one regex pass, rather than a Python step per line: a heading starts with a known
    # character (after any ``#`` marks and spaces).
    for m in _CANDIDATE.finditer(text):
        i, pos = i + text.count("\n", pos, m.start()), m.start()
        line = lines[i]
        # Headings are short and hold no table cells.
        if len(line) <= 3 * _MAX_HEADING and "\t" not in line.strip():
            n = heading_number(line)
            # Only §1 and §5 may be skipped: a stray later numeral must not swallow a required section.
            if n is not None and (n == wanted or (wanted in _OPTIONAL and n == wanted + 1)):
                headings[n] = i
                wanted = n + 1
                if wanted > 6:
                    break
    ordered = sorted(headings.items())
    sections: dict[int, Section] = {}
    for k, (number, index) in enumerate(ordered):
        end = ordered[k + 1][1] if k + 1 < len(ordered) else len(lines)
        sections[number] = Section(number, index, end)
    return sections
