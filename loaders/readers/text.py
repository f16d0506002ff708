"""Plain text and Markdown: decode, drop the BOM, normalise line breaks; the layout is kept as it is."""

from __future__ import annotations

from loaders.readers.decoding import decode, looks_binary
from loaders.readers.document import Document, DocumentFormat, UnreadableDocumentError


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; tabs and trailing tabs are kept (they are table cells)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(data: bytes, fmt: DocumentFormat = "txt") -> Document:
    """Read a ``.txt`` or ``.md`` file (UTF-8 with or without BOM, GB18030/GBK, UTF-16 with BOM, …)."""
    text, codec = decode(data)
    if looks_binary(text):
        raise UnreadableDocumentError("file holds binary data (NUL or control bytes), not text")
    return Document(text=normalise_newlines(text), format=fmt, encoding=codec)
