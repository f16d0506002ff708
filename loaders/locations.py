"""Where a value stands in the document text as stored, from where it stands in the normal form.

The parser reads the normal form (:mod:`loaders.normalize`); people, and the dashboard's source view, see
the document as it arrived. Normalisation keeps lines, but not always columns: full-width forms fold
(``（一）`` stays three characters, ``㈠`` becomes three), spaces between Chinese characters go, Markdown
prefixes and flipbook page prefixes go, pinyin residue goes. A line whose length did not change is mapped
column for column; one that only lost spaces between Chinese characters is mapped around them; another is
aligned character by character.
"""

from __future__ import annotations

import re
import unicodedata

from loaders.canonical import Location
from loaders.normalize import CJK_SPACES, fold_compatibility

_PREFIX = re.compile(r"^(?:[ \t]*Page\s+\d+\s*[-–—:]\s*|#{1,6}[ ]*|[-*+][ ]+(?=\S))")
_RESIDUE = re.compile(r"\[bookmark:[^\]]*\]|\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]{1,7}\)")


def _piece(char: str) -> str:
    if char.isascii():
        return char
    return unicodedata.normalize("NFKC", char).replace("\u2212", "-")


def _common(raw: str, i: int, norm: str, j: int) -> int:
    """How many characters ``raw[i:]`` and ``norm[j:]`` share from the start. Slices are compared in C, in
    lengths doubling until they differ, then halved: the cost follows the stretch shared, not the line."""
    limit = min(len(raw) - i, len(norm) - j)
    if limit == 0 or raw[i] != norm[j]:
        return 0
    low, size = 1, 16  # raw[i:i+low] matches
    while size < limit and raw[i : i + size] == norm[j : j + size]:
        low, size = size, size * 2
    high = min(size, limit)
    if raw[i : i + high] == norm[j : j + high]:
        return high
    while high - low > 1:  # raw[i:i+high] does not match
        mid = (low + high) // 2
        if raw[i : i + mid] == norm[j : j + mid]:
            low = mid
        else:
            high = mid
    return low


def align(raw: str, norm: str) -> list[int]:
    """For each column of ``norm`` (and one past its end), the column of ``raw`` it came from.

    Equal stretches are matched whole; between them a character was folded (``（`` → ``(``), converted
    (``數`` → ``数``) or dropped (a space between Chinese characters, a prefix, pinyin residue).
    """
    folded = fold_compatibility(raw)
    if len(folded) == len(raw):
        # Full-width forms folded first, in C, column for column: what differs is then only what was dropped
        # or converted, and the equal stretches between are long.
        raw = folded
    if raw and len(norm) < len(raw) and CJK_SPACES.sub("", raw) == norm:
        return _without_spaces(raw)
    out = [0] * (len(norm) + 1)
    i = j = 0
    prefix = _PREFIX.match(raw)
    if prefix is not None and not norm.startswith(prefix.group()):
        i = prefix.end()
    while j < len(norm) and i < len(raw):
        same = _common(raw, i, norm, j)
        if same:
            out[j : j + same] = range(i, i + same)
            i += same
            j += same
            continue
        piece = _piece(raw[i])
        if piece and norm.startswith(piece, j):
            for k in range(len(piece)):
                out[j + k] = i
            j += len(piece)
            i += 1
        elif raw[i].isspace() or not piece:
            i += 1
        elif (m := _RESIDUE.match(raw, i)) is not None and not norm.startswith(m.group(), j):
            i = m.end()
        else:  # a character converted to another (traditional to simplified)
            out[j] = i
            i += 1
            j += 1
    while j <= len(norm):
        out[j] = i
        j += 1
    return out


def _without_spaces(raw: str) -> list[int]:
    """:func:`align`'s map when normalising only took out runs of spaces between Chinese characters (the
    commonest difference, on a crawled page's one long line): every other column kept in order. The runs
    stand between two characters kept, so the line's last column is kept and the column past the end is
    ``len(raw)``."""
    out: list[int] = []
    kept = 0
    for m in CJK_SPACES.finditer(raw):
        out += range(kept, m.start())
        kept = m.end()
    out += range(kept, len(raw))
    out.append(len(raw))
    return out


class Locator:
    """Maps locations in the normal form of a document to locations in its stored text, a line at a time."""

    def __init__(self, raw_lines: list[str], norm_lines: list[str]) -> None:
        self._raw = raw_lines
        self._norm = norm_lines
        self._maps: dict[int, list[int]] = {}

    def all(self, locations: dict[str, Location]) -> dict[str, Location]:
        """``locations`` in the stored text."""
        # Only the lines holding a location are compared, not every line of the document: a line whose
        # length did not change kept its columns.
        raw, norm = self._raw, self._norm
        last = min(len(raw), len(norm))
        maps = {
            line: self._map(line)
            for line in {where[0] for where in locations.values()}
            if 0 < line <= last and len(raw[line - 1]) != len(norm[line - 1])
        }
        if not maps:
            return locations
        # (A comprehension: one pass without a method call per location.)
        return {
            path: where
            if (mapping := maps.get(where[0])) is None
            else (where[0], mapping[where[1]], mapping[where[2] - 1] + 1 if where[2] > where[1] else mapping[where[1]])
            for path, where in locations.items()
        }

    def _map(self, line: int) -> list[int]:
        """Column map of a (1-based) line of both texts that moved, worked out once."""
        index = line - 1
        mapping = self._maps.get(index)
        if mapping is None:
            mapping = self._maps[index] = align(self._raw[index], self._norm[index])
        return mapping
