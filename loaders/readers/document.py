"""What a reader returns, and the one error every reader raises for a document it cannot read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import XxgkError

DocumentFormat = Literal["txt", "md", "html", "docx", "pdf"]


@dataclass(frozen=True, slots=True)
class Document:
    """A document's text in the layout the parser reads: one line per paragraph, one per table row.

    Table rows have their cells joined by tabs. ``encoding`` is the codec the bytes were decoded with
    (``txt``, ``md``, ``html``); ``None`` for formats that carry their own (``docx``, ``pdf``).
    """

    text: str
    format: DocumentFormat
    encoding: str | None = None


class UnreadableDocumentError(XxgkError, ValueError):
    """The bytes cannot be turned into text: unknown format, empty, corrupt, binary, or a scan without text."""
