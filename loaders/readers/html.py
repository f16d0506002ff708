"""HTML pages: paragraphs and headings as lines, each ``<tr>`` as one tab-separated line.

Spans keep the columns aligned: a cell with ``colspan=n`` is followed by ``n-1`` empty cells, and a cell
with ``rowspan=n`` appears only in its first row, the ``n-1`` rows below getting an empty cell in its
place. So every row of a table has its cells at the grid positions a reader of the page sees, and a
number is never repeated into rows or columns it was not printed in.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from loaders.readers.cells import collapse_spaces, join_wrapped, row_line
from loaders.readers.decoding import decode, looks_binary
from loaders.readers.document import Document, UnreadableDocumentError
from loaders.readers.limits import one_document, table_cells

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "iframe", "object", "svg"})
# fmt: off
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
})
# fmt: on
# A source line break between two CJK characters renders as nothing (CSS Text segment-break rules); pages
# saved from Word wrap their source mid-sentence, and a space there would split a row label in two.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_LINE_BREAK = re.compile(f"(?<=[{_CJK}])[ \t]*[\r\n][ \t\r\n]*(?=[{_CJK}])")
# The HTML standard's own limits; a larger span is a broken page, not a wider table.
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534


class _Lines:
    """Inline text gathered into lines, a line ending at each block boundary."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._inline: list[str] = []

    def text(self, fragment: str | None) -> None:
        if fragment:
            self._inline.append(fragment)

    def flush(self) -> None:
        line = collapse_spaces(_CJK_LINE_BREAK.sub("", "".join(self._inline)))
        self._inline.clear()
        if line:
            self.lines.append(line)

    def add(self, line: str) -> None:
        self.flush()
        self.lines.append(line)


def read_html(data: bytes) -> Document:
    """Read an ``.html``/``.htm`` page, decoded with its BOM, its declared charset, or detection; its tables
    may span at most ``XXGK_MAX_TABLE_CELLS`` grid cells (:mod:`loaders.readers.limits`)."""
    text, codec = decode(data, _declared_charset(data))
    if looks_binary(text):
        raise UnreadableDocumentError("file holds binary data (NUL or control bytes), not HTML")
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocumentError(f"HTML cannot be parsed: {exc}") from exc
    out = _Lines()
    with one_document():
        _walk(root, out)
    out.flush()
    return Document(text="\n".join(out.lines) + "\n", format="html", encoding=codec)


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    found = _XML_ENCODING.search(head) or _DECLARED_CHARSET.search(head)
    return found.group(1).decode("ascii") if found else None


def _walk(element: etree._Element, out: _Lines) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else None
    if tag is None or tag in _SKIPPED:  # comments, processing instructions, scripts: only their tail is text
        out.text(element.tail)
        return
    if tag == "table" and element.xpath("./tr/*//table | ./*/tr/*//table"):
        # a table holding tables lays out the page (old CMS templates): its cells are blocks, not data
        out.flush()
        for cell in element.xpath("./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th"):
            out.text(cell.text)
            for child in cell:
                _walk(child, out)
            out.flush()
    elif tag == "table":
        out.flush()
        for line in _table_lines(element):
            out.add(line)
    elif tag == "br":
        out.flush()
    else:
        is_block = tag in _BLOCKS
        if is_block:
            out.flush()
        out.text(element.text)
        for child in element:
            _walk(child, out)
        if is_block:
            out.flush()
    out.text(element.tail)


def _table_lines(table: etree._Element) -> list[str]:
    lines = [_cell_text(caption) for caption in table.xpath("./caption")]
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    taken: set[tuple[int, int]] = set()  # (row, column) grid slots filled by a cell or by a span
    widths: dict[int, int] = {}  # row → columns it spans, its own cells and spans from above
    for r, tr in enumerate(rows):
        texts: dict[int, str] = {}
        col = 0
        for td in tr.xpath("./td | ./th"):
            while (r, col) in taken:
                col += 1
            across = _span(td, "colspan", _MAX_COLSPAN)
            down = min(_span(td, "rowspan", _MAX_ROWSPAN), len(rows) - r)
            table_cells(across * down, "HTML")  # before the grid slots it spans are taken
            texts[col] = _cell_text(td)
            taken.update((r + dr, col + dc) for dr in range(down) for dc in range(across))
            for dr in range(down):
                widths[r + dr] = max(widths.get(r + dr, 0), col + across)
            col += across
        cells = [texts.get(c, "") for c in range(widths.get(r, 0))]
        if any(cells):
            lines.append(row_line(cells))
    return [line for line in lines if line]


def _span(cell: etree._Element, attribute: str, limit: int) -> int:
    digits = re.match(r"\s*(\d+)", cell.get(attribute) or "")
    return min(max(int(digits.group(1)), 1), limit) if digits else 1


def _cell_text(cell: etree._Element) -> str:
    out = _Lines()
    out.text(cell.text)
    for child in cell:
        _walk(child, out)
    out.flush()
    return join_wrapped(out.lines)
