"""The report's identity from its title block: title, year, agency, region and publication date.

The year comes from the title only — a body typo such as ``20201年`` is never read as a year. The agency
is the title's text before the year without its leading place words (``万源市官渡镇`` → agency ``官渡镇``,
region ``万源市``); a place line just above the title (``阳城县横河镇``) can supply the region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from loaders.canonical import NotAReportError
from loaders.normalize import compact

_TITLE = re.compile(r"政府信息公开.{0,12}?(?:年度报告|工作报告)")
_TITLE_TAIL = re.compile(r"(?:工作)?(?:年度)?报告")
_MAX_TITLE = 60
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_WORD = re.compile(r"(?<!\d)(?:19|20)\d{2}年度?")
_CJK_LINE = re.compile(r"[\u4e00-\u9fff()]{2,30}")

_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|自治旗|苏木|街道|省|市|州|盟|县|区|旗|镇|乡)")
_HIGHER = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "省", "市", "州", "盟", "县", "区", "旗")
_LOWER = ("苏木", "街道", "镇", "乡")
_STACKED = "省市县区旗盟"  # 杭州 + 市: the lazy match stops at 州, the unit goes on
_NOT_PLACES = frozenset(
    {"城市", "城区", "市区", "社区", "园区", "景区", "街区", "校区", "山区", "小区", "辖区", "城乡"}
)
_GOVERNMENT = ("人民政府", "政府", "办事处", "管理委员会", "管委会", "行政公署")

_DATE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")
_PUBLISHED = re.compile(r"发布(?:时间|日期)\s*[:：]?\s*")
_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


@dataclass(frozen=True, slots=True)
class Header:
    """What the title block says; ``line`` is the 0-based line of the title."""

    title: str
    line: int
    year: int
    agency_name: str
    region_hint: str | None


def _is_title(text: str) -> bool:
    return len(text) <= _MAX_TITLE and "《" not in text and _TITLE.search(text) is not None


def _previous(lines: list[str], index: int) -> tuple[int, str] | None:
    for i in range(index - 1, max(index - 4, -1), -1):
        text = compact(lines[i])
        if text:
            return i, text
    return None


def split_places(text: str) -> tuple[list[str], str]:
    """Leading place units of ``text`` and what follows: ``万源市官渡镇`` → ``(["万源市", "官渡镇"], "")``."""
    units: list[str] = []
    pos = 0
    while (m := _UNIT.match(text, pos)) is not None:
        end = m.end()
        if end < len(text) and text[end] in _STACKED and text[end - 1] not in _STACKED:
            end += 1
        elif text.startswith("街道", end):  # 东乡 + 街道: a street office named after a 乡
            end += 2
        unit, rest = text[pos:end], text[end:]
        if len(unit) < 2 or unit in _NOT_PLACES:
            break
        # A township unit is the agency only when nothing or a government word follows (not 城乡建设局).
        if unit.endswith(_LOWER) and rest and not rest.startswith(_GOVERNMENT):
            break
        units.append(unit)
        pos = end
    return units, text[pos:]


def _agency_and_region(name: str) -> tuple[str, str | None]:
    units, rest = split_places(name)
    if not units:
        return name, None
    if not rest or rest.startswith(_GOVERNMENT):
        agency, region_units = units[-1] + rest, units[:-1]
    else:  # a department: 万源市教育局 → agency 教育局, region 万源市
        agency, region_units = rest, units
    region = "".join(u for u in region_units if u.endswith(_HIGHER))
    return agency, region or None


def _region_above(lines: list[str], index: int, agency: str) -> str | None:
    """The higher-level places on a place-only line just above the title (``阳城县横河镇`` → ``阳城县``)."""
    above = _previous(lines, index)
    if above is None or not _CJK_LINE.fullmatch(above[1]):
        return None
    units, rest = split_places(above[1])
    if not units or (rest and not rest.startswith(_GOVERNMENT)):
        return None
    region = "".join(u for u in units if u.endswith(_HIGHER) and not agency.startswith(u))
    return region or None


def read_header(lines: list[str]) -> Header:
    """The title block of normalised ``lines``; raises :class:`NotAReportError` when there is no title."""
    for index, line in enumerate(lines):
        text = compact(line).lstrip("#")
        if not _is_title(text):
            # A title broken before 工作年度报告: join the two lines.
            following = compact(lines[index + 1]) if index + 1 < len(lines) else ""
            if "政府信息公开" in text and len(text) <= _MAX_TITLE and _TITLE_TAIL.fullmatch(following):
                text += following
            else:
                continue
        if _YEAR.search(text) is None:
            continue
        first = index
        if _YEAR_WORD.match(text):
            # Nothing before the year: the agency sits on the line above (云阳县水口镇人民政府 / 2022年…).
            above = _previous(lines, index)
            if above is not None and _CJK_LINE.fullmatch(above[1]) and not _is_title(above[1]):
                first, text = above[0], above[1] + text
        return _header(lines, text, first)
    raise NotAReportError("not a disclosure annual report: no title with 政府信息公开…年度报告 and a year")


def _header(lines: list[str], title: str, index: int) -> Header:
    year_match = _YEAR.search(title)
    assert year_match is not None
    prefix = title[: year_match.start()]
    if not prefix:  # 2021年万源市官渡镇政府信息公开…
        year_word = _YEAR_WORD.match(title)
        prefix = title[year_word.end() if year_word else year_match.end() : title.find("政府信息公开")]
    agency, region = _agency_and_region(prefix.removesuffix("关于"))
    if region is None:
        region = _region_above(lines, index, agency)
    return Header(title, index, int(year_match.group(1)), agency, region)


def _parse_date(text: str) -> date | None:
    m = _DATE.search(text)
    if m is not None:
        numbers = [int(g) for g in m.groups()]
    elif (c := _CN_DATE.search(text)) is not None:
        numbers = [int("".join(str(_CN_DIGITS[ch]) for ch in c.group(1)))]
        numbers += [_cn_number(c.group(2)), _cn_number(c.group(3))]
    else:
        return None
    try:
        return date(*numbers)
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    """一 … 三十一 as an int."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def published_date(lines: list[str], before: int, after: int | None) -> date | None:
    """The date after a 发布时间/发布日期 label in lines ``< before``; else a date-only line from line ``after``."""
    for line in lines[:before]:
        m = _PUBLISHED.search(line)
        if m is not None and (found := _parse_date(line[m.end() :])) is not None:
            return found
    if after is None:
        return None
    for line in lines[after:]:
        text = compact(line)
        if text and (_DATE.fullmatch(text) or _CN_DATE.fullmatch(text)):
            return _parse_date(text)
    return None
