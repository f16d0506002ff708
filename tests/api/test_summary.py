"""``summary``: GROUP BY in SQL; its sums equal sums computed independently here."""

from __future__ import annotations

import asyncpg
import pytest

from db.engine import dsn


async def _sql(url: str, query: str, *args) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn(url))
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


GROUPS = """query($groupBy: [SummaryDimension!], $filter: ReportFilter) { summary(groupBy: $groupBy, filter: $filter) {
  year kind template province { code name } city { code } county { code } reports inconsistentReports
  applications { rows { key naturalPerson otherOrg total } row(key: "granted") { total } }
  reviews { review { upheld total } litigationAfterReview { pending } } } }"""


@pytest.mark.parametrize(("filter", "kept", "n"), [
    (None, "NOT a.synthetic", 5),  # synthetic reports are left out unless asked for
    ({"includeSynthetic": True}, "true", 26),
])
async def test_summary_without_groups_is_one_group_over_everything(api, loaded_url, filter, kept, n):
    (group,) = (await api.data(GROUPS, {"groupBy": [], "filter": filter}))["summary"]
    kept_reports = f"SELECT r.id FROM report r JOIN agency a ON a.id = r.agency_id WHERE {kept}"
    (expected,) = await _sql(
        loaded_url,
        f"SELECT count(*) AS n, count(*) FILTER (WHERE checks_failed > 0) AS bad, "
        f"(SELECT sum(total) FROM application_outcome WHERE row_key = 'new_received' AND report_id IN ({kept_reports})) "
        f"AS new_total, (SELECT sum(total) FROM review_litigation WHERE \"group\" = 'review' "
        f"AND report_id IN ({kept_reports})) AS review_total FROM report WHERE id IN ({kept_reports})",
    )
    assert group["reports"] == expected["n"] == n and group["inconsistentReports"] == expected["bad"]
    rows = {row["key"]: row for row in group["applications"]["rows"]}
    assert rows["new_received"]["total"] == expected["new_total"]
    assert group["reviews"]["review"]["total"] == expected["review_total"]
    assert group["year"] is None and group["province"] is None


async def test_summary_by_year_and_province_matches_sql(api, loaded_url):
    groups = (await api.data(GROUPS, {"groupBy": ["YEAR", "PROVINCE"], "filter": {"synthetic": True}}))["summary"]
    # Independently: the province is the region two parents up from 宣汉县/紫阳县, one up from 奉节县.
    expected = await _sql(
        loaded_url,
        """SELECT r.year, p.code AS province, count(DISTINCT r.id) AS n,
                  sum(ao.natural_person) FILTER (WHERE ao.row_key = 'granted') AS granted_np,
                  sum(ao.other_org) FILTER (WHERE ao.row_key = 'carried_over') AS carried_other,
                  sum(ao.total) FILTER (WHERE ao.row_key = 'outcome_total') AS outcome_total
           FROM report r JOIN agency a ON a.id = r.agency_id
           JOIN region county ON county.code = a.region_code
           JOIN region p ON p.level = 'province' AND p.code IN (county.parent_code,
                (SELECT parent_code FROM region WHERE code = county.parent_code))
           JOIN application_outcome ao ON ao.report_id = r.id
           WHERE a.synthetic GROUP BY r.year, p.code ORDER BY r.year, p.code""",
    )
    got = {(g["year"], g["province"]["code"]): g for g in groups}
    assert sorted(got) == [(row["year"], row["province"]) for row in expected]
    for row in expected:
        group = got[(row["year"], row["province"])]
        cells = {r["key"]: r for r in group["applications"]["rows"]}
        assert group["reports"] == row["n"]
        assert cells["granted"]["naturalPerson"] == row["granted_np"]
        assert cells["carried_over"]["otherOrg"] == row["carried_other"]
        assert cells["outcome_total"]["total"] == row["outcome_total"]
    # 胡家镇 and 南坝镇 (四川) reported in 2024 only among the synthetic agencies: two reports.
    assert got[(2024, "510000")]["reports"] == 2
    assert {code for _, code in got} == {"510000", "500000", "610000"}


async def test_summary_reviews_by_kind_and_template_match_sql(api, loaded_url):
    groups = (await api.data(GROUPS, {"groupBy": ["KIND", "TEMPLATE"], "filter": {"includeSynthetic": True}}))["summary"]
    expected = await _sql(
        loaded_url,
        """SELECT a.kind, r.template, count(*) AS n, count(*) FILTER (WHERE r.checks_failed > 0) AS bad,
                  sum(rl.upheld) AS upheld, sum(rl.total) AS total
           FROM report r JOIN agency a ON a.id = r.agency_id
           JOIN review_litigation rl ON rl.report_id = r.id AND rl."group" = 'review'
           GROUP BY a.kind, r.template""",
    )
    got = {(g["kind"], g["template"].removeprefix("T")): g for g in groups}  # GraphQL's T2019 is template 2019
    assert set(got) == {(row["kind"], row["template"]) for row in expected}
    for row in expected:
        group = got[(row["kind"], row["template"])]
        assert group["reports"] == row["n"] and group["inconsistentReports"] == row["bad"]
        assert group["reviews"]["review"] == {"upheld": row["upheld"], "total": row["total"]}


async def test_summary_by_city_and_county_follows_the_hierarchy(api):
    query = "{ summary(groupBy: [CITY, COUNTY], filter: {synthetic: true}) { city { code } county { code } reports } }"
    groups = (await api.data(query))["summary"]
    keys = {((g["city"] or {}).get("code"), g["county"]["code"]): g["reports"] for g in groups}
    # 奉节县 has no city above it: its city is null.
    assert keys == {("511700", "511722"): 12, ("610900", "610924"): 4, (None, "500236"): 5}
