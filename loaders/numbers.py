"""What a table cell holds: nothing, a number, a "none reported" mark, or text.

Policy (docs: extraction policy):

- an empty cell is ``EMPTY`` → the value is ``None`` with provenance ``missing`` — empty is not zero;
- ``—``, ``-``, ``/``, ``／``, ``无`` mean "none reported" → ``DASH``: also ``None`` / ``missing``, and the
  caller adds an info issue ``DASH_AS_NULL``;
- numbers may carry thousands separators (``1,234``, ``1 234``), a sign (``-3`` for 本年增/减), a decimal
  part (``12.50`` fee amounts, kept digit for digit), full-width digits, or a unit (``5件``);
- a cell holding several numbers separated by spaces (``0 0``, OCR merging two cells) is several cells.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from enum import IntEnum


class Kind(IntEnum):
    """What a cell holds. ``PAD`` is an empty tab cell at a row's edge (indentation or padding of a layout,
    not a cell of the table); ``UNREADABLE`` a cell a reader could not read (``\ufffd``, e.g. OCR)."""

    EMPTY = 0
    NUMBER = 1
    DASH = 2
    TEXT = 3
    PAD = 4
    UNREADABLE = 5


DASHES = frozenset({"-", "--", "—", "——", "–", "−", "─", "/", "／", "－", "无"})
_NUMBER = re.compile(r"([+-]?)\s*(\d{1,3}(?:[, ]\d{3})+|\d+)(\.\d+)?\s*(?:件|个|项|条|次|万元|元)?")
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")


_NUMBER_START = frozenset("+-0123456789")


def _fold(text: str) -> str:
    text = text.strip()
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip() if not text.isascii() else text


def number_text(cell: str, normalized: bool = False) -> str | None:
    """The canonical digits of a one-number cell (``"1,234"`` → ``"1234"``, ``"－3"`` → ``"-3"``), else None."""
    text = cell.strip() if normalized else _fold(cell)
    if text.isdigit() and text.isascii():  # the common case, without a regex
        return text
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    sign, digits, fraction = m.groups()
    return ("-" if sign == "-" else "") + digits.replace(",", "").replace(" ", "") + (fraction or "")


def classify(cell: str, normalized: bool = False) -> tuple[Kind, tuple[str, ...]]:
    """The cell's kind and, for ``NUMBER``, the canonical digits of each number it holds (usually one).

    ``normalized`` says the text already went through :func:`loaders.normalize.normalize_text` (faster).
    """
    text = cell.strip() if normalized else _fold(cell)
    if not text:
        return Kind.EMPTY, ()
    if text.isdigit() and text.isascii():
        return Kind.NUMBER, (text,)
    if text in DASHES:
        return Kind.DASH, ()
    if text[0] not in _NUMBER_START:
        return Kind.TEXT, ()
    single = number_text(text, normalized=True)
    if single is not None:
        return Kind.NUMBER, (single,)
    parts = text.split()
    if len(parts) > 1 and all(_PLAIN.fullmatch(p) for p in parts):
        return Kind.NUMBER, tuple(number_text(p, normalized=True) or p for p in parts)
    return Kind.TEXT, ()


def to_count(digits: str) -> int | None:
    """A count from canonical digits; None when it has a fractional part (counts are whole)."""
    return None if "." in digits else int(digits)


def to_amount(digits: str) -> Decimal:
    """An exact amount from canonical digits, keeping them as written (``"12.50"`` stays ``12.50``)."""
    return Decimal(digits)


def parse_count(cell: str) -> int | None:
    """A count cell as an int; None for empty, dash, text or a fractional number."""
    digits = number_text(cell)
    return None if digits is None else to_count(digits)


def parse_amount(cell: str) -> Decimal | None:
    """An amount cell as an exact Decimal; None for empty, dash or text."""
    digits = number_text(cell)
    return None if digits is None else to_amount(digits)
