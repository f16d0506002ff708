"""Values read from OCR'd text are marked ``ocr`` with their page and box; others are left as they are."""

from __future__ import annotations

from loaders import parse_text
from loaders.readers.document import Document, OcrBox, OcrSpan
from loaders.readers.ocr.provenance import mark_ocr

TEXT = (
    "官渡镇2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n行政许可\t12\n三、收到和处理政府信息公开申请情况\n"
    "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n四、政府信息公开行政复议、行政诉讼情况\n" + "\t".join(["0"] * 15)
)


def test_only_values_inside_an_ocr_span_are_marked_and_keep_their_box():
    report = parse_text(TEXT)
    line, start, end = report.locations["applications.new_received.total"]
    row = TEXT.split("\n")[line - 1]
    first = row.index("\t") + 1  # the first number of the row
    spans = {line: (OcrSpan(start, end, OcrBox(2, (900, 160, 990, 190), 0.97)),
                    OcrSpan(first, first + 1, OcrBox(2, (300, 160, 390, 190), 0.91)))}
    before = dict(report.provenance)
    mark_ocr(report, Document(TEXT, "pdf", ocr=spans))
    marked = {path for path, how in report.provenance.items() if how == "ocr"}
    assert marked == {"applications.new_received.total", "applications.new_received.natural_person"}
    assert report.ocr_boxes["applications.new_received.total"] == {"page": 2, "box": [900, 160, 990, 190], "score": 0.97}
    assert "proactive.licensing.decisions" not in report.ocr_boxes  # typed text, not OCR'd
    # missing values (not in the text) stay missing
    assert {p for p, how in before.items() if how == "missing"} <= {p for p, how in report.provenance.items()
                                                                      if how == "missing"}
