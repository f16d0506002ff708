"""Ruled tables on a page image: their ruling lines, and the grid of cells the lines make.

A scanned table is found from its lines, not from its text: the lines say where every column and row
starts, so a cell that holds nothing is still a cell, and no number can slide into its neighbour's place.
Horizontal and vertical strokes are picked out of the binarised page by morphological opening with long
thin kernels; strokes that touch each other form one table. A table's column boundaries are the x of its
vertical strokes, its row boundaries the y of its horizontal ones, each stroke counted wherever it runs,
so a merged cell (a stroke that stops short) only makes the grid finer, never coarser.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# A stroke is at least this share of the page's width (horizontal) or of a typical row's height × 1.5
# (vertical): longer than any character's stroke at the sizes reports are printed in.
_MIN_H_STROKE = 1 / 30
_MIN_V_STROKE_PX = 24
# Boundaries closer than this many pixels are one line drawn thick, or printed twice.
_MERGE_PX = 6
# A table has at least two rows and two columns of cells.
_MIN_LINES = 3


@dataclass(frozen=True, slots=True)
class Grid:
    """One ruled table: its column boundaries ``xs`` and row boundaries ``ys``, in pixels, ascending."""

    xs: tuple[int, ...]
    ys: tuple[int, ...]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        x0, y0, x1, y1 = self.box
        return x0 <= x <= x1 and y0 <= y <= y1

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (row, column) of the cell holding the point, or None outside the table."""
        if not self.contains(x, y):
            return None
        row = int(np.searchsorted(self.ys, y, side="right")) - 1
        col = int(np.searchsorted(self.xs, x, side="right")) - 1
        return min(row, len(self.ys) - 2), min(col, len(self.xs) - 2)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: Otsu's threshold of a grey page, robust to the scanner's paper tone."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def find_grids(ink: np.ndarray) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables of a page, top to bottom, and the mask of their ruling strokes, from the page's
    ink mask (see :func:`ink_mask`)."""
    height, width = ink.shape
    h_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(width * _MIN_H_STROKE), 10), 1))
    v_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, _MIN_V_STROKE_PX))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, h_kernel)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, v_kernel)
    # a character's vertical stroke is short; a ruling line crosses a row: keep strokes touching a horizontal
    rules = cv2.bitwise_or(horizontal, vertical)
    lines = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    grids: list[Grid] = []
    for label in range(1, count):
        x, y, w, h, _area = stats[label]
        if w < width * 0.2 or h < 20:
            continue
        region = labels[y : y + h, x : x + w] == label
        xs = _strokes(vertical[y : y + h, x : x + w] & (region * 255).astype(np.uint8), axis=0, offset=x,
                      min_length=max(h // 40, _MIN_V_STROKE_PX))
        ys = _strokes(horizontal[y : y + h, x : x + w] & (region * 255).astype(np.uint8), axis=1, offset=y,
                      min_length=max(w // 40, 10))
        if len(xs) >= _MIN_LINES and len(ys) >= _MIN_LINES:
            grids.append(Grid(tuple(int(x) for x in xs), tuple(int(y) for y in ys)))
    grids.sort(key=lambda g: g.ys[0])
    return grids, rules


def _strokes(mask: np.ndarray, axis: int, offset: int, min_length: int) -> list[int]:
    """Positions of the strokes in ``mask`` at least ``min_length`` long, strokes closer than a few pixels merged.

    ``axis=0``: vertical strokes, positions are columns; ``axis=1``: horizontal strokes, positions are rows.
    """
    lines = (mask > 0).T if axis == 0 else mask > 0
    positions = np.flatnonzero(_longest_runs(lines) >= min_length)
    merged: list[list[int]] = []
    for p in positions.tolist():
        if merged and p - merged[-1][-1] <= _MERGE_PX:
            merged[-1].append(p)
        else:
            merged.append([p])
    return [offset + (group[0] + group[-1]) // 2 for group in merged]


def _longest_runs(lines: np.ndarray) -> np.ndarray:
    """For each row of a boolean array, the length of its longest run of True."""
    if lines.size == 0:
        return np.zeros(lines.shape[0], dtype=int)
    padded = np.pad(lines.astype(np.int8), ((0, 0), (1, 1)))
    diff = np.diff(padded, axis=1)
    best = np.zeros(lines.shape[0], dtype=int)
    for r in range(lines.shape[0]):
        starts = np.flatnonzero(diff[r] == 1)
        if starts.size:
            ends = np.flatnonzero(diff[r] == -1)
            best[r] = int((ends - starts).max())
    return best


@dataclass(frozen=True, slots=True)
class Cell:
    """A real cell of a grid: the fine slots it covers (merged cells cover several) and its pixel box."""

    row: int
    col: int
    rows: int
    cols: int
    box: tuple[int, int, int, int]


def cells(grid: Grid, lines: np.ndarray) -> list[Cell]:
    """The grid's real cells, in reading order: fine slots with no ruling between them are one cell.

    ``lines`` is the mask of ruling strokes (horizontal | vertical); a boundary counts as drawn where more
    than half of its length is ink.
    """
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for r in range(n_rows):
        y0, y1 = grid.ys[r], grid.ys[r + 1]
        for c in range(n_cols):
            if c + 1 < n_cols and not _drawn(lines, grid.xs[c + 1], y0, y1, vertical=True):
                union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not _drawn(lines, grid.ys[r + 1], grid.xs[c], grid.xs[c + 1], vertical=False):
                union(r * n_cols + c, (r + 1) * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    found = []
    for slots in groups.values():
        r0, c0 = min(r for r, _ in slots), min(c for _, c in slots)
        r1, c1 = max(r for r, _ in slots), max(c for _, c in slots)
        box = (grid.xs[c0], grid.ys[r0], grid.xs[c1 + 1], grid.ys[r1 + 1])
        found.append(Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    found.sort(key=lambda cell: (cell.row, cell.col))
    return found


def _drawn(lines: np.ndarray, at: int, start: int, end: int, *, vertical: bool) -> bool:
    """Whether a ruling runs along ``at`` from ``start`` to ``end`` (within a pixel or two of ``at``)."""
    inner = slice(start + (end - start) // 8, end - (end - start) // 8 + 1)
    near = slice(max(at - 2, 0), at + 3)
    band = lines[inner, near] if vertical else lines[near, inner]
    covered = band.max(axis=1 if vertical else 0) > 0
    return bool(covered.mean() > 0.5) if covered.size else False
