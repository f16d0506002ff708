"""Scanned reports read by OCR: real scans made here, clean and damaged, wrapped as a scanner would.

Clean pages must give every value exactly. Damaged pages (blur, skew, JPEG artefacts, dust, a red seal
over the §3 table, a page photographed sideways) must give each value exactly or leave it null with an
issue — never a different number.
"""

from __future__ import annotations

import io

import pytest
from rapidfuzz import fuzz
from scans import blur, dust, font_file, image_pdf, jpeg, pdf_pages, png, seal, skew, text_pages, tiff, turn
from seed000_documents import clean_text, pdf_bytes

from loaders.canonical import Report
from loaders.parse import parse_text
from loaders.pipeline import ParseFailure, parse_bytes
from loaders.readers import NoTextError, read_document
from synthetic import generate, render

pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed: pip install 'xxgk[ocr]'")
pytestmark = pytest.mark.skipif(font_file() is None, reason="no CJK font to print the pages (fonts-wqy-microhei)")

TABLES = ("proactive", "applications", "reviews")


def _values(report: Report) -> dict[str, object]:
    return {
        f"{table}.{row}.{column}": value
        for table in TABLES
        for row, columns in getattr(report, table).items()
        for column, value in columns.items()
    }


@pytest.fixture(scope="module")
def seed_pages():
    return pdf_pages(pdf_bytes())


@pytest.fixture(scope="module")
def clean_scan(seed_pages):
    data = image_pdf(seed_pages)
    return read_document(data, "scan.pdf"), parse_bytes(data, "scan.pdf")[0]


@pytest.fixture(scope="module")
def damaged_scan(seed_pages):
    first = jpeg(blur(skew(seed_pages[0], 2.5), 1.0), 40)  # a crooked, soft, heavily compressed page
    # the page with §3 and §4: a red seal over §3, dust, photographed sideways
    second = jpeg(dust(turn(seal(seed_pages[1], (900, 500)), 270)), 40)
    return parse_bytes(tiff([first, second]), "scan.tif")[0]


def test_a_clean_scan_gives_every_table_row_as_the_document_has_it(clean_scan):
    document, _ = clean_scan
    assert document.format == "pdf"
    expected_rows = [line.split("\t") for line in clean_text().splitlines() if "\t" in line]
    rows = [line.split("\t") for line in document.text.splitlines() if "\t" in line]
    # every row, every cell in its slot: merged cells in their first slot, empty cells empty, nothing shifted;
    # numbers exact, labels as recognised (a 一 may come back as a dash)
    assert [len(row) for row in rows] == [len(row) for row in expected_rows]
    for row, expected in zip(rows, expected_rows, strict=True):
        assert [bool(cell) for cell in row] == [bool(cell) for cell in expected], row
        assert [cell for cell in row if _is_number(cell)] == [cell for cell in expected if _is_number(cell)], row
        labels = [(cell, want) for cell, want in zip(row, expected, strict=True) if want and not _is_number(want)]
        assert all(fuzz.ratio(cell, want) >= 80 for cell, want in labels), labels
    assert "六、其他需要报告的事项" in document.text.splitlines()


def _is_number(cell: str) -> bool:
    return cell.replace(".", "", 1).isdigit()


def test_a_clean_scan_gives_every_value_exactly_and_marks_it_ocr(clean_scan):
    _, report = clean_scan
    truth = parse_text(clean_text())
    assert (report.agency_name, report.year, report.template) == (truth.agency_name, truth.year, truth.template)
    assert _values(report) == _values(truth)
    read = [path for path, value in _values(report).items() if value is not None]
    assert read and all(report.provenance[path] == "ocr" for path in read)
    # each value keeps the box of its own cell: the §3 total of new applications is the last cell of its row
    box = report.ocr_boxes["applications.new_received.total"]
    x0, y0, x1, y1 = box["box"]
    assert box["page"] == 2 and 0.8 <= box["score"] <= 1
    assert 0 < x1 - x0 < 250 and 0 < y1 - y0 < 100  # one cell, not the table
    beside = report.ocr_boxes["applications.new_received.other_org"]["box"]
    assert beside[2] == x0 and beside[1] == y0  # its left neighbour ends where it starts
    assert not [i for i in report.issues if i.code.startswith(("OCR_", "PAGE_"))]


def test_a_damaged_scan_gives_each_value_exactly_or_null_with_an_issue(damaged_scan):
    truth = _values(parse_text(clean_text()))
    got = _values(damaged_scan)
    wrong = {path: (truth[path], value) for path, value in got.items() if value is not None and value != truth[path]}
    assert not wrong, f"OCR changed values: {wrong}"
    lost = [path for path, value in got.items() if value is None and truth[path] is not None]
    if lost:
        assert any(i.code == "OCR_LOW_CONFIDENCE" for i in damaged_scan.issues)
        assert all(damaged_scan.provenance[path] == "missing" for path in lost)
    # most of the table survives the seal
    assert sum(value is not None for value in got.values()) >= 0.8 * sum(v is not None for v in truth.values())


