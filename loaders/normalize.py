"""Text normalisation before any matching: one form for digits, punctuation, characters and spacing.

Every step keeps the line structure (same number of ``\\n``) so issues can point at input lines, and keeps
tabs, which separate table cells:

- NFKC (of the compatibility blocks) folds full-width digits and punctuation to ASCII (``１２`` → ``12``, ``（`` → ``(``, ``－`` → ``-``);
- lines holding characters outside GB2312 go through OpenCC's traditional → simplified conversion
  (``決策`` → ``决策``, ``金額`` → ``金额``), and the pinyin a converting mirror site left behind a character
  (``數(shù)據(jù)`` → ``数据``) goes;
- page furniture of PDF flipbooks (``P. 9``, ``第 2 页``, the ``Page 9 - `` prefix) and ``[bookmark: _GoBack]``
  artifacts of DOCX conversion go; Markdown ``#`` / ``-`` line prefixes go;
- spaces between two Chinese characters go (OCR's ``其 他 结果`` → ``其他结果``); spaces inside numbers
  stay, :mod:`loaders.numbers` reads them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
# Only at column 0: a leading tab is an empty first cell and must survive.
_MARKDOWN_MARKS = ("#", "-", "*", "+")
_MARKDOWN_LINE = re.compile("\n[" + re.escape("".join(_MARKDOWN_MARKS)) + "]")  # a line starting with one
_MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}[ ]*|[-*+][ ]+(?=\S))", re.M)
# A run of spaces with a Chinese character (or CJK punctuation) on both sides: OCR's word breaks. Lookarounds,
# not a callback per run, so that ``sub`` stays in C.
_CJK = "\u4e00-\u9fff“”、。《》"
# The pattern starts with its literal space (the look-behind follows it) so that the engine scans for spaces
# instead of trying every position.
CJK_SPACES = re.compile(f" (?<=[{_CJK}] ) *(?=[{_CJK}])")
# The Unicode blocks holding compatibility characters these documents use (full-width forms, ideographic
# space, typographic spaces, circled numbers, Kangxi radicals, CJK compatibility ideographs). NFKC of just
# these characters equals NFKC of the whole text here, at a fifth of the cost. The group makes ``split`` keep
# the runs, at odd indices.
_COMPATIBILITY = re.compile(
    "([\u00a0\u2000-\u206f\u2150-\u24ff\u2e80-\u2fdf\u3000\u3200-\u33ff\uf900-\ufaff\ufe10-\ufe6f\uff00-\uffef]+)"
)
# The commonest of them (full-width comma, brackets, colon, semicolon; no-break space), folded first with
# ``str.replace``: after them most texts are in NFKC already, which C checks far faster than the regex scans.
_COMMON = (("，", ","), ("（", "("), ("）", ")"), ("：", ":"), ("；", ";"), ("\u00a0", " "))
# Characters NFKC leaves alone but that mean something plainer here.
_EXTRA = (("\u2212", "-"), ("\r", "\n"))
# Pinyin in brackets right after a character, as mirror sites that convert pages leave it: ``數(shù)``. At least
# one tone mark, so that a bracketed Latin word (``(PDF)``) stays.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_RESIDUE = re.compile(f"(?<=[\u4e00-\u9fff])\\((?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}\\)")
# Page furniture of PDF flipbooks and printed pages: a line that is only a page marker, or a page prefix.
_PAGE_LINE = re.compile(r"^[ \t]*(?:P\.\s*\d+|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?|-\s*\d+\s*-)[ \t]*$", re.M)
_PAGE_PREFIX = re.compile(r"^[ \t]*Page\s+\d+\s*[-–—:]\s*", re.M)

_OPENCC = opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A document in normal form, and what was folded on the way (for an issue)."""

    text: str
    # 1-based lines converted from traditional characters, and the number of pinyin annotations removed.
    simplified_lines: tuple[int, ...] = ()
    pinyin_removed: int = 0


@cache
def _nfkc(chars: str) -> str:
    return unicodedata.normalize("NFKC", chars)


def fold_compatibility(text: str) -> str:
    """NFKC of each run of compatibility characters; split and map rather than a Python callback per run."""
    for old, new in _COMMON:
        if old in text:
            text = text.replace(old, new)
    if unicodedata.is_normalized("NFKC", text):
        return text
    parts = _COMPATIBILITY.split(text)
    parts[1::2] = map(_nfkc, parts[1::2])
    return "".join(parts)


def _gb2312(text: str) -> bool:
    """Whether ``text`` fits GB2312, a simplified-only character set: then it needs no conversion.

    The codec runs in C and is ten times faster than any per-character test in Python.
    """
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _simplify_lines(text: str) -> tuple[str, tuple[int, ...], int]:
    """``text`` with each line holding a traditional character converted; the lines changed; residue removed."""
    lines = text.split("\n")
    # Only a line GB2312 cannot encode can hold one: the codec marks them all (``?``) in one pass in C.
    marked = text.encode("gb2312", "replace").decode("gb2312").split("\n")
    changed: list[int] = []
    removed = 0
    for i in [i for i, (line, mark) in enumerate(zip(lines, marked, strict=True)) if line != mark]:
        line = to_simplified(lines[i])
        if line != lines[i]:
            line, n = _PINYIN_RESIDUE.subn("", line)
            removed += n
            lines[i] = line
            changed.append(i + 1)
    return "\n".join(lines), tuple(changed), removed


@lru_cache(maxsize=4096)
def to_simplified(line: str) -> str:
    """Traditional or mixed-script Chinese to simplified, phrase-aware (``覆蓋`` → ``覆盖``), by OpenCC.

    Cached: table labels and boilerplate recur across reports.
    """
    return _OPENCC.convert(line)


def normalize(text: str) -> Normalized:
    """The whole document in normal form; line *n* of the result is line *n* of the input."""
    text = fold_compatibility(text.replace("\r\n", "\n"))
    for old, new in _EXTRA:
        if old in text:  # str.replace on a miss is cheap, but translate() is slow on whole documents
            text = text.replace(old, new)
    simplified: tuple[int, ...] = ()
    removed = 0
    if not _gb2312(text):
        text, simplified, removed = _simplify_lines(text)
    if "[bookmark" in text:
        text = _BOOKMARK.sub("", text)
    if "Page" in text:
        text = _PAGE_PREFIX.sub("", text)
    if "P." in text or "页" in text or "\n-" in text:
        text = _PAGE_LINE.sub("", text)
    if text[:1] in _MARKDOWN_MARKS or _MARKDOWN_LINE.search(text) is not None:
        text = _MARKDOWN_PREFIX.sub("", text)  # (``in`` scans in C; the regex visits every line start)
    return Normalized(CJK_SPACES.sub("", text), simplified, removed)


def normalize_text(text: str) -> str:
    """:func:`normalize`'s text alone."""
    return normalize(text).text


def compact(text: str) -> str:
    """``text`` without any whitespace: the form labels and headings are compared in."""
    return "".join(text.split())
