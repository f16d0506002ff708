"""``agencySource`` and ``yearSource``: where a stored report's agency name and year were read.

Corpus 006's title names no agency; the line above it does (``盐边县新九镇人民政府``): ``page_header``.
Its title gives the year: ``title``. A manifest's agency and year win over the text: ``manifest``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import open_api

from db.writer import Source, store_reports
from loaders.parse import parse_text

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
QUERY = "query($id: Int!) { report(id: $id) { agencySource yearSource agency { name } year } }"


async def _stored(db_url: str, text: str, **given: object):
    report = parse_text(text, **given)  # type: ignore[arg-type]
    source = Source("https://www.example.gov.cn/xxgk/2021.html", "txt", hashlib.sha256(text.encode()).hexdigest(),
                    False, text, "test")
    [result] = await store_reports(db_url, [(report, source)])
    assert result.status == "loaded", result
    return result.report_id


@pytest.mark.parametrize("planned", [True, False])
async def test_a_page_header_agency_and_title_year(db_url: str, planned: bool) -> None:
    report_id = await _stored(db_url, (CORPUS / "006.txt").read_text(encoding="utf-8"))
    api, client = await open_api(db_url, planned_sql=planned)
    try:
        data = await api.data(QUERY, {"id": report_id})
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()
    assert data["report"] == {"agencySource": "page_header", "yearSource": "title",
                              "agency": {"name": "新九镇人民政府"}, "year": 2021}


async def test_a_manifest_agency_and_year(db_url: str) -> None:
    # 009 is a page of §4 only: its title says 信访局 2022; a manifest names the agency in full.
    text = (CORPUS / "009.txt").read_text(encoding="utf-8")
    report_id = await _stored(db_url, text, agency="威海市文登区信访局", year=2022)
    api, client = await open_api(db_url)
    try:
        data = await api.data(QUERY, {"id": report_id})
    finally:
        await client.aclose()
        await api.app.state.xxgk.dispose()
    assert data["report"] == {"agencySource": "manifest", "yearSource": "manifest",
                              "agency": {"name": "威海市文登区信访局"}, "year": 2022}
