"""Document → reader → parser gives the same report as the clean tab-separated text of the same content."""

from __future__ import annotations

from decimal import Decimal

import pytest
from seed000_documents import clean_text, docx_bytes, html_bytes, pdf_bytes

from loaders.readers import read_document

parse = pytest.importorskip("loaders.parse")


@pytest.fixture(scope="module")
def clean():
    return parse.parse_text(clean_text())


def test_clean_text_parses_to_the_numbers_written_in_the_grids(clean):
    # values read off the grids in seed000_documents.py, not off the parser
    assert (clean.year, clean.template) == (2021, "2021")
    assert clean.proactive["normative_documents"] == {"issued": 2, "repealed": 1, "in_force": 7}
    assert clean.proactive["licensing"] == {"decisions": 12}
    assert clean.proactive["fees"] == {"amount_10k_yuan": Decimal("1.5")}
    assert list(clean.applications["new_received"].values()) == [5, 1, 0, 2, 0, 1, 9]
    assert list(clean.applications["withheld_third_party_rights"].values()) == [0, 0, 0, 1, 0, 0, 1]
    assert list(clean.applications["carried_forward"].values()) == [1, 0, 0, 0, 0, 0, 1]
    assert clean.reviews["review"] == {"upheld": 1, "corrected": 0, "other": 2, "pending": 0, "total": 3}
    assert clean.reviews["litigation_direct"]["total"] == 2


@pytest.mark.parametrize(
    ("filename", "build"),
    [("report.docx", docx_bytes), ("report.html", html_bytes), ("report.pdf", pdf_bytes)],
    ids=["docx", "html", "pdf"],
)
def test_document_parses_like_the_clean_text(clean, filename, build):
    report = parse.parse_text(read_document(build(), filename).text)
    assert (report.agency_name, report.year, report.template) == (clean.agency_name, clean.year, clean.template)
    assert report.proactive == clean.proactive
    assert report.applications == clean.applications
    assert report.reviews == clean.reviews
