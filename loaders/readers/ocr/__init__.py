"""OCR of page images: scanned PDFs, photographed pages and images of tables inside a PDF.

Each page is turned upright and straightened (:mod:`.page`), its ruled tables rebuilt cell by cell and
its other text read line by line (:mod:`.layout`), with RapidOCR's models (:mod:`.engine`). Red ink is
dropped before reading: the page is read in its red channel, where a red seal over a table is as pale
as the paper and the black print under it stays black.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from loaders.canonical import Issue
from loaders.issues import IssueCode, issue
from loaders.readers.document import OcrBox, OcrSpan
from loaders.readers.ocr.engine import MISSING_EXTRA, available

if TYPE_CHECKING:  # numpy comes with the OCR extra
    import numpy as np

__all__ = ["MAX_PAGES", "MISSING_EXTRA", "UNREADABLE", "PageText", "assemble", "available", "read_page_image"]

UNREADABLE = "\ufffd"  # a cell OCR could not read surely; the parser reads it as unreadable

# More scanned pages than this are no annual report (they run to a few dozen at most): refused rather
# than read for many minutes.
MAX_PAGES = 60
# Pages larger than this (long side, pixels) are scaled down first: 3000 px is 250 dpi on A4, more
# than the 7-point digits of a dense table need, and a phone photo's 4000+ px only cost time.
_MAX_SIDE = 3000


@dataclass(slots=True)
class PageText:
    """One page's lines; for a page read by OCR also where each piece was read, and what was noted."""

    page: int
    lines: list[str]
    spans: list[list[OcrSpan]] = field(default_factory=list)
    # (index into lines, or None for the whole page; code; message)
    notes: list[tuple[int | None, IssueCode, str]] = field(default_factory=list)


def read_page_image(rgb: np.ndarray, page: int) -> PageText:
    """Read one page image (H × W × 3 RGB, or H × W grey) by OCR."""
    import cv2

    from loaders.readers.ocr.layout import read_page
    from loaders.readers.ocr.page import straighten

    gray = rgb[:, :, 0].copy() if rgb.ndim == 3 else rgb.copy()  # red channel: seals vanish
    longest = max(gray.shape)
    if longest > _MAX_SIDE:
        factor = _MAX_SIDE / longest
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    upright = straighten(gray)
    read = read_page(upright.gray, upright.lines)
    text = PageText(page, read.lines)
    text.spans = [[OcrSpan(p.start, p.end, OcrBox(page, p.box, p.score)) for p in placed] for placed in read.placed]
    if upright.turned:
        text.notes.append((None, IssueCode.PAGE_ROTATED, f"page {page} was turned {upright.turned}° clockwise to read it upright"))
    if upright.skew:
        text.notes.append((None, IssueCode.PAGE_SKEWED,
                           f"page {page} was tilted {upright.skew:+.1f}°; it was straightened before reading"))
    if not read.lines:
        text.notes.append((None, IssueCode.OCR_PAGE_EMPTY, f"page {page}: no text found"))
    for index, message in read.unsure:
        text.notes.append((index, IssueCode.OCR_LOW_CONFIDENCE,
                           f"page {page}: a number OCR could not read surely is left unread (null): {message}"))
    return text


def assemble(pages: list[PageText]) -> tuple[list[str], dict[int, tuple[OcrSpan, ...]], list[Issue]]:
    """The lines of all pages in order, the OCR spans by 1-based line, and the issues with their lines."""
    lines: list[str] = []
    spans: dict[int, tuple[OcrSpan, ...]] = {}
    issues: list[Issue] = []
    for page in pages:
        first = len(lines) + 1
        for index, placed in enumerate(page.spans):
            if placed:
                spans[first + index] = tuple(placed)
        lines.extend(page.lines)
        for noted, code, message in page.notes:
            at = first + noted if noted is not None else (first if page.lines else None)
            issues.append(issue(code, at, message))
    return lines, spans, issues
