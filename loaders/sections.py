"""Where the six sections of a report start and end, in the text as a stream.

A heading is found two ways:

- **in the stream**: its numeral and its own wording (``二、主动公开政府信息情况``,
  ``四、因政府信息公开工作被申请行政复议、提起行政诉讼情况``) anywhere — inside a line, glued to the text
  before and after it, as a crawled page that lost its line breaks has it. The wording must not run over a
  digit, so the §3 row ``四、结转下年度继续办理 0 0 …`` never reaches the 复议 of the §4 heading after it;
- **as a short line** led by its numeral (or, when OCR lost the numeral, the bare heading), carrying its
  section's keywords — for variant wordings the stream patterns do not know.

Headings are taken in order, each after the previous one; a short-line heading only as the next section (or
the one after an optional §1/§5), so that §1's own ``三、依申请公开情况`` is not taken for §3. A section
may be absent: an excerpt starts or stops anywhere.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from loaders.canonical import SECTION_HEADINGS
from loaders.normalize import compact

NUMERALS = "一二三四五六"
_HEADING = re.compile(r"([一二三四五六])[、.,:．]?(.+)")
_MAX_HEADING = 40
# Per section: groups of alternatives; a short-line heading must hit one alternative of every group.
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
_NOT_DIGIT = r"[^\d\n。;]"
# Each section's own wording, after its numeral, for the stream search.
_WORDING: dict[int, str] = {
    1: r"(?:总体情况|总体概况|概述|基本情况)",
    2: r"主动公开政府信息(?:工作)?的?情况",
    3: r"(?:收到|受理)(?:和|及|与)?处理政府信息公开申请的?情况",
    4: rf"{_NOT_DIGIT}{{0,16}}?(?:复议|诉讼){_NOT_DIGIT}{{0,20}}?(?:情况|案件)",
    5: rf"{_NOT_DIGIT}{{0,14}}?(?:存在的?主要问题|主要问题|存在问题|问题及){_NOT_DIGIT}{{0,12}}?(?:改进情况|改进措施|情况|措施)",
    6: r"其[他它](?:需要|需)?报告的?事项",
}
# A numeral and its separator, found in one fast scan; then its section's wording is matched right after it.
_NUMERAL = re.compile(r"([一二三四五六])(?<![(十].)\s*[、.,:．]\s*")  # the look-behind after the numeral: a fast scan
_WORDINGS = {NUMERALS[n - 1]: (n, re.compile(wording)) for n, wording in _WORDING.items()}
REQUIRED = (2, 3, 4)
_OPTIONAL = (1, 5)


@dataclass(frozen=True, slots=True)
class Section:
    """Section ``number``: its heading spans ``start``–``body`` of the text; its content ``body``–``end``."""

    number: int
    start: int
    body: int
    end: int


def heading_number(line: str) -> int | None:
    """The section a short line is the heading of, or None; says nothing of order."""
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


# The first character a short-line heading can start with (its numeral, a lost numeral's 、, or a bare
# heading): a cheap pre-filter in one regex pass, rather than a Python step per line.
_FIRST = frozenset(NUMERALS + "、.,:" + "".join(h[0] for h in _BARE))
_LINE_CANDIDATE = re.compile(f"^[# ]*[{re.escape(''.join(sorted(_FIRST)))}][^\n]{{0,{3 * _MAX_HEADING}}}$", re.M)
# The same after a line break: a pattern led by a literal is searched for in C, where ``^`` is tried at
# every position.
_NEXT_LINE_CANDIDATE = re.compile("\n" + _LINE_CANDIDATE.pattern[1:-1] + "(?![^\n])")


def _line_candidates(text: str, start: int) -> Iterator[tuple[int, int, str]]:
    """Short lines from ``start`` on that may be headings: (start, end, line)."""
    first = _LINE_CANDIDATE.match(text, start)
    if first is not None:
        yield first.start(), first.end(), first.group()
    for m in _NEXT_LINE_CANDIDATE.finditer(text, start):
        yield m.start() + 1, m.end(), m.group()[1:]


def _candidates(text: str, start: int) -> list[tuple[int, int, int, bool]]:
    """Every heading candidate after ``start``: (position, end, section number, found by its wording)."""
    found: dict[int, tuple[int, int, int, bool]] = {}
    for m in _NUMERAL.finditer(text, start):
        number, wording = _WORDINGS[m.group(1)]
        heading = wording.match(text, m.end())
        if heading is not None:
            found[m.start()] = (m.start(), heading.end(), number, True)
    by_wording = sorted(found)
    for line_start, line_end, line in _line_candidates(text, start):
        k = bisect_left(by_wording, line_start)
        if "\t" in line.strip() or (k < len(by_wording) and by_wording[k] < line_end):
            continue
        n = heading_number(line)
        if n is not None:
            found[line_start] = (line_start, line_end, n, False)
    return sorted(found.values())


def find_sections(text: str, start: int = 0) -> dict[int, Section]:
    """The sections found in ``text`` after offset ``start``, keyed 1–6; an absent section is absent here."""
    accepted: list[tuple[int, int, int]] = []  # (position, end of heading, number)
    last = 0
    for position, end, number, by_wording in _candidates(text, start):
        if number <= last:
            continue
        in_order = number == last + 1 or (last + 1 in _OPTIONAL and number == last + 2) or (last == 0 and number <= 2)
        if by_wording or in_order:
            accepted.append((position, end, number))
            last = number
            if last == 6:
                break
    sections: dict[int, Section] = {}
    for k, (position, end, number) in enumerate(accepted):
        stop = accepted[k + 1][0] if k + 1 < len(accepted) else len(text)
        sections[number] = Section(number, position, end, stop)
    return sections


def region(sections: dict[int, Section], number: int, start: int, length: int) -> tuple[int, int]:
    """Where section ``number``'s content lies: its own span, or — when its heading is absent — the stretch
    between the sections found around it (an excerpt's table whose heading was cut off)."""
    if number in sections:
        return sections[number].body, sections[number].end
    before = [s for n, s in sections.items() if n < number]
    after = [s for n, s in sections.items() if n > number]
    lo = max((s.body for s in before), default=start)
    hi = min((s.start for s in after), default=length)
    return lo, max(lo, hi)
