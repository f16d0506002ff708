"""Turning table cells and wrapped fragments into the tab-separated lines the parser reads."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000\r\n\f\v]+")


def _is_wide(char: str) -> bool:
    # CJK ideographs and full-width punctuation: a line break between two of them is a wrap, not a space.
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_wrapped(fragments: Iterable[str]) -> str:
    """Join the lines of a wrapped cell or paragraph into one line.

    Chinese wraps anywhere, so a break next to a wide character is dropped; between two Latin or digit
    fragments it becomes one space (``"12" + "34"`` stays ``"12 34"``, never ``"1234"``).
    """
    out = ""
    for fragment in fragments:
        piece = fragment.strip()
        if not piece:
            continue
        if out and not (_is_wide(out[-1]) or _is_wide(piece[0])):
            out += " "
        out += piece
    return out


def collapse_spaces(text: str) -> str:
    """Collapse whitespace runs (tabs and line breaks included) to one space, as HTML renders them."""
    return _SPACE_RUN.sub(" ", text).strip()


def row_line(cells: Iterable[str]) -> str:
    """One table row as one line: cells joined by tabs, any tab or line break inside a cell made a space."""
    return "\t".join(_SPACE_RUN.sub(" ", cell).strip() for cell in cells)
