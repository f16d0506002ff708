"""Turning a page image upright and straight before it is read: quarter turns, upside down, and skew.

Phone photos come sideways, a sheet goes through the scanner upside down, and a crooked feed tilts the
text a few degrees. The orientation is read from the text lines the detector finds (on a sideways page
most lines are taller than wide), upside down from the direction model's verdict on the longest lines,
and the skew from the slope of the lines' top edges. Each correction is reported so that a reader of
the data knows the page was turned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

from loaders.readers.ocr import engine

# Below this slope the page is read as it is: a skew of a few tenths of a degree moves a table's row by
# less than a pixel across a cell.
_MIN_SKEW_DEGREES = 0.5
# A line is "long" when its length is at least this many times its height: its slope and direction tell.
_LONG = 3.0
_SAMPLE = 12  # lines the direction model looks at
# The slope is the median of lines at least 5 times as long as high, and of at least 5 such lines: the
# box of a short word tilts by a degree either way.
_LEVEL, _MIN_LINES = 5.0, 5


@dataclass(frozen=True, slots=True)
class Upright:
    """A page turned upright: its grey image, the quarter turns applied (degrees clockwise), the skew
    corrected (degrees, positive when the text ran down to the right), and the text lines detected on it."""

    gray: np.ndarray
    turned: int
    skew: float
    lines: list[np.ndarray]


def straighten(gray: np.ndarray) -> Upright:
    """Turn and straighten a grey page image; a page with too little text to tell is left as it is."""
    turned = 0
    lines = _detect(gray)
    boxes = _long(lines)
    if sum(1 for _, w, h in boxes if h > w) > len(boxes) / 2:
        gray = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
        turned = 90
        lines = _detect(gray)
        boxes = _long(lines)
    if boxes and _mostly_upside_down(gray, boxes):
        gray = cv2.rotate(gray, cv2.ROTATE_180)
        turned = (turned + 180) % 360
        lines = _detect(gray)
        boxes = _long(lines)
    slopes = [_slope(points) for points, w, h in boxes if w >= _LEVEL * h]
    skew = median(slopes) if len(slopes) >= _MIN_LINES else 0.0
    if abs(skew) < _MIN_SKEW_DEGREES:
        return Upright(gray, turned, 0.0, lines)
    gray = _rotate(gray, skew)
    return Upright(gray, turned, round(skew, 1), _detect(gray))


def _detect(gray: np.ndarray) -> list[np.ndarray]:
    return engine.detect(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))


def _long(lines: list[np.ndarray]) -> list[tuple[np.ndarray, float, float]]:
    """The detected lines that are long in one direction, as (points, width, height)."""
    found = []
    for points in lines:
        width = float(np.linalg.norm(points[1] - points[0]))
        height = float(np.linalg.norm(points[3] - points[0]))
        if max(width, height) >= _LONG * max(min(width, height), 1.0):
            found.append((points, width, height))
    return found


def _mostly_upside_down(gray: np.ndarray, boxes: list[tuple[np.ndarray, float, float]]) -> bool:
    longest = sorted((b for b in boxes if b[1] > b[2]), key=lambda b: -b[1])[:_SAMPLE]
    crops = []
    for points, _, _ in longest:
        x0, y0 = np.floor(points.min(axis=0)).astype(int)
        x1, y1 = np.ceil(points.max(axis=0)).astype(int)
        crop = gray[max(y0, 0) : y1, max(x0, 0) : x1]
        if crop.size:
            crops.append(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
    verdicts = engine.upside_down(crops)
    return sum(verdicts) > len(verdicts) / 2


def _slope(points: np.ndarray) -> float:
    (x0, y0), (x1, y1) = points[0], points[1]
    return math.degrees(math.atan2(y1 - y0, x1 - x0))


def _rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    """``gray`` turned by ``degrees`` counter-clockwise about its centre, on a canvas large enough, white filled."""
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width, new_height = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_width / 2 - width / 2
    matrix[1, 2] += new_height / 2 - height / 2
    return cv2.warpAffine(gray, matrix, (new_width, new_height), flags=cv2.INTER_LINEAR, borderValue=255)
