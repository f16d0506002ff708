"""Marking the values of a report that were read by OCR: provenance ``ocr``, with the page and box.

The parser says where each value stands in the document text (``Report.locations``: dotted path →
``(line, start, end)``); the reader says which pieces of which lines OCR read (``Document.ocr``). A value
read directly (no ``inferred`` or ``missing`` provenance) whose text lies in an OCR'd piece is ``ocr``, and
keeps that piece's page, box and score in ``Report.ocr_boxes``.
"""

from __future__ import annotations

from loaders.canonical import Report
from loaders.readers.document import Document


def mark_ocr(report: Report, document: Document) -> None:
    """Set provenance ``ocr`` (and ``report.ocr_boxes``) on every value read directly from OCR'd text."""
    if not document.ocr:
        return
    for path, (line, start, end) in report.locations.items():
        if path in report.provenance:
            continue  # inferred or missing: not read from a cell
        for span in document.ocr.get(line, ()):
            if span.start < end and start < span.end:
                report.provenance[path] = "ocr"
                report.ocr_boxes[path] = span.where.to_json()
                break
