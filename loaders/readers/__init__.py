"""Document readers: a report's bytes in, text in the layout the parser reads out.

Every reader gives one line per paragraph and one line per table row, the row's cells joined by tabs
(the layout of a DOCX saved as text). ``read_document`` picks the reader from the file name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from loaders.readers.document import (
    Document,
    DocumentFormat,
    NoTextError,
    OcrBox,
    OcrSpan,
    UnreadableDocumentError,
)
from loaders.readers.docx import read_docx
from loaders.readers.html import read_html
from loaders.readers.image import read_image
from loaders.readers.limits import one_document
from loaders.readers.office import read_doc, read_wps
from loaders.readers.pdf import read_pdf
from loaders.readers.spreadsheet import read_xls, read_xlsx
from loaders.readers.text import read_text

__all__ = ["SUFFIXES", "Document", "NoTextError", "OcrBox", "OcrSpan", "UnreadableDocumentError", "read_document"]

_READERS: dict[str, tuple[DocumentFormat, Callable[[bytes], Document]]] = {
    ".txt": ("txt", lambda data: read_text(data, "txt")),
    ".md": ("md", lambda data: read_text(data, "md")),
    ".html": ("html", read_html),
    ".htm": ("html", read_html),
    ".shtml": ("html", read_html),  # server-side-include pages, common on government sites
    ".xhtml": ("html", read_html),
    ".docx": ("docx", read_docx),
    ".pdf": ("pdf", read_pdf),
    ".doc": ("doc", read_doc),
    ".wps": ("wps", read_wps),
    ".xlsx": ("xlsx", read_xlsx),
    ".xls": ("xls", read_xls),
    ".png": ("image", read_image),
    ".jpg": ("image", read_image),
    ".jpeg": ("image", read_image),
    ".tif": ("image", read_image),
    ".tiff": ("image", read_image),
}
SUFFIXES: tuple[str, ...] = tuple(_READERS)


def read_document(data: bytes, filename: str) -> Document:
    """Read a report document, choosing the reader by the extension of ``filename`` (case-insensitive).

    Raises :class:`UnreadableDocumentError` with a one-line reason for an unknown extension, an empty
    file, binary junk, a corrupt DOCX/PDF, a PDF without a text layer, text in no known encoding, or a
    document that would expand past a limit of :mod:`loaders.readers.limits`.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _READERS:
        known = ", ".join(SUFFIXES)
        raise UnreadableDocumentError(f"{filename}: unknown file type {suffix or '(no extension)'!r}; expected {known}")
    if not data.strip():
        raise UnreadableDocumentError(f"{filename}: empty file")
    fmt, reader = _READERS[suffix]
    try:
        with one_document():  # what it expands to is counted for this document alone
            document = reader(data)
    except UnreadableDocumentError as exc:
        # library messages (pdfminer, zipfile) may span lines; the promise is one line
        raise type(exc)(f"{filename}: {' '.join(str(exc).split())}") from exc
    if not document.text.strip():
        raise NoTextError(f"{filename}: not a report: the {fmt} document holds no text")
    return document
