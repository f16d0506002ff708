"""Synthetic test data fenced off: every read path leaves it out unless asked, and labels it when it is shown.

The loaded database holds the five real fixture reports and 21 synthetic reports of four synthetic agencies
(tests/api/conftest.py); the expected figures are counted here in SQL over ``agency.synthetic``.
"""

from __future__ import annotations

import asyncpg
import pytest
from conftest import SYNTHETIC_AGENCIES, open_api

from api import aggregates
from db.engine import dsn
from synthetic import SYNTHETIC_MARK

REAL, SYNTHETIC = 5, sum(len(years) for _, _, years in SYNTHETIC_AGENCIES)
INCLUDE = {"includeSynthetic": True}


async def _sql(url: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn(url))
    try:
        return await conn.fetch(query)
    finally:
        await conn.close()


async def test_reports_leave_synthetic_out_unless_asked_and_label_them(api):
    query = """query($f: ReportFilter) { reports(first: 100, filter: $f) { totalCount
                 edges { node { title synthetic agency { name synthetic } } } } }"""
    real = (await api.data(query, {"f": None}))["reports"]
    assert real["totalCount"] == len(real["edges"]) == REAL
    assert not any(e["node"]["synthetic"] or e["node"]["agency"]["synthetic"] for e in real["edges"])
    assert (await api.data(query, {"f": {"synthetic": False}}))["reports"] == real
    everything = (await api.data(query, {"f": INCLUDE}))["reports"]
    assert everything["totalCount"] == REAL + SYNTHETIC
    synthetic = [e["node"] for e in everything["edges"] if e["node"]["synthetic"]]
    assert len(synthetic) == SYNTHETIC
    for node in synthetic:  # labelled three ways: the flag, the title, the agency's name
        assert node["agency"]["synthetic"] and node["title"].startswith(SYNTHETIC_MARK)
        assert node["agency"]["name"].startswith(SYNTHETIC_MARK)
    only = (await api.data(query, {"f": {"synthetic": True}}))["reports"]
    assert only["totalCount"] == SYNTHETIC and all(e["node"]["synthetic"] for e in only["edges"])


@pytest.mark.parametrize("planned", [True, False])
async def test_a_synthetic_report_by_id_is_answered_labelled(api, planned, loaded_url):
    client_api, client = await open_api(loaded_url, planned_sql=planned)
    try:
        (row,) = await _sql(loaded_url, "SELECT r.id FROM report r JOIN agency a ON a.id = r.agency_id "
                                        "WHERE a.synthetic ORDER BY r.id LIMIT 1")
        data = await client_api.data("query($id: Int!) { report(id: $id) { title synthetic template agency { "
                                     "synthetic } } }", {"id": row["id"]})
        report = data["report"]
        assert report["synthetic"] is True and report["agency"]["synthetic"] is True
        assert report["title"].startswith(SYNTHETIC_MARK) and report["template"] in ("T2019", "T2021")
    finally:
        await client.aclose()
        await client_api.app.state.xxgk.dispose()


async def test_agencies_ranking_and_region_agencies_leave_synthetic_out(api):
    query = """query($f: ReportFilter, $all: Boolean!) {
      agencies(first: 100, filter: $f) { totalCount edges { node { name synthetic } } }
      agencyRanking(first: 100, filter: $f, by: REPORTS) { totalCount edges { node { reports agency { synthetic } } } }
      region(code: "511722") { agencies(includeSynthetic: $all) { totalCount edges { node { name synthetic } } } } }"""
    real = await api.data(query, {"f": None, "all": False})
    assert real["agencies"]["totalCount"] == 5 and not any(e["node"]["synthetic"] for e in real["agencies"]["edges"])
    assert real["agencyRanking"]["totalCount"] == 5
    assert sum(e["node"]["reports"] for e in real["agencyRanking"]["edges"]) == REAL
    assert real["region"]["agencies"]["totalCount"] == 0  # 宣汉县 holds only the synthetic 胡家镇 and 南坝镇
    everything = await api.data(query, {"f": INCLUDE, "all": True})
    assert everything["agencies"]["totalCount"] == 5 + len(SYNTHETIC_AGENCIES)
    assert sum(e["node"]["reports"] for e in everything["agencyRanking"]["edges"]) == REAL + SYNTHETIC
    assert sorted(e["node"]["name"] for e in everything["region"]["agencies"]["edges"]) == [
        f"{SYNTHETIC_MARK}南坝镇", f"{SYNTHETIC_MARK}胡家镇"]


