"""Word documents: body paragraphs and tables in document order, each table row one tab-separated line.

python-docx repeats a merged cell once for each grid column (and row) it covers, which would print one
number several times. Here a horizontally merged cell (``gridSpan``) gives its text once followed by
empty cells for the rest of its span, and a vertically merged cell (``vMerge``) gives its text only in
its first row, an empty cell in the rows it continues into — the same grid the HTML reader produces.
Old Word's ``hMerge`` (which python-docx ignores) is read like ``gridSpan``.

Content in text boxes (``w:txbxContent``, a table drawn in a floating frame) is read after the paragraph
that anchors it, once: a text box is stored twice, as a drawing and as a VML fallback, and only the first
is read. A table whose cells hold tables lays out the page rather than holding data: its cells are read
as blocks, paragraphs and tables in order, as the HTML reader does with layout tables.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.exceptions import InvalidXmlError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from loaders.readers.cells import join_wrapped, row_line
from loaders.readers.document import Document, UnreadableDocumentError
from loaders.readers.limits import check_zip, one_document, table_cells

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_H_MERGE, _VAL = qn("w:hMerge"), qn("w:val")
_TC, _TXBX_CONTENT = qn("w:tc"), qn("w:txbxContent")
# Narrower than this (EMU: 20 twips, a third of a millimetre), a grid column is a sliver, not a column.
_SLIVER = 20 * 635
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(data: bytes) -> Document:
    """Read a ``.docx`` file; raises :class:`UnreadableDocumentError` when it is not a Word package, or
    would unpack or span past the limits of :mod:`loaders.readers.limits`."""
    with one_document():
        check_zip(data, "DOCX")
        try:
            word = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
            raise UnreadableDocumentError(f"not a readable DOCX file (corrupt or another format): {exc}") from exc
        try:
            lines = [line for line in _body_lines(word) if line.strip()]
        except InvalidXmlError as exc:  # a part python-docx cannot lay out (a table without its grid)
            raise UnreadableDocumentError(f"not a readable DOCX file (corrupt): {exc}") from exc
    return Document(text="\n".join(lines) + "\n", format="docx", encoding=None)


def _body_lines(word: WordDocument) -> Iterator[str]:
    yield from _blocks_lines(word.element.body, word)


def _blocks_lines(parent: etree._Element, word: WordDocument) -> Iterator[str]:
    for element in _block_elements(parent):
        if element.tag == _P:
            # a manual line break inside a paragraph starts a new line for the parser too
            yield from Paragraph(element, word).text.split("\n")
            for box in _text_boxes(element):
                yield from _blocks_lines(box, word)
        elif element.xpath("./w:tr/w:tc//w:tbl"):
            for tc in element.iter(_TC):  # a layout table: its cells are blocks
                if tc.getparent().getparent() is element:
                    yield from _blocks_lines(tc, word)
        else:
            yield from _table_lines(Table(element, word))


def _text_boxes(paragraph: etree._Element) -> Iterator[etree._Element]:
    """The text boxes anchored in a paragraph, each once (not their VML fallback copies), outermost only."""
    for box in paragraph.iter(_TXBX_CONTENT):
        between = []
        for ancestor in box.iterancestors():
            if ancestor is paragraph:
                break
            between.append(ancestor.tag)
        if _FALLBACK not in between and _TXBX_CONTENT not in between:
            yield box


def _block_elements(parent: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables under ``parent`` in document order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _block_elements(content)


def _table_lines(table: Table) -> Iterator[str]:
    slivers = _slivers(table)

    def width(start: int, span: int) -> int:
        return sum(1 for column in range(start, start + span) if column not in slivers)

    for tr in table._tbl.tr_lst:
        table_cells(tr.grid_before, "DOCX")  # before a span of a million cells is laid out
        cells = [""] * width(0, tr.grid_before)
        position = tr.grid_before
        for tc in tr.tc_lst:
            table_cells(tc.grid_span, "DOCX")
            span = width(position, tc.grid_span)
            position += tc.grid_span
            if span == 0:
                continue  # a cell only as wide as a sliver column: nothing is printed in it
            cells.append("" if _continues_a_merge(tc) else _cell_text(_Cell(tc, table)))
            cells.extend([""] * (span - 1))
        if any(cells):
            yield row_line(cells)


def _slivers(table: Table) -> frozenset[int]:
    """Grid columns a few twips wide, which converters leave where two merged cells' edges almost meet:
    no column of the printed table."""
    columns = table._tbl.tblGrid.gridCol_lst
    return frozenset(i for i, col in enumerate(columns) if col.w is not None and col.w < _SLIVER)


def _continues_a_merge(tc: CT_Tc) -> bool:
    """A cell the one above (``vMerge``) or, in files from old Word, the one before (``hMerge``) runs into."""
    if tc.vMerge == "continue":
        return True
    h_merge = tc.tcPr.find(_H_MERGE) if tc.tcPr is not None else None
    # an hMerge without w:val means "continue", as for vMerge
    return h_merge is not None and h_merge.get(_VAL, "continue") == "continue"


def _cell_text(cell: _Cell) -> str:
    return join_wrapped(paragraph.text for paragraph in cell.paragraphs)
