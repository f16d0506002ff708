"""What a document may expand to: decompression and span bombs are refused in one line naming the limit,
without expanding, while documents within the limits read as before."""

from __future__ import annotations

import io
import tracemalloc
import zlib

import pytest
from seed000_documents import FIXTURE, FONT, register_font

from core.settings import Settings
from loaders.readers import UnreadableDocumentError, read_document
from loaders.readers.limits import ReadLimits, expansion_limits
from synthetic import hostile

MB = 1024 * 1024
SEED_TEXT = FIXTURE.read_text(encoding="utf-8")


def _refusal(data: bytes, name: str) -> tuple[str, int]:
    """The reader's one-line refusal and the most memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableDocumentError) as refused:
            read_document(data, name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert "\n" not in message
    return message, peak


def test_the_defaults_are_the_settings():
    settings = Settings()
    assert ReadLimits() == ReadLimits.from_settings(settings)
    assert (settings.max_unpacked_mb, settings.max_part_mb, settings.max_table_cells) == (256, 32, 100_000)


def test_a_docx_bomb_is_refused_from_its_directory_without_inflating_it():
    message, peak = _refusal(hostile.docx_bomb(1024), "bomb.docx")
    assert message == ("bomb.docx: DOCX part word/document.xml unpacks to 1,024 MB, more than the 32 MB a part "
                       "may (XXGK_MAX_PART_MB)")
    assert peak < 20 * MB


def test_docx_parts_within_each_limit_may_still_add_up_past_the_total():
    padded = hostile.docx('<w:p><w:r><w:t>正文</w:t></w:r></w:p>', padding_mb=8)
    assert read_document(padded, "padded.docx").text == "正文\n"  # 8 MB of layout: read as before
    with expansion_limits(ReadLimits(unpacked_bytes=4 * MB)):
        message, _ = _refusal(padded, "padded.docx")
    assert "unpacks to more than 4 MB (XXGK_MAX_UNPACKED_MB), counting its DOCX parts" in message


def test_a_docx_cell_spanning_a_billion_columns_is_refused_before_it_is_laid_out():
    message, peak = _refusal(hostile.docx_span_bomb(10**9), "span.docx")
    assert message.endswith("the DOCX tables span more than 100,000 grid cells (XXGK_MAX_TABLE_CELLS): "
                            "a table out of all proportion?")
    assert peak < 20 * MB


def test_an_html_span_bomb_is_refused_before_its_grid_is_built():
    data = hostile.html_span_bomb(rows=1200, colspan=1000, rowspan=65534)
    assert len(data) < 64 * 1024
    message, peak = _refusal(data, "span.html")
    assert "the HTML tables span more than 100,000 grid cells (XXGK_MAX_TABLE_CELLS)" in message
    assert peak < 50 * MB


def test_an_html_table_within_the_limit_keeps_its_spans():
    page = b"<table><tr><td colspan=3>a</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>"
    assert read_document(page, "t.html").text == "a\t\t\n1\t2\t3\n"
    with expansion_limits(ReadLimits(table_cells=5)):
        assert "more than 5 grid cells" in _refusal(page, "t.html")[0]


def test_a_sheet_declared_a_million_rows_wide_and_long_is_refused_before_it_is_iterated():
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "一、总体情况"
    book.active["XFD1048576"] = 1  # the last cell of a sheet: its dimensions become 16,384 × 1,048,576
    data = io.BytesIO()
    book.save(data)
    message, _ = _refusal(data.getvalue(), "sheet.xlsx")
    assert message == ("sheet.xlsx: the XLSX tables span more than 100,000 grid cells (XXGK_MAX_TABLE_CELLS): a "
                       "table out of all proportion?")


def test_a_pdf_deflate_bomb_stops_at_the_part_limit():
    message, peak = _refusal(hostile.pdf_deflate_bomb(1024), "bomb.pdf")
    assert message == "bomb.pdf: a PDF stream unpacks to more than 32 MB (XXGK_MAX_PART_MB): a decompression bomb?"
    assert peak < 120 * MB  # what was inflated up to the limit, never the gigabyte


def test_a_pdf_stream_with_a_broken_checksum_is_read_in_linear_time_and_bounded():
    # pdfminer retries such a stream byte by byte; its own retry copied all it had read at every byte.
    stream = zlib.compress(b"\0" * (8 * MB), 9)
    broken = stream[:-4] + bytes(4 - i for i in range(4))  # a wrong Adler-32
    data = hostile.pdf(broken, deflate=False, filters=b" /Filter /FlateDecode")
    with expansion_limits(ReadLimits(part_bytes=4 * MB)):
        message, _ = _refusal(data, "broken.pdf")
    assert "a PDF stream unpacks to more than 4 MB (XXGK_MAX_PART_MB)" in message


def test_an_encrypted_pdf_is_called_encrypted_not_corrupt():
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt="secret")  # a user password: nothing can be read without it
    pdf.setFont(FONT, 14)
    pdf.drawString(72, 700, "一、总体情况")
    pdf.showPage()
    pdf.save()
    message, _ = _refusal(buffer.getvalue(), "locked.pdf")
    assert message == "locked.pdf: PDF is encrypted (protected by a password); save an unprotected copy first"


def test_a_few_broken_utf8_bytes_do_not_reject_a_report():
    data = SEED_TEXT.encode("utf-8")
    cut = len(SEED_TEXT[:1000].encode("utf-8"))  # between two characters
    broken = data[:cut] + b"\xff\xfe\x80\xc3" + data[cut:]  # four stray bytes in 6 KB
    document = read_document(broken, "report.txt")
    assert document.encoding == "utf-8"
    assert document.text.count("\ufffd") == 4
    assert document.text.replace("\ufffd", "") == SEED_TEXT
    # Text in another encoding is not mistaken for broken UTF-8.
    assert read_document(SEED_TEXT.encode("gb18030"), "report.txt").encoding == "gb18030"
