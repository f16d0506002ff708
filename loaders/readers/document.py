"""What a reader returns, and the one error every reader raises for a document it cannot read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from core.errors import XxgkError
from loaders.canonical import Issue

DocumentFormat = Literal["txt", "md", "html", "docx", "pdf", "image", "doc", "wps", "xlsx", "xls"]


@dataclass(frozen=True, slots=True)
class OcrBox:
    """Where OCR read a piece of the text: 1-based page, box in that page's pixels (x0, y0, x1, y1, after
    the page was turned upright and straightened) and the recogniser's score (0–1)."""

    page: int
    box: tuple[int, int, int, int]
    score: float

    def to_json(self) -> dict[str, object]:
        return {"page": self.page, "box": list(self.box), "score": self.score}


@dataclass(frozen=True, slots=True)
class OcrSpan:
    """A piece of one line of the text, ``start`` to ``end`` (character offsets), that OCR read."""

    start: int
    end: int
    where: OcrBox


@dataclass(frozen=True, slots=True)
class Document:
    """A document's text in the layout the parser reads: one line per paragraph, one per table row.

    Table rows have their cells joined by tabs. ``encoding`` is the codec the bytes were decoded with
    (``txt``, ``md``, ``html``); ``None`` for formats that carry their own (``docx``, ``pdf``). ``issues``
    are what reading found (a page turned upright, a number OCR could not read), with their lines in
    ``text``; ``ocr`` maps a 1-based line of ``text`` to the pieces of it that were read by OCR.
    """

    text: str
    format: DocumentFormat
    encoding: str | None = None
    issues: tuple[Issue, ...] = ()
    ocr: Mapping[int, tuple[OcrSpan, ...]] = field(default_factory=dict)


class UnreadableDocumentError(XxgkError, ValueError):
    """The bytes cannot be turned into text: unknown format, empty, corrupt, binary, or a scan without text."""


class NoTextError(UnreadableDocumentError):
    """The document was read and holds no text at all: a picture without writing, a blank page."""
