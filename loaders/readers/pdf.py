"""PDF files: lines in reading order, ruled tables as tab-separated rows; scanned pages through OCR.

pdfplumber finds the tables from their ruling lines; the text outside them is read as lines, and
both are put back in order of their position on the page. A cell spanning several columns is
``None`` in pdfplumber's grid beyond its first column and becomes an empty cell, so the columns stay
aligned as in the DOCX and HTML readers. A page that holds no characters is a scan: it is rendered
with pdfium and read by OCR (:mod:`loaders.readers.ocr`). An image covering much of a page that has a
text layer elsewhere (a table pasted in as a picture) is read by OCR too, in its place on the page.
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

from loaders.issues import IssueCode
from loaders.readers import pdfstreams
from loaders.readers.cells import join_wrapped, row_line
from loaders.readers.document import Document, UnreadableDocumentError
from loaders.readers.limits import ExpansionError, one_document
from loaders.readers.ocr import MAX_PAGES, MISSING_EXTRA, PageText, assemble, available, read_page_image

NO_TEXT_LAYER = f"PDF has no text layer (scanned image); {MISSING_EXTRA}"
ENCRYPTED = "PDF is encrypted (protected by a password); save an unprotected copy first"
pdfstreams.install()  # pdfminer inflates streams within the limits
# Pages are rendered for OCR at this many pixels per point: 200 dpi, enough for 7-point table digits.
_SCALE = 200 / 72
# An image is read by OCR when it covers at least this share of its page and no text is printed over it.
_IMAGE_SHARE = 0.1


def read_pdf(data: bytes) -> Document:
    """Read a ``.pdf``; raises :class:`UnreadableDocumentError` if it is corrupt or encrypted, if it is a
    scan and the OCR extra is not installed, or if its streams would inflate past the limits of
    :mod:`loaders.readers.limits`."""
    pages: list[PageText] = []
    scanned = 0
    try:
        with one_document(), pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                if not page.chars:
                    scanned += 1
                    if scanned > MAX_PAGES:
                        raise UnreadableDocumentError(f"more than {MAX_PAGES} scanned pages: too many for a report")
                    pages.append(_scanned(data, number, None))
                    continue
                # headings made bold by printing the text twice, slightly offset, would read "一一、、总总"
                placed = _page_lines(page.dedupe_chars())
                pictures = [(box[1], _scanned(data, number, box)) for box in _pictures(page)] if available() else []
                pages.append(_interleave(number, placed, pictures))
    except UnreadableDocumentError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableDocumentError(ENCRYPTED) from exc
    except PdfminerException as exc:
        # pdfplumber wraps what pdfminer raised, a wrong password among the rest
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, ExpansionError):
            raise cause from None
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise UnreadableDocumentError(ENCRYPTED) from exc
        raise UnreadableDocumentError(f"not a readable PDF file (corrupt or another format): {exc}") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise UnreadableDocumentError(f"not a readable PDF file (corrupt or another format): {exc}") from exc
    lines, spans, issues = assemble(pages)
    return Document("\n".join(lines) + "\n", "pdf", None, tuple(issues), spans)


def _scanned(data: bytes, number: int, box: tuple[float, float, float, float] | None) -> PageText:
    """Page ``number`` (or the part of it inside ``box``, in points) rendered and read by OCR."""
    import numpy as np
    import pypdfium2

    if not available():
        raise UnreadableDocumentError(NO_TEXT_LAYER)
    document = pypdfium2.PdfDocument(data)
    try:
        page = document[number - 1]
        crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
        if box is not None:
            width, height = page.get_size()
            x0, top, x1, bottom = box
            crop = (x0, height - bottom, width - x1, top)  # pdfium crops from left, bottom, right, top
        image = page.render(scale=_SCALE, crop=crop, grayscale=False).to_pil().convert("RGB")
    finally:
        document.close()
    read = read_page_image(np.asarray(image), number)
    if box is not None:
        read.notes.append((None, IssueCode.OCR_IMAGE, f"page {number}: a picture on the page was read by OCR"))
    return read


def _pictures(page: Page) -> list[tuple[float, float, float, float]]:
    """The boxes of images that cover a good part of the page and have no text printed over them."""
    found = []
    for image in page.images:
        box = (image["x0"], image["top"], image["x1"], image["bottom"])
        area = (box[2] - box[0]) * (box[3] - box[1])
        if area < _IMAGE_SHARE * page.width * page.height:
            continue
        if not any(_inside(char, box) for char in page.chars):
            found.append(box)
    return found


def _interleave(number: int, placed: list[tuple[float, str]], pictures: list[tuple[float, PageText]]) -> PageText:
    """A page's text lines with the lines OCR read from its pictures, each picture at its place."""
    if not pictures:
        return PageText(number, [text for _, text in placed])
    merged = PageText(number, [])
    items: list[tuple[float, int, PageText | str]] = [(top, 0, text) for top, text in placed]
    items += [(top, 1, picture) for top, picture in pictures]
    items.sort(key=lambda item: (item[0], item[1]))
    for _, _, item in items:
        if isinstance(item, str):
            merged.lines.append(item)
            merged.spans.append([])
            continue
        first = len(merged.lines)
        merged.lines.extend(item.lines)
        merged.spans.extend(item.spans)
        merged.notes.extend((None if i is None else first + i, code, msg) for i, code, msg in item.notes)
    return merged


def _page_lines(page: Page) -> list[tuple[float, str]]:
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
    return placed


def _inside(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    if "x0" not in obj:  # objects without a position are never table text
        return False
    x0, top, x1, bottom = box
    mid_x = (obj["x0"] + obj["x1"]) / 2
    mid_y = (obj["top"] + obj["bottom"]) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom
