"""One page image to lines of text: ruled tables rebuilt cell by cell, the rest read line by line.

Tables come from their ruling (:mod:`loaders.readers.ocr.grid`): every real cell is cropped between its
lines, its text lines found by where the ink is, and all of a table's crops read in strips
(:mod:`loaders.readers.ocr.strips`). Each row of the grid becomes one tab-separated line, a merged cell's
text in its first slot and the slots it covers empty — the layout of the DOCX and HTML readers — so an
empty cell stays an empty field and never shifts its neighbours.

A cell whose reading holds only digits, their look-alikes and separators must be a number: it is read
with look-alikes folded, and if the reading is unsure it is written as U+FFFD (unreadable) with an
``OCR_LOW_CONFIDENCE`` issue, never as a guessed digit. Text outside the tables is detected and read
line by line and put between the table rows by its position on the page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from statistics import median

import cv2
import numpy as np

from loaders.readers.cells import join_wrapped, row_line
from loaders.readers.ocr import UNREADABLE, engine
from loaders.readers.ocr.grid import Cell, Grid, cells, find_grids, ink_mask
from loaders.readers.ocr.strips import DIGITISH, Reading, read_crops

# A number is kept when every one of its characters was read with at least this probability.
MIN_SCORE = 0.8
_SHORT_TEXT = 3
_DASHES = frozenset({"-", "—", "一", "–", "/", "／", "无", "－", "——", "--"})
_INSET = 3  # pixels inside a cell's ruling where its content starts
_PAD = 2  # white kept around a text line's ink when it is cropped
# An empty cell whose inside is more than 1 % grey (darker than 220 of 255) held an entry nobody can read;
# dust and JPEG noise leave a few pixels, never that many.
_GREY, _SMUDGE_SHARE = 220, 0.01


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a piece of a line was read: page pixels of its box and its score."""

    start: int
    end: int
    box: tuple[int, int, int, int]
    score: float


@dataclass(slots=True)
class PageLines:
    """A page read: its lines top to bottom, where each cell of each line was read, and notes by line."""

    lines: list[str] = field(default_factory=list)
    placed: list[list[Placed]] = field(default_factory=list)
    # (index into lines, message) of every number written as unreadable
    unsure: list[tuple[int, str]] = field(default_factory=list)


def read_page(gray: np.ndarray, detected: list[np.ndarray]) -> PageLines:
    """Read an upright grey page image and the text lines detected on it (see :mod:`loaders.readers.ocr.page`)."""
    ink = ink_mask(gray)
    grids, rules = find_grids(ink)
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rules, np.ones((3, 3), np.uint8))))
    text_ink = _without_specks(text_ink)
    placed: list[tuple[float, str, list[Placed], str | None]] = []  # (top, line, cells, unsure message)
    for grid in grids:
        placed.extend(_table_rows(gray, grid, rules, text_ink))
    placed.extend(_text_lines(gray, grids, detected))
    placed.sort(key=lambda item: item[0])
    page = PageLines()
    for index, (_, line, cells_, unsure) in enumerate(placed):
        page.lines.append(line)
        page.placed.append(cells_)
        if unsure:
            page.unsure.append((index, unsure))
    return page


def _without_specks(text_ink: np.ndarray) -> np.ndarray:
    """Ink less the dots of dust and JPEG noise too small to be part of any character."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(text_ink, connectivity=8)
    keep = np.zeros(count, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= 4
    return np.where(keep[labels], 255, 0).astype(np.uint8)


# tables ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _CellText:
    cell: Cell
    bands: list[tuple[int, int, int, int]]  # text lines as page boxes
    readings: list[Reading] = field(default_factory=list)


def _table_rows(
    gray: np.ndarray, grid: Grid, rules: np.ndarray, text_ink: np.ndarray
) -> list[tuple[float, str, list[Placed], str | None]]:
    found = [_CellText(cell, _bands(text_ink, cell.box)) for cell in cells(grid, rules)]
    heights = [band[3] - band[1] for item in found for band in item.bands]
    if heights:  # a speck of dust is far shorter than the table's lines of text
        least = 0.3 * median(heights)
        for item in found:
            item.bands = [band for band in item.bands if band[3] - band[1] >= least]
    crops = [_crop(gray, band) for item in found for band in item.bands]
    readings = iter(read_crops(crops))
    for item in found:
        item.readings = [next(readings) for _ in item.bands]
    numeric_columns = _numeric_columns(found)
    by_row: dict[int, dict[int, _CellText]] = {}
    for item in found:
        by_row.setdefault(item.cell.row, {})[item.cell.col] = item
    rows = []
    for r in range(len(grid.ys) - 1):
        texts: list[str] = []
        boxes: list[tuple[tuple[int, int, int, int], float] | None] = []
        unsure: list[str] = []
        for c in range(len(grid.xs) - 1):
            held = by_row.get(r, {}).get(c)
            if held is not None and not held.bands and _smudged(gray, held.cell.box):
                texts.append(UNREADABLE)
                boxes.append((held.cell.box, 0.0))
                unsure.append(f"row {r + 1}, column {c + 1}: grey marks but no legible ink (smudged or faded)")
                continue
            if held is None or not held.bands:
                texts.append("")
                boxes.append(None)
                continue
            text, score, doubt = _cell_text(held, c in numeric_columns)
            texts.append(text)
            boxes.append((held.cell.box, score))
            if doubt:
                unsure.append(doubt)
        if not any(texts):
            continue
        line = row_line(texts)
        cells_: list[Placed] = []
        offset = 0
        for text, where in zip(line.split("\t"), boxes, strict=True):
            if where is not None and text:
                cells_.append(Placed(offset, offset + len(text), where[0], round(where[1], 3)))
            offset += len(text) + 1
        rows.append((float(grid.ys[r]), line, cells_, "; ".join(unsure) or None))
    return rows


def _smudged(gray: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether a cell without ink is grey enough to have held something (a smudged or faded entry)."""
    x0, y0, x1, y1 = box
    inside = gray[y0 + 2 * _INSET : y1 - 2 * _INSET + 1, x0 + 2 * _INSET : x1 - 2 * _INSET + 1]
    return inside.size > 0 and float((inside < _GREY).mean()) > _SMUDGE_SHARE


def _bands(text_ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The text lines inside a cell, as page boxes around their ink."""
    x0, y0, x1, y1 = box
    x0, y0, x1, y1 = x0 + _INSET, y0 + _INSET, x1 - _INSET + 1, y1 - _INSET + 1
    if x1 <= x0 or y1 <= y0:
        return []
    inside = text_ink[y0:y1, x0:x1] > 0
    rows = np.flatnonzero(inside.any(axis=1))
    if rows.size == 0:
        return []
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    spans = [(int(run[0]), int(run[-1])) for run in runs]
    # the strokes of 二 or 三 are separate runs: a gap smaller than a third of a line is inside a line
    line_height = max(end - start + 1 for start, end in spans)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start - merged[-1][1] - 1 < max(line_height // 3, 2):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    found = []
    for start, end in merged:
        if end - start + 1 < max(line_height // 4, 3):
            continue  # a lone dot or a rule's remnant
        cols = np.flatnonzero(inside[start : end + 1].any(axis=0))
        found.append((x0 + int(cols[0]), y0 + start, x0 + int(cols[-1]) + 1, y0 + end + 1))
    return found


def _crop(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    height, width = gray.shape
    return gray[max(y0 - _PAD, 0) : min(y1 + _PAD, height), max(x0 - _PAD, 0) : min(x1 + _PAD, width)]


def _looks_numeric(text: str) -> bool:
    return bool(text) and all(char in DIGITISH for char in text) and any(char.isalnum() for char in text)


def _numeric_columns(found: list[_CellText]) -> set[int]:
    """Columns where single-column cells mostly read as numbers: there a cell of other text is suspect."""
    numbers: dict[int, int] = {}
    others: dict[int, int] = {}
    for item in found:
        if item.cell.cols != 1 or not item.readings:
            continue
        text = "".join(r.text for r in item.readings)
        tally = numbers if _looks_numeric(text) else others
        tally[item.cell.col] = tally.get(item.cell.col, 0) + 1
    return {col for col, n in numbers.items() if n >= 2 and n >= others.get(col, 0)}


def _cell_text(item: _CellText, numeric_column: bool) -> tuple[str, float, str | None]:
    """A cell's text, its score, and why it was written as unreadable (None when it was not)."""
    readings = item.readings
    text = "".join(r.text for r in readings)
    where = f"row {item.cell.row + 1}, column {item.cell.col + 1}"
    if _looks_numeric(text) and len(readings) == 1:
        reading = readings[0]
        if reading.number_score < MIN_SCORE:
            return UNREADABLE, reading.number_score, f"{where}: {text!r} read with score {reading.number_score:.2f}"
        return reading.number, reading.number_score, None
    score = min((r.score for r in readings), default=0.0)
    if not text:
        return UNREADABLE, 0.0, f"{where}: ink that reads as nothing"
    if numeric_column and item.cell.cols == 1:
        if text in _DASHES and score >= MIN_SCORE:
            return "—", score, None  # 一 in a number's place is a dash, not a character
        # a short unsure reading in a column of numbers stands where a number should; a long one is a label
        if _looks_numeric(text) or (score < MIN_SCORE and len(text) <= _SHORT_TEXT):
            return UNREADABLE, score, f"{where}: {text!r} read with score {score:.2f}"
    return join_wrapped(r.text for r in readings), score, None


# text outside tables ---------------------------------------------------------------------------------


def _text_lines(
    gray: np.ndarray, grids: list[Grid], detected: list[np.ndarray]
) -> list[tuple[float, str, list[Placed], str | None]]:
    outside = [
        points for points in detected if not any(g.contains(*points.mean(axis=0)) for g in grids)
    ]  # the tables are read cell by cell already
    crops = engine.crop_lines(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), outside)
    readings = read_crops([cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) for crop in crops])
    boxes = [
        engine.TextBox(tuple((float(x), float(y)) for x, y in points), reading.text, reading.score)
        for points, reading in zip(outside, readings, strict=True)
        if reading.text.strip()
    ]
    boxes.sort(key=lambda b: _centre(b.box)[1])
    lines: list[list[engine.TextBox]] = []
    for box in boxes:
        x0, y0, x1, y1 = box.box
        if lines:
            top = median(b.box[1] for b in lines[-1])
            bottom = median(b.box[3] for b in lines[-1])
            overlap = min(bottom, y1) - max(top, y0)
            if overlap > 0.5 * min(bottom - top, y1 - y0):
                lines[-1].append(box)
                continue
        lines.append([box])
    out: list[tuple[float, str, list[Placed], str | None]] = []
    for line in lines:
        line.sort(key=lambda b: b.box[0])
        text = ""
        cells_: list[Placed] = []
        for box in line:
            piece = " ".join(box.text.split())
            if text:
                height = box.box[3] - box.box[1]
                wide_gap = box.box[0] - cells_[-1].box[2] > height
                text += " " if wide_gap or not (_is_wide(text[-1]) or _is_wide(piece[0])) else ""
            box_pixels = (int(box.box[0]), int(box.box[1]), int(box.box[2]), int(box.box[3]))
            cells_.append(Placed(len(text), len(text) + len(piece), box_pixels, round(box.score, 3)))
            text += piece
        out.append((float(min(b.box[1] for b in line)), text, cells_, None))
    return out


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