def test_a_crooked_page_and_a_sideways_page_are_turned_and_said_so(damaged_scan):
    codes = {(i.code, i.severity) for i in damaged_scan.issues}
    assert ("PAGE_SKEWED", "info") in codes
    assert ("PAGE_ROTATED", "warning") in codes
    rotated = next(i for i in damaged_scan.issues if i.code == "PAGE_ROTATED")
    assert "page 2" in rotated.message and "270°" in rotated.message


def _big_synthetic_report() -> Report:
    """The first generated report of template 2019 with a §3 total in three digits: every digit matters."""
    for seed in range(200):
        report = generate(seed, template="2019")
        total = report.applications["new_received"]["total"]
        if total is not None and total >= 100:
            return report
    raise AssertionError("no synthetic report with a three-digit total")


def test_a_synthetic_report_printed_and_scanned_reads_back_exactly():
    report = _big_synthetic_report()
    text = render(report, "docx_tsv")
    scanned = parse_bytes(image_pdf(text_pages(text)), "synthetic.pdf")[0]
    assert _values(scanned) == _values(parse_text(text)) == _values(report)
    assert scanned.template == "2019"


def test_a_picture_without_writing_is_not_a_report():
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (600, 600), "white")
    ImageDraw.Draw(picture).ellipse((100, 100, 500, 500), outline=(220, 40, 40), width=12)  # a seal alone
    with pytest.raises(NoTextError, match="not a report"):
        read_document(png(picture), "seal.png")
    with pytest.raises(ParseFailure) as failure:
        parse_bytes(png(picture), "seal.png")
    assert failure.value.not_a_report


def test_a_corrupt_image_is_unreadable_in_one_line():
    with pytest.raises(ParseFailure, match=r"^photo\.jpg: not a readable image") as failure:
        parse_bytes(b"\xff\xd8\xff\xe0 not really a jpeg", "photo.jpg")
    assert not failure.value.not_a_report and "\n" not in str(failure.value)


def test_without_the_ocr_extra_a_scan_says_which_extra_to_install(monkeypatch, seed_pages):
    monkeypatch.setitem(__import__("sys").modules, "rapidocr_onnxruntime", None)  # as if not installed
    with pytest.raises(ParseFailure, match=r"^scan\.pdf: PDF has no text layer \(scanned image\); reading a scan "
                                           r"needs the OCR extra: pip install 'xxgk\[ocr\]'$"):
        parse_bytes(image_pdf(seed_pages[:1]), "scan.pdf")
    with pytest.raises(ParseFailure, match=r"^page\.png: reading a scan needs the OCR extra"):
        parse_bytes(png(seed_pages[0]), "page.png")


def _pdf_with_tables_as_a_picture(seed_pages) -> bytes:
    """A PDF with a text layer whose §3 and §4 tables are a picture pasted in (the seed's page 2, cropped)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from seed000_documents import FONT, HEADINGS, PAGE, TITLE, register_font

    register_font()
    picture = seed_pages[1].crop((0, 0, seed_pages[1].width, 1480))  # §3, the §4 heading and §4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE)
    pdf.setFont(FONT, 10)
    y = PAGE[1] - 50
    for line in (TITLE, HEADINGS[0], "2021年，我镇依法做好政府信息公开工作。", HEADINGS[1], HEADINGS[2]):
        pdf.drawString(36, y, line)
        y -= 18
    height = PAGE[0] * picture.height / picture.width
    pdf.drawImage(ImageReader(picture), 0, y - height, width=PAGE[0], height=height)
    y -= height + 18
    for line in (HEADINGS[4], "无。", HEADINGS[5], "无。"):
        pdf.drawString(36, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_tables_pasted_as_a_picture_into_a_pdf_are_read_in_their_place(seed_pages):
    report = parse_bytes(_pdf_with_tables_as_a_picture(seed_pages), "mixed.pdf")[0]
    truth = parse_text(clean_text())
    assert report.agency_name == truth.agency_name and report.year == 2021  # from the text layer
    # §3 and §4 come from the picture, printed and resampled twice: each value exact, or null with an issue
    got, want = _values(report), _values(truth)
    tables = [p for p in got if p.startswith(("applications.", "reviews."))]
    assert not [p for p in tables if got[p] is not None and got[p] != want[p]]
    lost = [p for p in tables if got[p] is None and want[p] is not None]
    assert len(lost) <= 3 and (not lost or any(i.code == "OCR_LOW_CONFIDENCE" for i in report.issues))
    assert report.provenance["applications.new_received.total"] == "ocr"
    assert all(report.proactive[c][m] is None for c in report.proactive for m in report.proactive[c])  # no §2 table
    assert any(i.code == "OCR_IMAGE" for i in report.issues)


def test_a_scan_of_more_pages_than_a_report_has_is_refused_in_one_line():
    from PIL import Image

    from loaders.readers.ocr import MAX_PAGES

    blank = Image.new("L", (60, 80), 255)
    with pytest.raises(ParseFailure, match=rf"^pages\.tif: {MAX_PAGES + 1} pages: more than the {MAX_PAGES}"):
        parse_bytes(tiff([blank] * (MAX_PAGES + 1)), "pages.tif")
