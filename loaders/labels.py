"""Row labels to canonical keys: §3 application rows and §2 categories.

Labels arrive wrapped across lines and cells (``三、本年`` + ``(一)予以公开``), damaged by OCR
(``2.其他法律行政法规禁止(三)不公开予公开``, ``、本年新收…`` with the 一 lost) or prefixed by their group.
Each row has a few distinctive keywords that survive such damage; a substring lookup settles almost every
label, and ``rapidfuzz`` is asked only when none matches.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache
from unicodedata import normalize

from rapidfuzz import fuzz, process

from loaders.canonical import PROACTIVE_METRICS, ROW_LABELS_2021
from loaders.normalize import compact

# Keywords per §3 row; a label holding one of them names the row. "other" is matched separately.
_ROW_KEYWORDS: dict[str, tuple[str, ...]] = {
    "new_received": ("本年新收",),
    "carried_over": ("上年结转",),
    "granted": ("予以公开",),
    "partially_granted": ("部分公开",),
    "withheld_state_secret": ("国家秘密",),
    "withheld_prohibited_by_law": ("法规禁止",),
    "withheld_three_safeties": ("三安全", "一稳定"),
    "withheld_third_party_rights": ("第三方合法",),
    "withheld_internal_affairs": ("内部事务",),
    "withheld_process_information": ("过程性信息",),
    "withheld_enforcement_case_file": ("执法案卷",),
    "withheld_administrative_inquiry": ("行政查询",),
    "unavailable_not_held": ("不掌握",),
    "unavailable_needs_creation": ("另行制作", "没有现成"),
    "unavailable_unclear_after_correction": ("仍不明确", "补正后申请"),
    "not_processed_complaint": ("信访举报", "举报投诉"),
    "not_processed_repeat": ("重复申请",),
    "not_processed_publication": ("公开出版物",),
    "not_processed_excessive": ("大量反复",),
    "not_processed_reconfirmation": ("重新出具", "确认或重新"),
    "other_no_correction": ("逾期不补正", "理由逾期"),
    "other_unpaid_fee": ("收费通知", "缴纳费用"),
    "outcome_total": ("(七)", "七)总"),
    "carried_forward": ("结转下年", "下年度继续"),
}
_TEMPLATE_2021_ONLY = frozenset({"other_no_correction", "other_unpaid_fee"})
# 2021: the leaf "3.其他" under (六); 2019: the single row "(六)其他处理".
_OTHER_2021 = re.compile(r"(?:\(六\))?(?:其他处理)?3[.、]?其[他它]")
_OTHER_2019 = re.compile(r"(?:\(六\)|六\))?其[他它]处理")
_FUZZY_CUTOFF = 75.0
_NUMBERING = re.compile(r"^[一二三四五六七八九十、.,()0-9]+")
# The leaf text of each canonical label (no group prefix, no numbering), for the fuzzy fallback.
_FUZZY_ROWS: dict[str, str] = {
    row: _NUMBERING.sub("", compact(normalize("NFKC", label).split(" ")[-1]))
    for row, label in ROW_LABELS_2021.items()
    if row != "other"
}

_CATEGORY_NAMES: dict[str, str] = {
    "规章": "regulations",
    "规范性文件": "normative_documents",
    "行政规范性文件": "normative_documents",
    "行政许可": "licensing",
    "其他对外管理服务事项": "other_services",
    "行政处罚": "penalties",
    "行政强制": "enforcement",
    "行政事业性收费": "fees",
    "政府集中采购": "procurement",
}
# Per template, the category names rapidfuzz may choose from (a dict so that the match gives its key).
_CATEGORY_CHOICES: dict[str, dict[str, str]] = {
    template: {name: name for name, category in _CATEGORY_NAMES.items() if category in metrics}
    for template, metrics in PROACTIVE_METRICS.items()
}


def _keyword_pattern(template: str) -> re.Pattern[str]:
    rows = [r for r in _ROW_KEYWORDS if not (template == "2019" and r in _TEMPLATE_2021_ONLY)]
    keywords = sorted((kw for r in rows for kw in _ROW_KEYWORDS[r]), key=len, reverse=True)
    other = _OTHER_2021 if template == "2021" else _OTHER_2019
    return re.compile("|".join([*(re.escape(k) for k in keywords), f"(?P<other>{other.pattern})"]))


_KEYWORD_PATTERNS = {t: _keyword_pattern(t) for t in ("2019", "2021")}
_KEYWORD_ROWS = {kw: row for row, keywords in _ROW_KEYWORDS.items() for kw in keywords}


@lru_cache(maxsize=8192)
def _keyword_row(text: str, template: str, after: int = 0, first: bool = False) -> str | None:
    """The row whose keyword sits last (or ``first``) in ``text``, or None.

    The last keyword is the label nearest the numbers; only keywords ending after index ``after`` count,
    so that when a label is joined with the text before it, the keyword must reach into the label itself.
    Cached: the same labels recur in every report.
    """
    found = None
    for m in _KEYWORD_PATTERNS[template].finditer(text):
        if m.end() > after:
            found = m
            if first:
                break
    if found is None:
        return None
    return "other" if found.group("other") is not None else _KEYWORD_ROWS[found.group()]


def _fuzzy_row(texts: Sequence[str], template: str, taken: Collection[str]) -> str | None:
    choices = {
        row: label
        for row, label in _FUZZY_ROWS.items()
        if row not in taken and not (template == "2019" and row in _TEMPLATE_2021_ONLY)
    }
    for text in texts:
        text = _NUMBERING.sub("", text)
        if len(text) >= 4:
            found = process.extractOne(text, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if found is not None:
                return found[2]
    return None


def match_row(
    own: Sequence[str],
    before: Sequence[str],
    after: Sequence[str],
    template: str,
    taken: Collection[str] = (),
) -> str | None:
    """The §3 row named by the text around a run of numbers, or None.

    ``own``: text cells on the numbers' own line (a tab-separated row); ``before``: text cells since the
    previous run; ``after``: the text cells of the line after the run, if it holds no numbers. A row laid
    out on one line is named by its own cells, else by its label wrapped onto the next line (``6.属于四类``
    + ``过程性信息``), else by a label begun on the line before. Numbers on lines of their own are named by the text before them, the
    last cell naming a row winning (earlier cells are group labels or the previous row's wrapped tail).
    Rapidfuzz, against rows not yet ``taken``, only when no keyword matches.
    """
    found = _keyword_match(tuple(own), tuple(before), tuple(after), template)
    return found if not isinstance(found, tuple) else _fuzzy_row(found, template, taken)


def row_named(text: str, template: str) -> str | None:
    """The §3 row one label cell names by its keywords alone (no fuzzy matching), or None."""
    return _keyword_row(compact(text), template)


@lru_cache(maxsize=8192)
def _keyword_match(
    own: tuple[str, ...], before: tuple[str, ...], after: tuple[str, ...], template: str
) -> str | tuple[str, ...]:
    """:func:`match_row` by keywords: the row, else the texts to try with rapidfuzz, in order.

    Cached (tuples, not lists, for that): the same labels around the same runs recur in every report.
    """
    own_texts = [t for t in map(compact, own) if t]
    before_texts = [t for t in map(compact, before) if t]
    if own_texts:
        for text in reversed(own_texts):
            if (row := _keyword_row(text, template)) is not None:
                return row
        label = "".join(own_texts)
        wrapped = label + "".join(t for t in map(compact, after) if t)
        if (row := _keyword_row(wrapped, template, first=True)) is not None:
            return row
        preceding = "".join(before_texts)
        if (row := _keyword_row(preceding + label, template, after=len(preceding))) is not None:
            return row
        return (label, wrapped)
    for text in reversed(before_texts):
        if (row := _keyword_row(text, template)) is not None:
            return row
    if (row := _keyword_row("".join(before_texts), template)) is not None:
        return row
    return tuple(before_texts[::-1])


# Longest first, so that 行政规范性文件 is not read as 规范性文件's shorter neighbour.
_CATEGORY_SUFFIXES = sorted(_CATEGORY_NAMES, key=len, reverse=True)


@lru_cache(maxsize=4096)
def match_category(cell: str, template: str) -> str | None:
    """The §2 category a cell names (``行政规范性文件`` → ``normative_documents``), or None.

    A longer cell names the category it ends with: on a page whose table lost its borders the headers run
    into the label (``…本年处理决定数量行政许可``). Cached: §2 is read cell by cell and the same few labels
    and headers recur in every report.
    """
    text = compact(cell)
    allowed = PROACTIVE_METRICS[template]
    category = _CATEGORY_NAMES.get(text)
    if category is not None:
        return category if category in allowed else None
    if len(text) > 6:
        for name in _CATEGORY_SUFFIXES:
            if text.endswith(name):
                category = _CATEGORY_NAMES[name]
                return category if category in allowed else None
    if not 3 <= len(text) <= 14:
        return None
    found = process.extractOne(text, _CATEGORY_CHOICES[template], scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return None if found is None else _CATEGORY_NAMES[found[2]]
