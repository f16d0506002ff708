"""Extraction damage: the layout's punctuation, look-alike characters, spaced and wrapped labels, lost cells."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from loaders.canonical import Value


@dataclass(frozen=True, slots=True)
class NoiseOptions:
    """Extraction damage for :func:`render`; each field is a probability in [0, 1] (``True`` = always).

    ``wrap_labels``, ``lookalikes``, ``spaces_in_words`` apply per label; ``full_width_digits`` and
    ``thousands_separators`` per number; ``drop_cells`` and ``duplicate_cells`` per §3 row (never both
    in one row, so a row never holds 7 misaligned numbers).
    """

    wrap_labels: float = 0.0
    lookalikes: float = 0.0
    full_width_digits: float = 0.0
    spaces_in_words: float = 0.0
    drop_cells: float = 0.0
    duplicate_cells: float = 0.0
    thousands_separators: float = 0.0

    @property
    def loses_information(self) -> bool:
        """Whether a rendering may hold values no reader can recover (a lost or doubled §3 number)."""
        return self.drop_cells > 0 or self.duplicate_cells > 0


_HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"})
_LOOKALIKES = {
    "决": "決",
    "额": "額",
    "导": "導",
    "处": "處",
    "开": "開",
    "结": "結",
    "办": "辦",
    "关": "關",
    "项": "項",
    "数": "數",
    "请": "請",
    "议": "議",
    "讼": "訟",
    "计": "計",
    "维": "維",
    "纠": "糾",
    "审": "審",
    "务": "務",
}
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


class Pen:
    """Writes labels and numbers for one rendering, applying the layout's punctuation and the noise."""

    def __init__(self, noise: NoiseOptions, rng: random.Random, half_width: bool) -> None:
        self.noise = noise
        self.rng = rng
        self.half_width = half_width

    def _chance(self, p: float) -> bool:
        return p > 0 and self.rng.random() < p

    def text(self, s: str) -> str:
        """Narrative or heading text: layout punctuation, look-alike characters."""
        if self.half_width:
            s = s.translate(_HALF_WIDTH)
        if self.noise.lookalikes > 0:
            s = "".join(_LOOKALIKES[c] if c in _LOOKALIKES and self._chance(self.noise.lookalikes) else c for c in s)
        return s

    def label(self, s: str) -> str:
        """A table label: as :meth:`text`, sometimes with spaces between its characters (`其 他 结果`)."""
        s = self.text(s)
        if self._chance(self.noise.spaces_in_words):
            s = "".join(
                c + " " if _is_cjk(c) and _is_cjk(n) and self.rng.random() < 0.5 else c for c, n in pairwise(s + " ")
            )
        return s

    def split(self, s: str) -> tuple[str, str] | None:
        """Where a wrapped label breaks, or None. Only long labels wrap, as in a narrow cell, and each part
        keeps three Chinese characters, so neither reads as a number (`1.` alone would) or is a stray word."""
        cjk = [i for i, c in enumerate(s) if _is_cjk(c)]
        if len(cjk) < 8 or not self._chance(self.noise.wrap_labels):
            return None
        cut = self.rng.randint(cjk[2] + 1, cjk[-3])
        return s[:cut], s[cut:]

    def number(self, value: Value) -> str:
        if value is None:
            return ""
        text = str(value)
        if (value >= 1000 or value <= -1000) and self._chance(self.noise.thousands_separators):
            text = f"{value:,}"
        if self._chance(self.noise.full_width_digits):
            text = text.translate(_FULL_WIDTH_DIGITS)
        return text

    def numbers(self, values: Sequence[Value]) -> list[str]:
        return [self.number(v) for v in values]

    def row_numbers(self, values: Sequence[Value]) -> list[str]:
        """A §3 row's seven numbers, maybe one lost or one doubled (never both)."""
        cells = self.numbers(values)
        if self._chance(self.noise.drop_cells):
            del cells[self.rng.randrange(len(cells))]
        elif self._chance(self.noise.duplicate_cells):
            i = self.rng.randrange(len(cells))
            cells.insert(i, cells[i])
        return cells
