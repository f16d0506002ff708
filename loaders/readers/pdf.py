"""PDF files with a text layer: lines in reading order, ruled tables as tab-separated rows.

pdfplumber finds the tables from their ruling lines; the text outside them is read as lines, and
both are put back in order of their position on the page. A cell spanning several columns is
``None`` in pdfplumber's grid beyond its first column and becomes an empty cell, so the columns stay
aligned as in the DOCX and HTML readers. A PDF whose pages hold no characters at all is a scan.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from loaders.readers.cells import join_wrapped, row_line
from loaders.readers.document import Document, UnreadableDocumentError

NO_TEXT_LAYER = "PDF has no text layer (scanned image); OCR it first"


def read_pdf(data: bytes) -> Document:
    """Read a ``.pdf``; raises :class:`UnreadableDocumentError` if it is corrupt, encrypted or a scan."""
    lines: list[str] = []
    has_chars = False
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                has_chars = has_chars or bool(page.chars)
                # headings made bold by printing the text twice, slightly offset, would read "一一、、总总"
                lines.extend(_page_lines(page.dedupe_chars()))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableDocumentError("PDF is encrypted; save an unprotected copy first") from exc
    except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise UnreadableDocumentError(f"not a readable PDF file (corrupt or another format): {exc}") from exc
    if not has_chars:
        raise UnreadableDocumentError(NO_TEXT_LAYER)
    return Document(text="\n".join(lines) + "\n", format="pdf", encoding=None)


def _page_lines(page: Page) -> list[str]:
    """The page's lines top to bottom: text lines outside tables and table rows, interleaved by position."""
    tables = page.find_tables()
    placed: list[tuple[float, str]] = []
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=True):
            texts = [join_wrapped((cell or "").split("\n")) for cell in cells]
            if any(texts):
                placed.append((row.bbox[1], row_line(texts)))
    boxes = [table.bbox for table in tables]
    outside = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes)) if boxes else page
    placed.extend((line["top"], line["text"]) for line in outside.extract_text_lines() if line["text"].strip())
    placed.sort(key=lambda item: item[0])  # stable: equal tops keep table-then-text order
    return [text for _, text in placed]


def _inside(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    if "x0" not in obj:  # objects without a position are never table text
        return False
    x0, top, x1, bottom = box
    mid_x = (obj["x0"] + obj["x1"]) / 2
    mid_y = (obj["top"] + obj["bottom"]) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom
