"""Writing canonical reports: atomic per report, idempotent by SHA-256, replacing by agency and year."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import replace

import asyncpg
import pytest

from db.engine import dsn
from db.writer import Source, StoreResult, store_reports
from loaders.canonical import Report


def _report(name: str = "官渡镇", year: int = 2021, new_total: int = 3) -> Report:
    r = Report.blank(name, year, "2021" if year >= 2021 else "2019", title=f"万源市{name}{year}年政府信息公开工作年度报告",
                     region_hint="万源市")
    for row in r.applications:
        r.applications[row] = dict.fromkeys(r.applications[row], 0)
    r.applications["new_received"] = {**r.applications["new_received"], "natural_person": new_total, "total": new_total}
    r.applications["granted"] = {**r.applications["granted"], "natural_person": new_total, "total": new_total}
    r.applications["outcome_total"] = dict(r.applications["granted"])
    r.reviews["review"] = {"upheld": None, "corrected": None, "other": None, "pending": None, "total": None}
    r.provenance["reviews.review.total"] = "missing"
    return r


def _source(tag: str) -> Source:
    return Source(f"file:///{tag}.txt", "txt", hashlib.sha256(tag.encode()).hexdigest(), raw_text=tag,
                  parser_version="test")


def store(url: str, items) -> list[StoreResult]:
    return asyncio.run(store_reports(url, items))


async def _fetch(url: str, sql: str, *args):
    conn = await asyncpg.connect(dsn(url))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def fetch(url: str, sql: str, *args):
    return asyncio.run(_fetch(url, sql, *args))


def test_a_report_is_stored_with_nulls_kept_and_its_region_resolved(db_url):
    [res] = store(db_url, [(_report(), _source("a"))])
    assert res.status == "loaded"
    [row] = fetch(db_url, "SELECT * FROM application_outcome WHERE row_key = 'new_received'")
    assert (row["natural_person"], row["commercial_enterprise"], row["total"]) == (3, 0, 3)
    [rev] = fetch(db_url, "SELECT * FROM review_litigation WHERE \"group\" = 'review'")
    assert rev["upheld"] is None and rev["total"] is None
    [agency] = fetch(db_url, "SELECT a.*, r.name AS region FROM agency a JOIN region r ON r.code = a.region_code")
    assert (agency["kind"], agency["region_code"], agency["region"]) == ("township", "511781", "万源市")
    assert [r["provenance"] for r in fetch(db_url, "SELECT provenance FROM value_provenance")] == ["missing"]


def test_loading_the_same_document_twice_is_unchanged(db_url):
    store(db_url, [(_report(), _source("a"))])
    assert [r.status for r in store(db_url, [(_report(), _source("a"))])] == ["unchanged"]
    assert fetch(db_url, "SELECT count(*) FROM report")[0][0] == 1


def test_a_new_document_for_the_same_agency_and_year_replaces_the_old_report(db_url):
    store(db_url, [(_report(new_total=3), _source("a"))])
    [res] = store(db_url, [(_report(new_total=5), _source("b"))])
    assert res.status == "replaced"
    rows = fetch(db_url, "SELECT r.sha256, o.total FROM report r JOIN application_outcome o ON o.report_id = r.id "
                         "WHERE o.row_key = 'new_received'")
    assert [(r["sha256"], r["total"]) for r in rows] == [(_source("b").sha256, 5)]


def test_a_report_without_its_year_or_agency_is_refused_and_the_batch_goes_on(db_url):
    no_year = replace(_report("横河镇"), year=None)
    no_agency = replace(_report("水口镇"), agency_name=None)
    results = store(db_url, [(no_year, _source("y")), (_report("官渡镇"), _source("a")), (no_agency, _source("n"))])
    assert [r.status for r in results] == ["failed", "loaded", "failed"]
    assert results[0].reason == results[2].reason and "no year or no agency" in results[0].reason
    assert {r["name"] for r in fetch(db_url, "SELECT name FROM agency")} == {"官渡镇"}
    assert sorted(r["sha256"] for r in fetch(db_url, "SELECT sha256 FROM load_failure")) == sorted(
        [_source("y").sha256, _source("n").sha256])


def test_a_report_failing_mid_write_leaves_no_row_and_the_batch_goes_on(db_url):
    bad = _report("横河镇")
    bad.applications["granted"]["natural_person"] = 2**40  # overflows the integer column during COPY
    results = store(db_url, [(_report("官渡镇"), _source("a")), (bad, _source("bad")), (_report("水口镇"), _source("c"))])
    assert [r.status for r in results] == ["loaded", "failed", "loaded"]
    assert "database rejected" in results[1].reason
    names = {r["name"] for r in fetch(db_url, "SELECT a.name FROM report r JOIN agency a ON a.id = r.agency_id")}
    assert names == {"官渡镇", "水口镇"}
    bad_sha = _source("bad").sha256
    assert fetch(db_url, "SELECT count(*) FROM report WHERE sha256 = $1", bad_sha)[0][0] == 0
    assert fetch(db_url, "SELECT count(*) FROM application_outcome o LEFT JOIN report r ON r.id = o.report_id "
                         "WHERE r.id IS NULL")[0][0] == 0
    assert fetch(db_url, "SELECT sha256 FROM load_failure")[0][0] == bad_sha


@pytest.mark.parametrize("order", ["earlier_first", "later_first"])
def test_cross_year_checks_do_not_depend_on_loading_order(db_url, order):
    y1, y2 = _report(year=2021), _report(year=2022)
    y1.applications["carried_forward"] = {**y1.applications["carried_forward"], "natural_person": 1, "total": 1}
    y1.applications["new_received"] = {**y1.applications["new_received"], "natural_person": 4, "total": 4}
    items = [(y1, _source("y1")), (y2, _source("y2"))]
    for item in (items if order == "earlier_first" else items[::-1]):
        store(db_url, [item])
    rows = fetch(db_url, "SELECT c.status, c.location, c.expected, c.actual, r.year FROM check_result c "
                         "JOIN report r ON r.id = c.report_id WHERE c.code = 'X_CARRIED_FORWARD'")
    by_col = {r["location"]: r for r in rows}
    assert {r["year"] for r in rows} == {2022}
    failed = [loc for loc, r in by_col.items() if r["status"] == "failed"]
    assert len(failed) == 2 and all("natural_person" in loc or "total" in loc for loc in failed)
    [summary] = fetch(db_url, "SELECT checks_failed FROM report WHERE year = 2022")
    assert summary[0] >= 2


def test_a_document_read_by_another_parser_version_is_read_again_and_replaces_the_old_reading(db_url):
    [first] = store(db_url, [(_report(new_total=3), _source("a"))])
    newer = replace(_source("a"), parser_version="test-2")  # the same bytes, read by an upgraded parser

    assert [r.status for r in store(db_url, [(_report(new_total=5), newer)])] == ["replaced"]
    assert [r.status for r in store(db_url, [(_report(new_total=5), newer)])] == ["unchanged"]
    assert [r.status for r in asyncio.run(store_reports(db_url, [(_report(new_total=5), newer)], reparse=True))] == [
        "replaced"]
    rows = fetch(db_url, "SELECT r.id, r.parser_version, o.total FROM report r JOIN application_outcome o "
                         "ON o.report_id = r.id AND o.row_key = 'new_received'")
    assert [(r["parser_version"], r["total"]) for r in rows] == [("test-2", 5)]
    assert rows[0]["id"] == first.report_id  # the same agency and year: the same report


def test_synthetic_agencies_never_merge_with_real_ones(db_url):
    real = (_report(), _source("real"))
    fake = (_report(), replace(_source("fake"), synthetic=True))
    assert [r.status for r in store(db_url, [real, fake])] == ["loaded", "loaded"]
    rows = fetch(db_url, "SELECT synthetic FROM agency ORDER BY synthetic")
    assert [r[0] for r in rows] == [False, True]


def test_a_value_read_by_ocr_keeps_its_provenance_and_box(db_url):
    from db.reading import fetch_reports

    report = _report("青花镇")
    box = {"page": 2, "box": [712, 160, 806, 186], "score": 0.97}
    report.provenance["applications.new_received.total"] = "ocr"
    report.ocr_boxes["applications.new_received.total"] = box
    [res] = store(db_url, [(report, _source("ocr"))])
    rows = fetch(db_url, "SELECT path, provenance, ocr_box FROM value_provenance WHERE report_id = $1 ORDER BY path",
                 res.report_id)
    assert [(r["path"], r["provenance"]) for r in rows] == [
        ("applications.new_received.total", "ocr"), ("reviews.review.total", "missing")]

    async def read_back():
        conn = await asyncpg.connect(dsn(db_url))
        try:
            return await fetch_reports(conn, [res.report_id])
        finally:
            await conn.close()

    [stored] = asyncio.run(read_back()).values()
    assert stored.provenance["applications.new_received.total"] == "ocr"
    assert stored.ocr_boxes == {"applications.new_received.total": box}


def test_a_failed_report_leaves_no_identity_no_revision_and_no_change(db_url):
    store(db_url, [(_report("横河镇", new_total=1), _source("old"))])
    bad = _report("横河镇")
    bad.applications["granted"]["natural_person"] = 2**40  # overflows the integer column during COPY
    results = store(db_url, [(_report("官渡镇"), _source("a")), (bad, _source("bad")), (_report("水口镇"), _source("c"))])
    assert [r.status for r in results] == ["loaded", "failed", "loaded"]
    changes = fetch(db_url, "SELECT report_id, kind FROM report_change ORDER BY sequence")
    assert [c["kind"] for c in changes] == ["added"] * 3
    assert [c["report_id"] for c in changes[1:]] == [results[0].report_id, results[2].report_id]
    assert fetch(db_url, "SELECT count(*) FROM report_revision")[0][0] == 0
    assert fetch(db_url, "SELECT count(*) FROM report_key")[0][0] == 3


def test_two_documents_for_one_agency_and_year_in_one_batch_make_two_revisions_of_one_id(db_url):
    results = store(db_url, [(_report(new_total=3), _source("a")), (_report(new_total=5), _source("b"))])
    assert [r.status for r in results] == ["loaded", "replaced"]
    assert results[0].report_id == results[1].report_id
    [revision] = fetch(db_url, "SELECT revision, sha256, values FROM report_revision")
    assert (revision["revision"], revision["sha256"]) == (1, _source("a").sha256)
    values = json.loads(revision["values"])
    assert (values["applications.new_received.total"], values["reviews.review.total"]) == (3, None)
    assert [r["kind"] for r in fetch(db_url, "SELECT kind FROM report_change ORDER BY sequence")] == ["added", "replaced"]