async def test_failed_checks_and_years_leave_synthetic_out(api, loaded_url):
    query = """query($f: ReportFilter) { failedChecks(filter: $f) { code reports }
                 years(filter: $f) { year template reportCount } }"""
    for f, kept in ((None, "NOT a.synthetic"), (INCLUDE, "true")):
        data = await api.data(query, {"f": f})
        years = await _sql(loaded_url, f"SELECT r.year, count(*) AS n FROM report r JOIN agency a ON a.id = r.agency_id "
                                        f"WHERE {kept} GROUP BY r.year ORDER BY r.year")
        assert [(y["year"], y["reportCount"]) for y in data["years"]] == [(r["year"], r["n"]) for r in years]
        failed = await _sql(loaded_url, f"SELECT c.code, count(DISTINCT c.report_id) AS n FROM check_result c "
                                         f"JOIN report r ON r.id = c.report_id JOIN agency a ON a.id = r.agency_id "
                                         f"WHERE c.status = 'failed' AND {kept} GROUP BY c.code")
        assert {c["code"]: c["reports"] for c in data["failedChecks"]} == {r["code"]: r["n"] for r in failed}
    # The synthetic fixtures carry the broken row sums; the real seeds do not.
    assert "S3_ROW_SUM" not in {c["code"] for c in (await api.data(query, {"f": None}))["failedChecks"]}
    # 2019 holds synthetic reports only: listed when they are included, not before.
    assert 2019 not in [y["year"] for y in (await api.data(query, {"f": None}))["years"]]


@pytest.mark.parametrize("group_by", [[], ["YEAR"], ["KIND", "TEMPLATE"], ["PROVINCE"], ["COUNTY"]])
async def test_summary_rollup_and_raw_rows_leave_synthetic_out_alike(api, loaded_url, monkeypatch, group_by):
    query = """query($f: ReportFilter, $by: [SummaryDimension!]) { summary(filter: $f, groupBy: $by) {
                 year kind template province { code } county { code } reports inconsistentReports
                 applications { row(key: "new_received") { total } } } }"""
    for f, n in ((None, REAL), ({"synthetic": False}, REAL), (INCLUDE, REAL + SYNTHETIC), ({"synthetic": True}, SYNTHETIC)):
        from_rollup = (await api.data(query, {"f": f, "by": group_by}))["summary"]
        with monkeypatch.context() as m:
            m.setattr(aggregates, "rollup_answers", lambda _: False)
            from_rows = (await api.data(query, {"f": f, "by": group_by}))["summary"]
        assert from_rollup == from_rows, f
        assert sum(g["reports"] for g in from_rollup) == n, f
    (total,) = await _sql(loaded_url, "SELECT sum(o.total) AS n FROM application_outcome o JOIN report r ON "
                                      "r.id = o.report_id JOIN agency a ON a.id = r.agency_id "
                                      "WHERE o.row_key = 'new_received' AND NOT a.synthetic")
    groups = (await api.data(query, {"f": None, "by": group_by}))["summary"]
    assert sum(g["applications"]["row"]["total"] or 0 for g in groups) == total["n"]


async def test_facet_counts_follow_the_synthetic_choice(api):
    query = """query($f: ReportFilter) { byKind: summary(filter: $f, groupBy: [KIND]) { kind reports }
                 byTemplate: summary(filter: $f, groupBy: [TEMPLATE]) { template reports } }"""
    real = await api.data(query, {"f": None})
    everything = await api.data(query, {"f": INCLUDE})
    assert sum(g["reports"] for g in real["byKind"]) == sum(g["reports"] for g in real["byTemplate"]) == REAL
    assert sum(g["reports"] for g in everything["byKind"]) == REAL + SYNTHETIC
    # Only the synthetic 生态环境局 is a department.
    assert "department" not in {g["kind"] for g in real["byKind"]}
    assert "department" in {g["kind"] for g in everything["byKind"]}


async def test_a_real_and_a_synthetic_agency_never_share_a_name(api, loaded_url):
    rows = await _sql(loaded_url, "SELECT name, synthetic FROM agency")
    real = {r["name"] for r in rows if not r["synthetic"]}
    synthetic = {r["name"] for r in rows if r["synthetic"]}
    assert len(synthetic) == len(SYNTHETIC_AGENCIES) and not real & synthetic
    assert all(name.startswith(SYNTHETIC_MARK) for name in synthetic)
    assert not any(name.startswith(SYNTHETIC_MARK) for name in real)
