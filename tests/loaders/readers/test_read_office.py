"""Old Word (.doc), WPS Office (.wps) through LibreOffice, and spreadsheets (.xlsx, .xls)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pytest
from seed000_documents import FIRST_APPLICATION_ROW, Grid, blocks, clean_text, docx_bytes

from loaders.parse import parse_text
from loaders.pipeline import ParseFailure, parse_bytes
from loaders.readers import read_document
from loaders.readers.office import converted, soffice

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def _values(text: str) -> dict:
    report = parse_text(text)
    return {"proactive": report.proactive, "applications": report.applications, "reviews": report.reviews}


@cache
def _doc_bytes() -> bytes:
    return converted(docx_bytes(), ".docx", "doc")


@needs_libreoffice
def test_a_doc_file_reads_like_the_docx_it_was_saved_from():
    data = _doc_bytes()
    assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE compound file: Word 97–2003
    document = read_document(data, "report.doc")
    assert document.format == "doc"
    assert FIRST_APPLICATION_ROW in document.text.splitlines()
    assert _values(document.text) == _values(clean_text())


@needs_libreoffice
def test_a_wps_file_reads_through_libreoffice():
    document = read_document(_doc_bytes(), "report.wps")  # WPS Office saves the Word binary format
    assert document.format == "wps"
    assert _values(document.text) == _values(clean_text())


@needs_libreoffice
def test_a_doc_that_is_no_report_gives_one_line():
    # LibreOffice opens bytes it does not recognise as plain text: a report it is not
    with pytest.raises(ParseFailure, match=r"^not a disclosure annual report") as failure:
        parse_bytes(b"\xd0\xcf\x11\xe0 not a compound file at all" * 10, "broken.doc")
    assert "\n" not in str(failure.value) and failure.value.not_a_report


def test_without_libreoffice_a_doc_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    with pytest.raises(ParseFailure, match=r"^report\.doc: reading \.doc needs LibreOffice: install it"):
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "report.doc")


@cache
def _xlsx_bytes() -> bytes:
    """Seed 000 as a workbook: paragraphs in column A, each table at its columns with real merged ranges."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    row = 1
    for block in blocks():
        if isinstance(block, str):
            sheet.cell(row, 1, block)
            row += 1
            continue
        assert isinstance(block, Grid)
        for r, c, text, across, down in block.origins():
            value: object = text
            if text.isdigit():
                value = int(text)
            elif text.replace(".", "", 1).isdigit():
                value = float(text)
            sheet.cell(row + r, c + 1, value)
            if across > 1 or down > 1:
                sheet.merge_cells(start_row=row + r, start_column=c + 1, end_row=row + r + down - 1,
                                  end_column=c + across)
        row += len(block.slots)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_workbook_gives_the_tables_values():
    document = read_document(_xlsx_bytes(), "report.xlsx")
    assert document.format == "xlsx"
    assert FIRST_APPLICATION_ROW in document.text.splitlines()  # merged label: its first slot, the rest empty
    assert "行政事业性收费\t1.5" in document.text  # a decimal keeps its digits
    assert _values(document.text) == _values(clean_text())


def test_an_xls_workbook_gives_the_tables_values():
    # the workbook above, saved as Excel 97–2003 by LibreOffice Calc
    document = read_document((Path(__file__).parent / "seed000.xls").read_bytes(), "report.xls")
    assert document.format == "xls"
    assert _values(document.text) == _values(clean_text())


def test_a_corrupt_workbook_is_unreadable_in_one_line():
    for name in ("broken.xlsx", "broken.xls"):
        with pytest.raises(ParseFailure, match=rf"^{name.replace('.', '[.]')}: not a readable") as failure:
            parse_bytes(b"PK\x03\x04 not a workbook" * 20, name)
        assert "\n" not in str(failure.value)
