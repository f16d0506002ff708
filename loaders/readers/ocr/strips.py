"""Reading a table row's cells in one pass: their crops side by side in one strip, each character placed
back into the crop it was read in.

A cell holding a lone ``0`` is hard to read on its own (the model sees a round glyph and guesses between
``0``, ``o`` and ``O``); read in the company of its row it comes out right, and a row costs one run of
the recogniser instead of one per cell. The recogniser's output is decoded here rather than by RapidOCR
so that every character keeps its position (to put it back in its cell) and its own probability (a
cell is as sure as its least sure character). Where a cell must hold a number, look-alikes are folded
before the best character is chosen: the probabilities of ``o``, ``O`` and ``〇`` count for ``0``, those
of ``l``, ``I`` and ``|`` for ``1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from loaders.readers.ocr import engine

# The recogniser reads lines 48 pixels high and its time grows with the strip's width (0.08 ms a pixel
# column, one core), so crops are scaled as small as reads surely: a short crop (a number: at most 3 times
# as wide as high) to 36, longer text to 28. Read in its row's strip, a lone digit is as sure at 36 as it
# was at 44; at 32 and 26 the scanned synthetic report no longer reads back exactly.
_HEIGHT, _SHORT, _LONG_TEXT = 48, 36, 28
# White between two crops, in strip pixels: wide enough that no character is read across two cells and
# that two equal digits side by side keep a blank step between them (the recogniser's step is 8 pixels).
_GAP = 12
# The widest strip read at once, and the widest piece of one crop: the recogniser's attention makes a
# wide strip cost more per pixel (0.10 ms per pixel of width up to 1,280, 0.17 at 2,880, one core).
_MAX_WIDTH = 1280
_PIECE = 640
_FOLDS: dict[str, tuple[str, ...]] = {
    "0": ("0", "o", "O", "〇", "０"),
    "1": ("1", "l", "I", "|", "１"),
    **{d: (d, chr(ord(d) - ord("0") + ord("０"))) for d in "23456789"},
    ".": (".", "。", "．"),
    ",": (",", "，"),
    "-": ("-", "－"),
}
DIGITISH = frozenset(c for chars in _FOLDS.values() for c in chars)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one crop reads as: plain text, its score, and the same as a number (look-alikes folded)."""

    text: str
    score: float
    number: str
    number_score: float


@cache
def _fold_table() -> tuple[list[str], np.ndarray, np.ndarray]:
    """The characters a number can hold; the recogniser's class indices folded into them, grouped by
    character; and where each character's group starts (for ``np.add.reduceat``)."""
    alphabet = engine.character_list()
    index = {char: i for i, char in enumerate(alphabet)}
    keys: list[str] = []
    classes: list[int] = []
    starts: list[int] = []
    for key, chars in _FOLDS.items():
        found = [index[char] for char in chars if char in index]
        if found:
            keys.append(key)
            starts.append(len(classes))
            classes.extend(found)
    return keys, np.array(classes), np.array(starts)


def read_crops(crops: Sequence[np.ndarray]) -> list[Reading]:
    """Read grey crops (each one line of text) as strips; the result is in the order of ``crops``.

    A crop wider than a strip piece is cut between two characters (at the palest column near the cut)
    and its pieces' readings joined.
    """
    pieces: list[np.ndarray] = []
    owners: list[int] = []
    for index, crop in enumerate(crops):
        for piece in _pieces(_scale(crop)):
            pieces.append(piece)
            owners.append(index)
    read: list[Reading] = []
    start = 0
    while start < len(pieces):
        end, width = start, 0
        while end < len(pieces) and (end == start or width + pieces[end].shape[1] + _GAP <= _MAX_WIDTH):
            width += pieces[end].shape[1] + _GAP
            end += 1
        read.extend(_read_strip(pieces[start:end]))
        start = end
    readings: list[Reading] = [Reading("", 0.0, "", 0.0)] * len(crops)
    for index in range(len(crops)):
        parts = [r for r, owner in zip(read, owners, strict=True) if owner == index]
        readings[index] = parts[0] if len(parts) == 1 else _joined(parts)
    return readings


