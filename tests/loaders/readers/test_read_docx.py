"""The DOCX reader on a real Word document built from seed 000 (paragraphs, tables, merged cells)."""

from __future__ import annotations

import io

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from seed000_documents import FIRST_APPLICATION_ROW, HEADINGS, TITLE, clean_text, docx_bytes

from loaders.readers import read_document


def _lines() -> list[str]:
    return read_document(docx_bytes(), "官渡镇2021年报.docx").text.splitlines()


def test_title_headings_and_first_application_row_are_lines_in_order():
    lines = _lines()
    assert lines[0] == TITLE
    positions = [lines.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    # the §3 row sits between the §3 and §4 headings: tables come out where the body has them
    assert positions[2] < lines.index(FIRST_APPLICATION_ROW) < positions[3]


def test_horizontally_merged_cells_give_their_number_once():
    lines = _lines()
    assert "行政许可\t12\t\t" in lines
    assert "第二十条第（一）项\t\t\t" in lines
    assert "行政复议\t\t\t\t\t行政诉讼" + "\t" * 9 in lines


def test_vertically_merged_cells_give_their_text_in_the_first_row_only():
    lines = _lines()
    assert "\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0" in lines
    assert "\t\t2.其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0" in lines
    assert "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t" in lines
    assert sum(line.count("三、本年度办理结果") for line in lines) == 1


def test_whole_text_is_the_clean_tab_separated_text():
    document = read_document(docx_bytes(), "report.DOCX")
    assert (document.format, document.encoding) == ("docx", None)
    assert document.text == clean_text()


def test_cell_with_several_paragraphs_is_one_cell_and_a_line_break_splits_a_paragraph():
    word = docx.Document()
    paragraph = word.add_paragraph("第一行")
    paragraph.add_run().add_break()
    paragraph.add_run("第二行")
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "（四）无法"
    table.cell(0, 0).add_paragraph("提供")
    table.cell(0, 1).text = "3"
    buffer = io.BytesIO()
    word.save(buffer)
    assert read_document(buffer.getvalue(), "a.docx").text == "第一行\n第二行\n（四）无法提供\t3\n"


def test_legacy_hmerge_continuation_is_an_empty_cell():
    word = docx.Document()
    table = word.add_table(rows=1, cols=3)
    for col, (text, merge) in enumerate([("行政许可", "restart"), ("行政许可", "continue"), ("12", None)]):
        cell = table.cell(0, col)
        cell.text = text
        if merge:
            h_merge = OxmlElement("w:hMerge")
            h_merge.set(qn("w:val"), merge)
            cell._tc.get_or_add_tcPr().append(h_merge)
    buffer = io.BytesIO()
    word.save(buffer)
    assert read_document(buffer.getvalue(), "a.docx").text == "行政许可\t\t12\n"
