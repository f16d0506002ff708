"""DOCX layouts that hide tables from a plain reading: a table in a text box, tables inside a layout table."""

from __future__ import annotations

import copy
import io

import docx
from docx.oxml.ns import qn
from lxml import etree
from seed000_documents import FIRST_APPLICATION_ROW, clean_text, docx_bytes

from loaders.parse import parse_text
from loaders.readers import read_document

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_V = "urn:schemas-microsoft-com:vml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _save(word) -> bytes:
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _values(text: str) -> dict:
    report = parse_text(text)
    return {"proactive": report.proactive, "applications": report.applications, "reviews": report.reviews}


def _table_in_a_text_box() -> bytes:
    """Seed 000 with its §3 table moved into a floating text box, stored as Word does: drawing + VML fallback."""
    word = docx.Document(io.BytesIO(docx_bytes()))
    table = word.element.body.findall(qn("w:tbl"))[1]  # §3
    anchor = table.getprevious()  # the §3 heading paragraph anchors the box
    table.getparent().remove(table)
    run = etree.SubElement(anchor, qn("w:r"))
    alternate = etree.SubElement(run, f"{{{_MC}}}AlternateContent")
    choice = etree.SubElement(alternate, f"{{{_MC}}}Choice", Requires="wps")
    drawing = etree.SubElement(choice, qn("w:drawing"))
    graphic = etree.SubElement(etree.SubElement(drawing, f"{{{_WP}}}anchor"), f"{{{_A}}}graphic")
    data = etree.SubElement(graphic, f"{{{_A}}}graphicData", uri=_WPS)
    box = etree.SubElement(etree.SubElement(etree.SubElement(data, f"{{{_WPS}}}wsp"), f"{{{_WPS}}}txbx"),
                           qn("w:txbxContent"))
    box.append(table)
    etree.SubElement(box, qn("w:p"))
    fallback = etree.SubElement(alternate, f"{{{_MC}}}Fallback")
    shape = etree.SubElement(etree.SubElement(etree.SubElement(fallback, qn("w:pict")), f"{{{_V}}}shape"),
                             f"{{{_V}}}textbox")
    shape.append(copy.deepcopy(box))
    return _save(word)


def _inside_a_layout_table() -> bytes:
    """Seed 000 with its whole body inside the one cell of a frame table, as old CMS exports lay pages out."""
    word = docx.Document(io.BytesIO(docx_bytes()))
    body = word.element.body
    content = [child for child in body if child.tag != qn("w:sectPr")]
    frame = word.add_table(rows=1, cols=1)._tbl
    cell = frame.tr_lst[0].tc_lst[0]
    for paragraph in cell.findall(qn("w:p")):
        cell.remove(paragraph)
    for child in content:
        cell.append(child)
    etree.SubElement(cell, qn("w:p"))  # a cell ends with a paragraph
    return _save(word)


def test_a_table_in_a_text_box_is_read_once_in_its_place():
    text = read_document(_table_in_a_text_box(), "box.docx").text
    lines = text.splitlines()
    assert lines.count(FIRST_APPLICATION_ROW) == 1  # the drawing's copy, not also the VML fallback's
    assert lines.index("三、收到和处理政府信息公开申请情况") < lines.index(FIRST_APPLICATION_ROW)
    assert lines.index(FIRST_APPLICATION_ROW) < lines.index("四、政府信息公开行政复议、行政诉讼情况")
    assert _values(text) == _values(clean_text())


def test_tables_inside_a_layout_table_are_read_as_tables():
    text = read_document(_inside_a_layout_table(), "frame.docx").text
    expected_rows = [line for line in clean_text().splitlines() if "\t" in line]
    assert [line for line in text.splitlines() if "\t" in line] == expected_rows
    assert _values(text) == _values(clean_text())
