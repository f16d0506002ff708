"""The report's identity from its title block: title, year, agency, region and publication date.

The title is a line that is, or starts with, ``…政府信息公开…报告`` (a crawled page goes on with the body on
the same line), or a crawler's ``标题:`` field. The year comes from the title; without one, from what the
body says of the period (``统计期限为2022年1月1日…``, ``2022年度``) — a body typo such as ``20201年`` is never
read as a year. The agency is the title's text before the year without its leading place words
(``万源市官渡镇`` → agency ``官渡镇``, region ``万源市``); a title that names none (``关于2021年度政府信息公开
工作的年度报告``) leaves it to a crawled page's ``发布机构``, then to a line naming it above the title. A place
line just above the title (``阳城县横河镇``) can supply the region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from loaders.normalize import compact

_TITLE = re.compile(r"政府信息公开.{0,16}?报告")
_TITLE_TAIL = re.compile(r"(?:工作)?(?:年度)?报告")
_MAX_TITLE = 60
# A report year: the national format began with 2008's reports (earlier four-digit numbers in a title are
# part of a name, such as a test agency's 第1905中断镇).
_YEAR = re.compile(r"(?<!\d)(20[0-9]{2})(?!\d)(?=\s*年)|(?<!\d)(20[0-9]{2})(?!\d)")
_YEAR_WORD = re.compile(r"(?<!\d)20\d{2}年度?")
_LATEST = date.today().year + 1


@lru_cache(maxsize=1024)
def _title_year(title: str) -> re.Match[str] | None:
    """The report year of a title: a plausible year, one written with 年 first. (Cached: a report's title is
    asked for its year several times.)"""
    found = [m for m in _YEAR.finditer(title) if 2007 < int(m.group(1) or m.group(2)) <= _LATEST]
    with_word = [m for m in found if m.group(1)]
    chosen = with_word or found
    return chosen[0] if chosen else None
_CJK_LINE = re.compile(r"[\u4e00-\u9fff()]{2,30}")
# What an agency's name is made of (a test agency may carry digits: 第3测试镇); no sentence, no field label.
_AGENCY_NAME = re.compile(r"(?=.*[\u4e00-\u9fff].*[\u4e00-\u9fff])[\u4e00-\u9fff()0-9A-Za-z·]{2,40}")

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
    """What the title block and the page around it say; anything absent is ``None``.

    ``line`` is the 0-based line of the title and ``end`` the offset in that line where the title ends (a
    crawled page may go on with the body on the same line). ``agency_source`` says where the agency came from:
    ``title``, ``publisher`` (a crawled page's 发布机构) or ``page_header`` (a line naming it above the title).
    """

    title: str | None
    line: int | None
    end: int
    year: int | None
    agency_name: str | None
    region_hint: str | None
    agency_source: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def source_url(self) -> str | None:
        url = self.fields.get("原文链接") or self.fields.get("链接") or ""
        return url if url.startswith(("http://", "https://")) else None


# A crawler's record header: ``标题: …``, ``发布时间: …``, ``原文链接: …`` lines before the body.
_FIELD = re.compile(r"^\s*(标题|发布时间|发布日期|文号|发布机构|发文机关|栏目|原文链接|链接|来源|索引号)\s*[:：]\s*(.*?)\s*$")
_ANY_FIELD = re.compile(r"^\s*(?:标题|发布时间|发布日期|文号|发布机构|发文机关|栏目|原文链接|链接|来源|索引号)\s*[:：]", re.M)
_TITLE_IN_LINE = re.compile(r"政府信息公开.{0,16}?报告")
_PROSE_MARKS = frozenset("。，,;；:：!！?？《>")


def crawler_fields(lines: list[str]) -> dict[str, str]:
    """The ``key: value`` lines a crawler wrote above the body (empty values left out)."""
    fields: dict[str, str] = {}
    if _ANY_FIELD.search("\n".join(lines[:30])) is None:
        return fields
    for line in lines[:30]:
        m = _FIELD.match(line)
        if m is not None:
            if m.group(2):
                fields.setdefault(m.group(1), m.group(2))
        elif fields and "正文" in line:
            break
    return fields


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


def _agency_and_region(name: str) -> tuple[str | None, str | None]:
    name = name.removeprefix("关于").removesuffix("关于").strip("_-—:：、 ")
    if not name or not _AGENCY_NAME.fullmatch(name):
        return None, None
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


def _agency_above(lines: list[str], index: int) -> tuple[str | None, str | None]:
    """The agency a line just above the title names (``盐边县新九镇人民政府``), if it names one."""
    above = _previous(lines, index)
    if above is None or not _CJK_LINE.fullmatch(above[1]) or _is_title(above[1]):
        return None, None
    units, rest = split_places(above[1])
    if not units and not rest.endswith(_GOVERNMENT):
        return None, None
    return _agency_and_region(above[1])


@dataclass(frozen=True, slots=True)
class _Title:
    text: str
    line: int  # 0-based line of the title's last part
    first: int  # 0-based line where the title starts (the line above, for a wrapped title)
    end: int  # offset in ``line`` where the title ends


def _lines_holding(word: str, lines: list[str], text: str | None) -> list[int]:
    """The 0-based lines holding ``word``; found in the joined ``text`` when given (a search in C)."""
    if text is None:
        return [i for i, line in enumerate(lines) if word in line]
    found: list[int] = []
    line = last = 0
    pos = text.find(word)
    while pos != -1:
        line += text.count("\n", last, pos)
        last = pos
        if not found or found[-1] != line:
            found.append(line)
        pos = text.find(word, pos + len(word))
    return found


def _titles(lines: list[str], text: str | None = None) -> list[_Title]:
    """Every line that is, or starts with, a report title, in order."""
    found: list[_Title] = []
    # A title ends in 报告 on its line or the next: far fewer lines than those naming 政府信息公开 (table labels).
    near = sorted({i for k in _lines_holding("报告", lines, text) for i in (k - 1, k) if i >= 0})
    for index in near:
        line = lines[index]
        if "政府信息公开" not in line:
            continue
        field_ = _FIELD.match(line)
        if field_ is not None and field_.group(1) == "标题":
            line = " " * field_.start(2) + field_.group(2)  # the value, at its own columns
        m = _TITLE_IN_LINE.search(line)
        text = compact(line[: m.end()]).lstrip("#") if m else ""
        if m is not None and _is_title(text) and not _PROSE_MARKS.intersection(compact(line[: m.start()])):
            found.append(_Title(text, index, index, m.end()))
            continue
        # A title broken before 工作年度报告: join the two lines.
        text = compact(line).lstrip("#")
        following = compact(lines[index + 1]) if index + 1 < len(lines) else ""
        if len(text) <= _MAX_TITLE and _TITLE_TAIL.fullmatch(following) and not _PROSE_MARKS.intersection(text):
            found.append(_Title(text + following, index + 1, index, len(lines[index + 1])))
    return found


def _with_agency_above(lines: list[str], title: _Title) -> _Title:
    """A title starting with its year whose agency stands on the line above (云阳县水口镇人民政府 / 2022年…)."""
    if not _YEAR_WORD.match(title.text):
        return title
    above = _previous(lines, title.first)
    if above is not None and _CJK_LINE.fullmatch(above[1]) and not _is_title(above[1]):
        return _Title(above[1] + title.text, title.line, above[0], title.end)
    return title


def _title_agency(title: str) -> tuple[str | None, str | None]:
    year_match = _title_year(title)
    if year_match is None:
        return _agency_and_region(title[: title.find("政府信息公开")])
    prefix = title[: year_match.start()]
    if not compact(prefix.removeprefix("关于")):  # 2021年万源市官渡镇政府信息公开…
        year_word = _YEAR_WORD.match(title, year_match.start())
        prefix = title[year_word.end() if year_word else year_match.end() : title.find("政府信息公开")]
    return _agency_and_region(prefix)


def read_header(lines: list[str], text: str | None = None) -> Header:
    """The title block of normalised ``lines`` (``text``, if given, is the same joined by newlines); every part
    the text does not give is ``None``."""
    fields = crawler_fields(lines)
    titles = [_with_agency_above(lines, t) for t in _titles(lines, text)]
    dated = [t for t in titles if _title_year(t.text)]
    chosen = next(iter(dated or titles), None)
    agency = region = source = None
    for title in dated or titles:
        agency, region = _title_agency(title.text)
        if agency is not None:
            chosen, source = title, "title"
            break
    if agency is None and (publisher := fields.get("发布机构") or fields.get("发文机关")):
        agency, region = _agency_and_region(compact(publisher))
        source = "publisher" if agency else None
    if agency is None:
        for title in dated or titles:
            agency, region = _agency_above(lines, title.first)
            if agency is not None:
                chosen, source = title, "page_header"
                break
    if chosen is None:
        return Header(None, None, 0, None, agency, region, source, fields)
    if agency is not None and region is None:
        region = _region_above(lines, chosen.first, agency)
    if agency is not None and region is None and (publisher := fields.get("发布机构") or fields.get("发文机关")):
        # The page's 发布机构 may name the same agency with its places: 万源市高坡乡人民政府.
        named, places = _agency_and_region(compact(publisher))
        region = places if named == agency else None
    year_match = _title_year(chosen.text)
    year = int(year_match.group(1) or year_match.group(2)) if year_match else None
    return Header(chosen.text, chosen.line, chosen.end, year, agency, region, source, fields)


# What the body says of the report's period, strongest first.
_PERIOD = re.compile(
    r"统计(?:期限|时限|时间|区间|周期|范围)[^。\n]{0,15}?((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日"
)
_YEAR_OF_REPORT = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?:度|报(?![告送]))")  # ``2022年度``, ``2020年报`` (not 年报告, 年报送)
# A paragraph opening with its year: after a line break, a full stop, or a heading (``…情况``) whose line
# break became a space.
_YEAR_OPENING = re.compile(r"(?:^|[。\n]|情况\s)\s*((?:19|20)\d{2})\s*年\s*[,，]", re.M)


def body_year(text: str, latest: int) -> tuple[int, str] | None:
    """The report year the body states, with the words that state it; None when it states none.

    In order: the statistical period (``统计期限为2022年1月1日至…``), the commonest ``2022年度`` or ``2022年报``,
    the earliest year a paragraph opens with (``2022年,``). Years after ``latest`` are not report years.
    """
    m = _PERIOD.search(text)
    if m is not None and 2007 < int(m.group(1)) <= latest:
        return int(m.group(1)), m.group(0)
    counts: dict[int, int] = {}
    words: dict[int, str] = {}
    for m in _YEAR_OF_REPORT.finditer(text):
        year = int(m.group(1))
        if 2007 < year <= latest:
            counts[year] = counts.get(year, 0) + 1
            words.setdefault(year, m.group(0))
    if counts:
        year = max(counts, key=lambda y: (counts[y], -list(counts).index(y)))
        return year, words[year]
    # The earliest year a paragraph opens with: a report looks back on its year and ahead to the next
    # (``2021年,我局将…``), and a page that lost its line breaks may have lost the first opening too.
    openings = [(int(m.group(1)), m.group(0).lstrip("。情况").strip()) for m in _YEAR_OPENING.finditer(text)]
    openings = [(year, words) for year, words in openings if 2007 < year <= latest]
    return min(openings, key=lambda opening: opening[0]) if openings else None


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
