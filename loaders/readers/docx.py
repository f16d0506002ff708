"""Word documents: body paragraphs and tables in document order, each table row one tab-separated line.

python-docx repeats a merged cell once for each grid column (and row) it covers, which would print one
number several times. Here a horizontally merged cell (``gridSpan``) gives its text once followed by
empty cells for the rest of its span, and a vertically merged cell (``vMerge``) gives its text only in
its first row, an empty cell in the rows it continues into — the same grid the HTML reader produces.
Old Word's ``hMerge`` (which python-docx ignores) is read like ``gridSpan``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from loaders.readers.cells import join_wrapped, row_line
from loaders.readers.document import Document, UnreadableDocumentError

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_H_MERGE, _VAL = qn("w:hMerge"), qn("w:val")


def read_docx(data: bytes) -> Document:
    """Read a ``.docx`` file; raises :class:`UnreadableDocumentError` when it is not a Word package."""
    try:
        word = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise UnreadableDocumentError(f"not a readable DOCX file (corrupt or another format): {exc}") from exc
    lines = [line for line in _body_lines(word) if line.strip()]
    return Document(text="\n".join(lines) + "\n", format="docx", encoding=None)


def _body_lines(word: WordDocument) -> Iterator[str]:
    for element in _block_elements(word.element.body):
        if element.tag == _P:
            # a manual line break inside a paragraph starts a new line for the parser too
            yield from Paragraph(element, word).text.split("\n")
        else:
            yield from _table_lines(Table(element, word))


def _block_elements(parent: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables under ``parent`` in document order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _block_elements(content)


def _table_lines(table: Table) -> Iterator[str]:
    for tr in table._tbl.tr_lst:
        cells = [""] * tr.grid_before
        for tc in tr.tc_lst:
            text = "" if _continues_a_merge(tc) else _cell_text(_Cell(tc, table))
            cells.append(text)
            cells.extend([""] * (tc.grid_span - 1))
        if any(cells):
            yield row_line(cells)


def _continues_a_merge(tc: CT_Tc) -> bool:
    """A cell the one above (``vMerge``) or, in files from old Word, the one before (``hMerge``) runs into."""
    if tc.vMerge == "continue":
        return True
    h_merge = tc.tcPr.find(_H_MERGE) if tc.tcPr is not None else None
    # an hMerge without w:val means "continue", as for vMerge
    return h_merge is not None and h_merge.get(_VAL, "continue") == "continue"


def _cell_text(cell: _Cell) -> str:
    return join_wrapped(paragraph.text for paragraph in cell.paragraphs)
