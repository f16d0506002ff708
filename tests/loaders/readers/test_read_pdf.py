"""The PDF reader on a PDF with a text layer and ruled tables built from seed 000, and on a scan."""

from __future__ import annotations

import io

import pytest
from seed000_documents import (
    FIRST_APPLICATION_ROW,
    FONT,
    HEADINGS,
    TITLE,
    clean_text,
    pdf_bytes,
    register_font,
    scanned_pdf_bytes,
)

from loaders.readers import NoTextError, UnreadableDocumentError, read_document


@pytest.fixture(scope="module")
def lines() -> list[str]:
    document = read_document(pdf_bytes(), "report.pdf")
    assert (document.format, document.encoding) == ("pdf", None)
    return document.text.splitlines()


def test_title_headings_and_first_application_row_are_lines_in_order(lines):
    assert lines[0] == TITLE
    positions = [lines.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert positions[2] < lines.index(FIRST_APPLICATION_ROW) < positions[3]


def test_every_table_row_comes_out_whole_and_in_order(lines):
    # narrative paragraphs wrap on the page, so only the table rows are compared line for line
    expected_rows = [line for line in clean_text().splitlines() if "\t" in line]
    rows = [line for line in lines if "\t" in line]
    assert rows == expected_rows
    assert "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t1\t0\t0\t0\t0\t0\t1" in rows  # wrapped cell


def test_wrapped_narrative_keeps_its_text(lines):
    text = "".join(lines)
    assert "累计主动公开政府信息 317 条" in text
    assert "2021 年，未收取依申请公开信息处理费。" in lines


def test_pdf_of_a_scanned_picture_without_writing_holds_no_text():
    pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed")
    with pytest.raises(NoTextError, match=r"scan\.pdf: not a report: the pdf document holds no text"):
        read_document(scanned_pdf_bytes(), "scan.pdf")


def test_corrupt_pdf_is_unreadable():
    with pytest.raises(UnreadableDocumentError, match="not a readable PDF"):
        read_document(b"%PDF-1.7\n" + bytes(range(256)) * 8, "broken.pdf")


def test_overprinted_bold_heading_reads_once():
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(FONT, 14)
    for dx in (0, 0.4):  # what "bold" looks like in many generated PDFs
        pdf.drawString(72 + dx, 700, "一、总体情况")
    pdf.showPage()
    pdf.save()
    assert read_document(buffer.getvalue(), "bold.pdf").text == "一、总体情况\n"