def _joined(parts: list[Reading]) -> Reading:
    kept = [p for p in parts if p.text]
    if not kept:
        return Reading("", 0.0, "", 0.0)
    return Reading(
        "".join(p.text for p in kept),
        min(p.score for p in kept),
        "".join(p.number for p in kept),
        min(p.number_score for p in kept),
    )


def _scale(crop: np.ndarray) -> np.ndarray:
    height, width = crop.shape[:2]
    target = _SHORT if width <= 3 * height else _LONG_TEXT
    new_width = max(int(round(width * target / max(height, 1))), 4)
    shrink = height > target
    return cv2.resize(crop, (new_width, target), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)


def _pieces(scaled: np.ndarray) -> list[np.ndarray]:
    """A scaled crop cut into pieces at most :data:`_PIECE` wide, each cut at the palest column near it."""
    out = []
    while scaled.shape[1] > _PIECE:
        window = scaled[:, _PIECE * 3 // 4 : _PIECE]
        cut = _PIECE * 3 // 4 + int((255 - window.astype(np.int32)).sum(axis=0).argmin())
        out.append(scaled[:, :cut])
        scaled = scaled[:, cut:]
    out.append(scaled)
    return out


def _read_strip(crops: Sequence[np.ndarray]) -> list[Reading]:
    spans: list[tuple[int, int]] = []
    pieces: list[np.ndarray] = []
    x = 0
    for crop in crops:
        margin = (_HEIGHT - crop.shape[0]) // 2
        piece = np.full((_HEIGHT, crop.shape[1] + _GAP), 255, dtype=np.uint8)
        piece[margin : margin + crop.shape[0], _GAP // 2 : _GAP // 2 + crop.shape[1]] = crop
        spans.append((x, x + crop.shape[1] + _GAP))
        pieces.append(piece)
        x += crop.shape[1] + _GAP
    strip = np.concatenate(pieces, axis=1)
    width = -(-strip.shape[1] // 8) * 8
    strip = np.pad(strip, ((0, 0), (0, width - strip.shape[1])), constant_values=255)
    batch = (np.repeat(strip[None, None].astype(np.float32), 3, axis=1) / 255.0 - 0.5) / 0.5
    probs = engine.recogniser_output(batch)[0]  # (steps, classes), softmax
    steps = probs.shape[0]
    best = probs.argmax(axis=1)
    per_crop: list[list[int]] = [[] for _ in crops]  # the step of each character's strongest frame
    step = 0
    while step < steps:
        cls = best[step]
        run_end = step
        while run_end + 1 < steps and best[run_end + 1] == cls:
            run_end += 1
        if cls != 0:
            peak = step + int(probs[step : run_end + 1, cls].argmax())
            centre = (peak + 0.5) * width / steps
            for k, (left, right) in enumerate(spans):
                if left <= centre < right:
                    per_crop[k].append(peak)
                    break
        step = run_end + 1
    alphabet = engine.character_list()
    keys, classes, starts = _fold_table()
    readings = []
    for peaks in per_crop:
        chars = [alphabet[best[p]] for p in peaks if alphabet[best[p]] != " "]
        kept = [p for p in peaks if alphabet[best[p]] != " "]
        if not kept:
            readings.append(Reading("", 0.0, "", 0.0))
            continue
        score = float(min(probs[p, best[p]] for p in kept))
        # (characters, number keys); summed rather than multiplied by a 0/1 matrix, which would hand the
        # product to a multi-threaded BLAS whose idle threads spin for more CPU than the sum costs
        folded = np.add.reduceat(probs[np.ix_(np.array(kept), classes)], starts, axis=1)
        number = "".join(keys[k] for k in folded.argmax(axis=1))
        number_score = float(folded.max(axis=1).min())
        readings.append(Reading("".join(chars), score, number, number_score))
    return readings
