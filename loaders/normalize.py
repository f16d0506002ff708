"""Text normalisation before any matching: one form for digits, punctuation, characters and spacing.

Every step keeps the line structure (same number of ``\\n``) so issues can point at input lines, and keeps
tabs, which separate table cells:

- NFKC (of the compatibility blocks) folds full-width digits and punctuation to ASCII (``１２`` → ``12``, ``（`` → ``(``, ``－`` → ``-``);
- lines holding traditional-only characters go through ``zhconv`` (``決策`` → ``决策``, ``金額`` → ``金额``);
- ``[bookmark: _GoBack]`` artifacts of DOCX conversion and Markdown ``#`` / ``-`` line prefixes go;
- spaces between two Chinese characters go (OCR's ``其 他 结果`` → ``其他结果``); spaces inside numbers
  stay, :mod:`loaders.numbers` reads them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import zhconv

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
# Only at column 0: a leading tab is an empty first cell and must survive.
_MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}[ ]*|[-*+][ ]+(?=\S))", re.M)
# A run of spaces with a Chinese character (or CJK punctuation) on both sides: OCR's word breaks. Lookarounds,
# not a callback per run, so that ``sub`` stays in C.
_CJK = "\u4e00-\u9fff“”、。《》"
_CJK_SPACES = re.compile(f"(?<=[{_CJK}])[ ]+(?=[{_CJK}])")
# The Unicode blocks holding compatibility characters these documents use (full-width forms, ideographic
# space, typographic spaces, circled numbers, Kangxi radicals, CJK compatibility ideographs). NFKC of just
# these characters equals NFKC of the whole text here, at a fifth of the cost. The group makes ``split`` keep
# the runs, at odd indices.
_COMPATIBILITY = re.compile(
    "([\u00a0\u2000-\u206f\u2150-\u24ff\u2e80-\u2fdf\u3000\u3200-\u33ff\uf900-\ufaff\ufe10-\ufe6f\uff00-\uffef]+)"
)
# Characters NFKC leaves alone but that mean something plainer here.
_EXTRA = (("\u2212", "-"), ("\r", "\n"))


def _traditional_only() -> frozenset[str] | None:
    """Characters that exist only in traditional script; zhconv runs only on lines holding one (it is slow).

    A frozenset, not a regex character class: ``isdisjoint`` is ten times faster on 4,000 characters.
    """
    try:
        zhconv.zhconv.loaddict()
        return frozenset(zhconv.zhconv.zhcdicts["TRADONLY"])
    except (AttributeError, KeyError):  # pragma: no cover - a zhconv without its tables: convert every line
        return None


_TRADITIONAL = _traditional_only()


@cache
def _nfkc(chars: str) -> str:
    return unicodedata.normalize("NFKC", chars)


def _fold_compatibility(text: str) -> str:
    """NFKC of each run of compatibility characters; split and map rather than a Python callback per run."""
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


def _simplify_lines(text: str) -> str:
    """``text`` with each line holding a traditional-only character converted to simplified."""
    lines = text.split("\n")
    # Only a line GB2312 cannot encode can hold one: the codec marks them all (``?``) in one pass in C.
    marked = text.encode("gb2312", "replace").decode("gb2312").split("\n")
    for i in [i for i, (line, mark) in enumerate(zip(lines, marked, strict=True)) if line != mark]:
        line = lines[i]
        if not _gb2312(line) and (_TRADITIONAL is None or not _TRADITIONAL.isdisjoint(line)):
            lines[i] = to_simplified(line)
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def to_simplified(line: str) -> str:
    """Traditional or mixed-script Chinese to simplified, phrase-aware (``覆蓋`` → ``覆盖``).

    Cached: zhconv walks the line in Python, and table labels and boilerplate recur across reports.
    """
    return zhconv.convert(line, "zh-cn")


def normalize_text(text: str) -> str:
    """The whole document in normal form; line *n* of the result is line *n* of the input."""
    text = _fold_compatibility(text.replace("\r\n", "\n"))
    for old, new in _EXTRA:
        if old in text:  # str.replace on a miss is cheap, but translate() is slow on whole documents
            text = text.replace(old, new)
    if not _gb2312(text):
        text = _simplify_lines(text)
    if "[bookmark" in text:
        text = _BOOKMARK.sub("", text)
    text = _MARKDOWN_PREFIX.sub("", text)
    return _CJK_SPACES.sub("", text)


def compact(text: str) -> str:
    """``text`` without any whitespace: the form labels and headings are compared in."""
    return "".join(text.split())
